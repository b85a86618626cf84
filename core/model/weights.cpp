// Format dispatch for checkpoint files, and sharded checkpoints.
#include "core/model/weights.h"

#include "core/io/errors.h"
#include "core/io/json_file.h"
#include "core/model/pytorch_bin.h"
#include "core/model/safetensors.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>

namespace issuebert {
namespace {

namespace fs = std::filesystem;

bool isFloating(const torch::Tensor& tensor) {
    const auto type = tensor.scalar_type();
    return type == torch::kFloat16 || type == torch::kBFloat16 || type == torch::kFloat64;
}

bool endsWith(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A sharded checkpoint: {"weight_map": {"tensor name": "shard file", ...}}.
std::vector<std::pair<std::string, torch::Tensor>> loadSharded(const std::string& path,
                                                               bool toFloat32) {
    const nlohmann::json index =
        parseJsonObject(readWholeFile(path, "a sharded checkpoint index"), path);
    if (!index.contains("weight_map") || !index.at("weight_map").is_object()) {
        throw ModelError(path + ": a sharded checkpoint index needs a \"weight_map\" object");
    }
    std::vector<std::string> shards; // in order of first mention
    std::set<std::string> expected;
    for (const auto& [name, shard] : index.at("weight_map").items()) {
        if (!shard.is_string() || fs::path(shard.get<std::string>()).has_parent_path()) {
            throw ModelError(path + ": weight_map entry " + quote(name) +
                             " must name a shard file in the same folder");
        }
        // A shard is a weights file: an index naming an index (itself, or one that
        // names it back) would be read without end.
        if (endsWith(shard.get<std::string>(), ".index.json")) {
            throw ModelError(path + ": weight_map entry " + quote(name) + " names " +
                             quote(shard.get<std::string>()) +
                             ", another index, not a shard of weights");
        }
        if (std::find(shards.begin(), shards.end(), shard.get<std::string>()) == shards.end()) {
            shards.push_back(shard.get<std::string>());
        }
        expected.insert(name);
    }
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    const fs::path folder = fs::path(path).parent_path();
    for (const auto& shard : shards) {
        for (auto& entry : loadCheckpointTensors((folder / shard).string(), toFloat32)) {
            expected.erase(entry.first);
            tensors.push_back(std::move(entry));
        }
    }
    if (!expected.empty()) {
        throw ModelError(path + ": tensor " + quote(*expected.begin()) +
                         " of the weight_map is in none of the shards");
    }
    return tensors;
}

} // namespace

std::vector<std::pair<std::string, torch::Tensor>> loadCheckpointTensors(const std::string& path,
                                                                         bool toFloat32) {
    if (endsWith(path, ".index.json")) {
        return loadSharded(path, toFloat32);
    }
    char magic[4] = {};
    {
        std::ifstream in(path, std::ios::binary);
        if (!in || fs::is_directory(path)) {
            throw IoError("cannot open " + path);
        }
        in.read(magic, sizeof magic);
    }
    // A zip archive, or the legacy torch.save pickle (readPytorchBin explains that
    // one): PROTO 2 then LONG1 of its magic number. As a safetensors header length
    // those bytes would be 176 MB, more than the format allows.
    const std::string_view head(magic, 4);
    const bool isTorchSave = head == std::string_view("PK\x03\x04", 4) ||
                             head == std::string_view("\x80\x02\x8a\x0a", 4);
    if (isTorchSave) {
        auto tensors = readPytorchBin(path);
        if (toFloat32) {
            for (auto& entry : tensors) {
                if (isFloating(entry.second)) {
                    entry.second = entry.second.to(torch::kFloat32);
                }
            }
        }
        return tensors;
    }
    const auto file = SafetensorsFile::open(path);
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    tensors.reserve(file.tensors().size());
    for (const auto& info : file.tensors()) {
        tensors.emplace_back(info.name, file.load(info, toFloat32));
    }
    return tensors;
}

std::string findCheckpointFile(const std::string& modelDir) {
    if (!fs::is_directory(modelDir)) {
        throw ModelError(modelDir + ": not a model folder (no such folder)");
    }
    for (const char* name : {"model.safetensors", "pytorch_model.bin",
                             "model.safetensors.index.json", "pytorch_model.bin.index.json"}) {
        const fs::path candidate = fs::path(modelDir) / name;
        if (fs::is_regular_file(candidate)) {
            return candidate.string();
        }
    }
    std::string hint;
    for (const char* other : {"tf_model.h5", "flax_model.msgpack"}) {
        if (fs::exists(fs::path(modelDir) / other)) {
            hint = " (only " + std::string(other) + ", TensorFlow or Flax weights, which " +
                   "IssueBERT cannot read: convert them with transformers' save_pretrained)";
        }
    }
    throw ModelError(modelDir + ": no model weights: neither model.safetensors nor " +
                     "pytorch_model.bin" + hint);
}

} // namespace issuebert
