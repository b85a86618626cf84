// Checkpoint files in every format a model folder may hold: pytorch_model.bin
// (torch.save archives from Python, against tests/fixtures/pytorch_bin, written by
// tests/reference/make_pytorch_bin_fixtures.py), sharded checkpoints, and the
// search for the weights file in a folder.
#include "core/io/errors.h"
#include "core/model/pytorch_bin.h"
#include "core/model/safetensors.h"
#include "core/model/weights.h"

#include <nlohmann/json.hpp>

// Last: it replaces the CHECK macros LibTorch brings (glog's).
#include "tests/support/unit.h"

#include <caffe2/serialize/inline_container.h>

#include <cstring>
#include <fstream>
#include <random>

using issuebert::ModelError;

namespace {

using Tensors = std::vector<std::pair<std::string, torch::Tensor>>;

std::string fixture(const std::string& name) {
    return unit::sourcePath("tests/fixtures/pytorch_bin/" + name).string();
}

// Ordered: the tests check that tensors come in the file's order.
nlohmann::ordered_json expected() {
    std::ifstream in(fixture("expected.json"));
    return nlohmann::ordered_json::parse(in)["files"];
}

std::vector<uint64_t> rawBits(const torch::Tensor& tensor) {
    const auto flat = tensor.contiguous();
    const auto size = flat.element_size();
    const auto* bytes = static_cast<const unsigned char*>(flat.data_ptr());
    std::vector<uint64_t> bits(static_cast<std::size_t>(flat.numel()));
    for (std::size_t i = 0; i < bits.size(); ++i) {
        std::memcpy(&bits[i], bytes + i * size, size);
    }
    return bits;
}

std::vector<int64_t> values(const torch::Tensor& tensor) {
    const auto flat = tensor.to(torch::kInt64).contiguous();
    return {flat.data_ptr<int64_t>(), flat.data_ptr<int64_t>() + flat.numel()};
}

const char* dtypeName(torch::Dtype dtype) {
    static const std::map<torch::Dtype, const char*> names = {
        {torch::kFloat64, "F64"},   {torch::kFloat32, "F32"}, {torch::kFloat16, "F16"},
        {torch::kBFloat16, "BF16"}, {torch::kInt64, "I64"},   {torch::kInt32, "I32"},
        {torch::kInt16, "I16"},     {torch::kInt8, "I8"},     {torch::kUInt8, "U8"},
        {torch::kBool, "BOOL"}};
    return names.at(dtype);
}

// The names, dtypes, shapes and exact bits Python recorded for one fixture file.
void checkAgainstPython(const std::string& file) {
    const auto want = expected()[file];
    const Tensors tensors = issuebert::readPytorchBin(fixture(file));
    CHECK_EQ(tensors.size(), want.size());
    auto it = want.begin();
    for (const auto& [name, tensor] : tensors) {
        CHECK_EQ(name, it.key()); // the file's order
        CHECK_EQ(std::string(dtypeName(tensor.scalar_type())), (*it)["dtype"].get<std::string>());
        CHECK_EQ(tensor.sizes().vec(), (*it)["shape"].get<std::vector<int64_t>>());
        CHECK(tensor.is_contiguous());
        if (it->contains("bits")) {
            CHECK_EQ(rawBits(tensor), (*it)["bits"].get<std::vector<uint64_t>>());
        } else {
            CHECK_EQ(values(tensor), (*it)["values"].get<std::vector<int64_t>>());
        }
        ++it;
    }
}

} // namespace

TEST_CASE("pytorch_model.bin: a module's state_dict() reads as Python saved it") {
    // An OrderedDict with _metadata: LibTorch 1.13's torch::pickle_load fails on it.
    checkAgainstPython("state_dict.bin");
}

TEST_CASE("pytorch_model.bin: every dtype, views and shared storages read bit for bit") {
    checkAgainstPython("mixed.bin");
}

TEST_CASE("pytorch_model.bin: a one-entry dict and pickle protocol 4 read too") {
    checkAgainstPython("single.bin");
    checkAgainstPython("protocol4.bin");
}

TEST_CASE("pytorch_model.bin: what is not a state dict of tensors gives a clear error") {
    CHECK_THROWS_WITH(issuebert::readPytorchBin(fixture("legacy.bin")), ModelError,
                      "legacy.bin: not a torch.save zip archive but the legacy format of PyTorch "
                      "< 1.6");
    CHECK_THROWS_WITH(issuebert::readPytorchBin(fixture("list.bin")), ModelError,
                      "list.bin: expected a state dict (name -> tensor), found a list");
    CHECK_THROWS_WITH(issuebert::readPytorchBin(fixture("training_checkpoint.bin")), ModelError,
                      "training_checkpoint.bin: entry 'epoch' is a int, not a tensor");
    CHECK_THROWS_WITH(
        issuebert::readPytorchBin(fixture("whole_module.bin")), ModelError,
        "holds a 'torch.nn.modules.linear.Linear' object; only state dicts of tensors "
        "can be read");
}

TEST_CASE("pytorch_model.bin: damaged archives give a ModelError, never a crash") {
    unit::TempDir dir;
    std::ifstream in(fixture("mixed.bin"), std::ios::binary);
    const std::string valid{std::istreambuf_iterator<char>(in), {}};
    CHECK_THROWS_WITH(
        issuebert::readPytorchBin(dir.write("pytorch_model.bin", valid.substr(0, 700))), ModelError,
        "pytorch_model.bin: not a readable torch.save archive: no end of central directory record");
    CHECK_THROWS_WITH(issuebert::readPytorchBin(dir.write("pytorch_model.bin", "PK\x03\x04junk")),
                      ModelError,
                      "pytorch_model.bin: not a readable torch.save archive: too short for a zip");
    // Zip entries are stored uncompressed: flipping bytes reaches the pickle and
    // the tensor data (and trips the CRC checks): every outcome must be clean.
    int refused = 0;
    for (std::size_t at = 0; at < valid.size(); at += 13) {
        std::string bytes = valid;
        bytes[at] = static_cast<char>(bytes[at] ^ 0x5a);
        try {
            (void)issuebert::readPytorchBin(dir.write("pytorch_model.bin", bytes));
        } catch (const ModelError&) {
            ++refused;
        }
    }
    CHECK(refused > 0);
}

TEST_CASE("pytorch_model.bin: a damaged pickle gives a ModelError, never a crash") {
    // Re-pack mixed.bin with mutated copies of its data.pkl (valid zip and CRCs,
    // so each mutation reaches the unpickler): flipped bytes and truncations.
    caffe2::serialize::PyTorchStreamReader original(fixture("mixed.bin"));
    auto [pickleData, pickleSize] = original.getRecord("data.pkl");
    const std::string pickle(static_cast<const char*>(pickleData.get()), pickleSize);
    std::vector<std::pair<std::string, std::string>> storages;
    for (const auto& name : original.getAllRecords()) {
        if (name.rfind("data/", 0) == 0) {
            auto [data, size] = original.getRecord(name);
            storages.emplace_back(name, std::string(static_cast<const char*>(data.get()), size));
        }
    }
    unit::TempDir dir;
    const auto path = (dir.path() / "pytorch_model.bin").string();
    std::mt19937 random(99);
    int read = 0;
    int refused = 0;
    for (int round = 0; round < 600; ++round) {
        std::string mutated = pickle;
        if (round % 4 == 0) {
            mutated.resize(random() % pickle.size());
        } else {
            for (int k = 0; k <= static_cast<int>(random() % 2); ++k) {
                mutated[random() % mutated.size()] = static_cast<char>(random());
            }
        }
        {
            caffe2::serialize::PyTorchStreamWriter writer(path);
            writer.writeRecord("data.pkl", mutated.data(), mutated.size());
            for (const auto& [name, bytes] : storages) {
                writer.writeRecord(name, bytes.data(), bytes.size());
            }
            writer.writeEndOfFile();
        }
        try {
            (void)issuebert::readPytorchBin(path);
            ++read;
        } catch (const ModelError&) {
            ++refused;
        }
    }
    CHECK_EQ(read + refused, 600);
    CHECK(refused > 200);
}

TEST_CASE("weights: a checkpoint's format is told by its content, and half is upcast") {
    unit::TempDir dir;
    // A safetensors file under a .bin name, and a torch.save archive under any name.
    const auto misnamed = (dir.path() / "weights.bin").string();
    issuebert::saveSafetensors(
        misnamed, {{"h", torch::ones({2}, torch::kFloat16)}, {"ids", torch::arange(3)}});
    const Tensors fromSafetensors = issuebert::loadCheckpointTensors(misnamed);
    CHECK_EQ(fromSafetensors.size(), std::size_t{2});
    CHECK_EQ(fromSafetensors[0].first, std::string("ids")); // file order: I64 before F16
    CHECK_EQ(fromSafetensors[1].second.scalar_type(), torch::kFloat32);
    CHECK_EQ(fromSafetensors[0].second.scalar_type(), torch::kInt64);

    // A header of 128 bytes: the file starts with 0x80, as a pickle does.
    const auto path128 = (dir.path() / "model.safetensors").string();
    issuebert::saveSafetensors(path128, {{std::string(69, 'w'), torch::ones({1})}});
    CHECK_EQ(issuebert::SafetensorsFile::open(path128).tensors().size(), std::size_t{1});
    std::ifstream first(path128, std::ios::binary);
    CHECK_EQ(first.get(), 0x80);
    CHECK_EQ(issuebert::loadCheckpointTensors(path128).size(), std::size_t{1});

    const Tensors fromBin = issuebert::loadCheckpointTensors(fixture("mixed.bin"));
    for (const auto& [name, tensor] : fromBin) {
        if (name == "half" || name == "brain" || name == "double") {
            CHECK_EQ(tensor.scalar_type(), torch::kFloat32);
        }
    }
    const Tensors stored = issuebert::loadCheckpointTensors(fixture("mixed.bin"), false);
    CHECK_EQ(stored[3].first, std::string("half"));
    CHECK_EQ(stored[3].second.scalar_type(), torch::kFloat16);
}

TEST_CASE("weights: a sharded checkpoint loads through its index") {
    unit::TempDir dir;
    issuebert::saveSafetensors((dir.path() / "model-00001-of-00002.safetensors").string(),
                               {{"a", torch::ones({2})}});
    issuebert::saveSafetensors((dir.path() / "model-00002-of-00002.safetensors").string(),
                               {{"b", torch::zeros({3})}});
    const auto index = dir.write("model.safetensors.index.json",
                                 R"({"metadata": {"total_size": 20}, "weight_map": {)"
                                 R"("a": "model-00001-of-00002.safetensors",)"
                                 R"("b": "model-00002-of-00002.safetensors"}})");
    CHECK_EQ(issuebert::findCheckpointFile(dir.path().string()), index);
    const Tensors tensors = issuebert::loadCheckpointTensors(index);
    CHECK_EQ(tensors.size(), std::size_t{2});
    CHECK_EQ(tensors[1].first, std::string("b"));

    dir.write("model.safetensors.index.json",
              R"({"weight_map": {"a": "model-00001-of-00002.safetensors", "c": )"
              R"("model-00001-of-00002.safetensors"}})");
    CHECK_THROWS_WITH(issuebert::loadCheckpointTensors(index), ModelError,
                      "tensor 'c' of the weight_map is in none of the shards");
    dir.write("model.safetensors.index.json", R"({"weight_map": {"a": "../elsewhere.bin"}})");
    CHECK_THROWS_WITH(issuebert::loadCheckpointTensors(index), ModelError,
                      "weight_map entry 'a' must name a shard file in the same folder");
}

TEST_CASE("weights: the folder's weights file is found, safetensors first") {
    unit::TempDir dir;
    const auto folder = dir.path().string();
    CHECK_THROWS_WITH(issuebert::findCheckpointFile(folder), ModelError,
                      folder +
                          ": no model weights: neither model.safetensors nor pytorch_model.bin");
    const auto bin = dir.write("pytorch_model.bin", "x");
    CHECK_EQ(issuebert::findCheckpointFile(folder), bin);
    const auto safetensors = dir.write("model.safetensors", "x");
    CHECK_EQ(issuebert::findCheckpointFile(folder), safetensors);
    CHECK_THROWS_WITH(issuebert::findCheckpointFile(folder + "/absent"), ModelError,
                      "absent: not a model folder");

    unit::TempDir tensorflow;
    tensorflow.write("tf_model.h5", "x");
    CHECK_THROWS_WITH(issuebert::findCheckpointFile(tensorflow.path().string()), ModelError,
                      "only tf_model.h5, TensorFlow or Flax weights, which IssueBERT cannot read");
}
