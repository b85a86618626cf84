// Weights files on arbitrary bytes, through the readers a model folder uses
// (LibTorch-linked). The first byte picks what the rest is:
//   0  a whole pytorch_model.bin: the zip layer (layout check, LibTorch's reader);
//   1  data.pkl inside a valid archive that holds two small storages: the
//      restricted unpickler and the tensor views it builds;
//   2  a model.safetensors: header and data;
//   3  a sharded checkpoint index beside two small safetensors shards.
// Each may be refused with an IssueBERT error; none may crash, hang or make a
// large allocation (libFuzzer's -malloc_limit_mb reports one as a crash).
#include "core/io/errors.h"
#include "core/model/safetensors.h"
#include "core/model/weights.h"

#include "support.h"

#include <caffe2/serialize/inline_container.h>

#include <cstring>
#include <filesystem>

using namespace issuebert;

namespace {

// The two storages case 1's pickles may name: data/0 (64 floats), data/1 (8 longs).
std::string floatBytes() {
    std::string bytes(64 * sizeof(float), '\0');
    for (int i = 0; i < 64; ++i) {
        const float value = static_cast<float>(i) / 8;
        std::memcpy(bytes.data() + i * sizeof value, &value, sizeof value);
    }
    return bytes;
}

std::string archiveWith(std::string_view pickle) {
    static const std::string floats = floatBytes();
    static const std::string longs(8 * sizeof(int64_t), '\x01');
    const std::string path = fuzz::workDir() + "/pytorch_model.bin";
    caffe2::serialize::PyTorchStreamWriter writer(path);
    writer.writeRecord("data.pkl", pickle.data(), pickle.size());
    writer.writeRecord("data/0", floats.data(), floats.size());
    writer.writeRecord("data/1", longs.data(), longs.size());
    writer.writeEndOfFile();
    return path;
}

std::string indexWith(std::string_view index) {
    const auto dir = std::filesystem::path(fuzz::workDir()) / "sharded";
    static const bool shards = [&] {
        std::filesystem::create_directories(dir);
        saveSafetensors((dir / "a.safetensors").string(), {{"w", torch::ones({4, 4})}});
        saveSafetensors((dir / "b.safetensors").string(), {{"b", torch::arange(4)}});
        return true;
    }();
    (void)shards;
    const std::string path = (dir / "model.safetensors.index.json").string();
    fuzz::writeFile(path, index);
    return path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        std::string path;
        switch (data[0] % 4) {
        case 0:
            path = fuzz::writeInput(bytes, ".bin");
            break;
        case 1:
            path = archiveWith(bytes);
            break;
        case 2:
            path = fuzz::writeInput(bytes, ".safetensors");
            break;
        default:
            path = indexWith(bytes);
            break;
        }
        for (const auto& [name, tensor] : loadCheckpointTensors(path)) {
            fuzz::check(tensor.defined(), "an undefined tensor");
            fuzz::check(tensor.numel() == 0 || tensor.is_contiguous(), "a strided tensor");
            (void)tensor.sum().item<double>(); // every element is readable
        }
    } catch (const Error&) {
        // a clean refusal
    }
    return 0;
}
