// Interop with Python's safetensors, against fixtures written by
// tests/reference/check_safetensors_interop.py: Python's files read bit for bit,
// and our writer's files are the ones Python was shown to read back.
#include "core/model/safetensors.h"

#include <nlohmann/json.hpp>

// Last: it replaces the CHECK macros LibTorch brings (glog's).
#include "tests/support/unit.h"

#include <cstdlib>
#include <cstring>
#include <fstream>

using issuebert::SafetensorsFile;

namespace {

const std::string kFixtures = "tests/fixtures/safetensors/";

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

nlohmann::json readJson(const std::string& relative) {
    return nlohmann::json::parse(readAll(unit::sourcePath(relative).string()));
}

// Each element's raw bits, zero-extended: what the fixture's "bits" hold.
std::vector<uint64_t> rawBits(const torch::Tensor& tensor) {
    const auto flat = tensor.contiguous();
    const auto size = flat.element_size();
    const auto* bytes = static_cast<const unsigned char*>(flat.data_ptr());
    std::vector<uint64_t> bits(static_cast<std::size_t>(flat.numel()));
    for (std::size_t i = 0; i < bits.size(); ++i) {
        std::memcpy(&bits[i], bytes + i * size, size); // little-endian host
    }
    return bits;
}

// Bit-exact, except that any NaN equals any other: LibTorch 1.13 and Python's
// torch 2 give different NaN payloads when they widen a half-precision NaN.
std::vector<uint64_t> quietNaNs(std::vector<uint64_t> float32Bits) {
    for (auto& bits : float32Bits) {
        if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0) {
            bits = 0x7fc00000u;
        }
    }
    return float32Bits;
}

// Every tensor of a file with its stored dtype, in file order, and the file's metadata.
std::vector<std::pair<std::string, torch::Tensor>> loadAll(const SafetensorsFile& file) {
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto& info : file.tensors()) {
        tensors.emplace_back(info.name, file.load(info));
    }
    return tensors;
}

std::string resavedPythonFile(const unit::TempDir& dir) {
    const auto python =
        SafetensorsFile::open(unit::sourcePath(kFixtures + "python_written.safetensors").string());
    const auto path = (dir.path() / "cpp_written.safetensors").string();
    issuebert::saveSafetensors(path, loadAll(python), python.metadata());
    return path;
}

} // namespace

TEST_CASE("interop: a file written by Python's safetensors reads bit for bit") {
    const auto expected = readJson(kFixtures + "python_written.json");
    const auto file =
        SafetensorsFile::open(unit::sourcePath(kFixtures + "python_written.safetensors").string());
    CHECK_EQ(file.tensors().size(), expected["tensors"].size());
    using Metadata = std::map<std::string, std::string>;
    CHECK(file.metadata() == expected["metadata"].get<Metadata>());
    for (const auto& [name, want] : expected["tensors"].items()) {
        const auto* info = file.find(name);
        CHECK(info != nullptr);
        CHECK_EQ(std::string(issuebert::stDtypeName(info->dtype)),
                 want["dtype"].get<std::string>());
        CHECK_EQ(info->shape, want["shape"].get<std::vector<int64_t>>());
        const auto tensor = file.load(name);
        CHECK_EQ(tensor.sizes().vec(), info->shape);
        if (want.contains("bits")) {
            CHECK_EQ(rawBits(tensor), want["bits"].get<std::vector<uint64_t>>());
        } else {
            const auto values = tensor.to(torch::kInt64).flatten();
            CHECK_EQ(std::vector<int64_t>(values.data_ptr<int64_t>(),
                                          values.data_ptr<int64_t>() + values.numel()),
                     want["values"].get<std::vector<int64_t>>());
        }
        if (want.contains("float32_bits")) { // F16, BF16, F64 upcast as Python's .float()
            const auto upcast = file.load(name, true);
            CHECK_EQ(upcast.scalar_type(), torch::kFloat32);
            CHECK_EQ(quietNaNs(rawBits(upcast)),
                     quietNaNs(want["float32_bits"].get<std::vector<uint64_t>>()));
        }
    }
}

TEST_CASE("interop: our writer lays out Python's tensors exactly as Python did") {
    unit::TempDir dir;
    const auto ours = resavedPythonFile(dir);
    if (const char* out = std::getenv("ISSUEBERT_INTEROP_OUT")) { // for the reference script
        std::ofstream(out, std::ios::binary) << readAll(ours);
    }
    const auto pythonPath = unit::sourcePath(kFixtures + "python_written.safetensors").string();
    const auto a = SafetensorsFile::open(pythonPath);
    const auto b = SafetensorsFile::open(ours);
    CHECK_EQ(a.tensors().size(), b.tensors().size());
    for (std::size_t i = 0; i < a.tensors().size(); ++i) {
        const auto& x = a.tensors()[i];
        const auto& y = b.tensors()[i];
        CHECK_EQ(y.name, x.name);
        CHECK(y.dtype == x.dtype);
        CHECK_EQ(y.shape, x.shape);
        CHECK_EQ(y.begin, x.begin);
        CHECK_EQ(y.end, x.end);
    }
    CHECK(a.metadata() == b.metadata());
    // Python orders its metadata by hash, so the headers may differ in that order
    // only; their lengths and the data areas are identical.
    const std::string pythonBytes = readAll(pythonPath);
    const std::string ourBytes = readAll(ours);
    CHECK_EQ(ourBytes.size(), pythonBytes.size());
    CHECK(ourBytes.substr(0, 8) == pythonBytes.substr(0, 8));
    uint64_t headerSize = 0;
    std::memcpy(&headerSize, ourBytes.data(), 8);
    CHECK(ourBytes.substr(8 + headerSize) == pythonBytes.substr(8 + headerSize));
}

TEST_CASE("interop: Python's safetensors reads what our writer writes (recorded result)") {
    // The reference script had Python read cpp_written.safetensors back and
    // recorded the verdict; our writer must still produce exactly that file.
    unit::TempDir dir;
    const auto ours = readAll(resavedPythonFile(dir));
    const auto recorded = readAll(unit::sourcePath(kFixtures + "cpp_written.safetensors").string());
    CHECK(!recorded.empty());
    CHECK(ours == recorded);
    const auto verdict = readJson(kFixtures + "cpp_written_check.json");
    CHECK_EQ(verdict["tensors_equal_bitwise"].get<bool>(), true);
    CHECK_EQ(verdict["metadata_equal"].get<bool>(), true);
    CHECK_EQ(verdict["ok"].get<bool>(), true);
}
