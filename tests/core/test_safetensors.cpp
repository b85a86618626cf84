// The safetensors reader and writer: every malformed file gives a clear error
// naming the file and the fault (never a crash), saved files read back bit for
// bit, and writes are atomic.
#include "core/io/atomic_file.h"
#include "core/io/errors.h"
#include "core/model/safetensors.h"

// Last: it replaces the CHECK macros LibTorch brings (glog's).
#include "tests/support/unit.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

using issuebert::IoError;
using issuebert::ModelError;
using issuebert::SafetensorsFile;
using issuebert::StDtype;

namespace {

// A safetensors file from its parts: u64 little-endian header length, header, data.
std::string stBytes(const std::string& header, const std::string& data, uint64_t length = ~0ull) {
    const uint64_t size = length == ~0ull ? header.size() : length;
    std::string bytes(reinterpret_cast<const char*>(&size), 8);
    return bytes + header + data;
}

std::string zeros(std::size_t count) {
    return std::string(count, '\0');
}

SafetensorsFile openBytes(const unit::TempDir& dir, const std::string& bytes) {
    return SafetensorsFile::open(dir.write("broken.safetensors", bytes));
}

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// Equal shape, dtype and bytes: NaN payloads and -0 included.
bool sameBits(const torch::Tensor& a, const torch::Tensor& b) {
    return a.scalar_type() == b.scalar_type() && a.sizes() == b.sizes() &&
           (a.numel() == 0 ||
            std::memcmp(a.contiguous().data_ptr(), b.contiguous().data_ptr(), a.nbytes()) == 0);
}

const std::string kOneF32 = R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})";

} // namespace

TEST_CASE("safetensors: a file shorter than 8 bytes is refused") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(openBytes(dir, "abcde"), ModelError,
                      "broken.safetensors: not a safetensors file: 5 bytes");
    CHECK_THROWS_WITH(openBytes(dir, ""), ModelError, "0 bytes, shorter than the 8-byte");
}

TEST_CASE("safetensors: a header length past the end of the file says truncated") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(openBytes(dir, stBytes(kOneF32, zeros(16), 5000)), ModelError,
                      "broken.safetensors: header length 5000 runs past the end of the file");
}

TEST_CASE("safetensors: an absurd header length is refused before anything is read") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(openBytes(dir, stBytes("{}", "", 1ull << 62)), ModelError,
                      "header length 4611686018427387904 is larger than the 100 MB");
    // A text file: its first 8 bytes read as an enormous length.
    CHECK_THROWS_WITH(openBytes(dir, "title,body,label\nCrash,on start,bug\n"), ModelError,
                      "is larger than the 100 MB safetensors allows");
}

TEST_CASE("safetensors: a header that is not JSON is refused") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(openBytes(dir, stBytes("{\"a\": {\"dtype\": F32", "")), ModelError,
                      "broken.safetensors: header is not valid JSON: parse error");
    CHECK_THROWS_WITH(openBytes(dir, stBytes("{\"\xff\xfe\": 1}", "")), ModelError,
                      "header is not valid JSON");
    CHECK_THROWS_WITH(openBytes(dir, stBytes(kOneF32 + "x", zeros(16))), ModelError,
                      "header is not valid JSON");
}

TEST_CASE("safetensors: a header that is JSON but not an object is refused") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(openBytes(dir, stBytes("[1, 2]", "")), ModelError,
                      "header must be a JSON object, found an array");
}

TEST_CASE("safetensors: a tensor entry that is not an object is refused") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(openBytes(dir, stBytes(R"({"a": 5})", "")), ModelError,
                      "tensor 'a': entry must be an object, found the number 5");
}

TEST_CASE("safetensors: an entry without dtype, shape or data_offsets names the field") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(
        openBytes(dir, stBytes(R"({"a":{"shape":[4],"data_offsets":[0,16]}})", zeros(16))),
        ModelError, "tensor 'a': missing \"dtype\"");
    CHECK_THROWS_WITH(
        openBytes(dir, stBytes(R"({"a":{"dtype":"F32","data_offsets":[0,16]}})", zeros(16))),
        ModelError, "tensor 'a': missing \"shape\"");
    CHECK_THROWS_WITH(openBytes(dir, stBytes(R"({"a":{"dtype":"F32","shape":[4]}})", zeros(16))),
                      ModelError, "tensor 'a': missing \"data_offsets\"");
}

TEST_CASE("safetensors: an unknown dtype is named with the supported ones") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(
        openBytes(dir, stBytes(R"({"w":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}})",
                               zeros(2))),
        ModelError,
        "tensor 'w': unsupported dtype \"F8_E4M3\" (supported: F64, F32, F16, BF16, I64, I32, "
        "I16, I8, U8, BOOL)");
    CHECK_THROWS_WITH(
        openBytes(dir, stBytes(R"({"w":{"dtype":4,"shape":[1],"data_offsets":[0,4]}})", zeros(4))),
        ModelError, "unsupported dtype 4");
}

TEST_CASE("safetensors: a negative or fractional dimension is refused") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(
        openBytes(
            dir, stBytes(R"({"a":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}})", zeros(16))),
        ModelError, "tensor 'a': shape [-4] holds the number -4, not a size");
    CHECK_THROWS_WITH(
        openBytes(dir, stBytes(R"({"a":{"dtype":"F32","shape":[4.0],"data_offsets":[0,16]}})",
                               zeros(16))),
        ModelError, "not a size (a non-negative integer)");
    CHECK_THROWS_WITH(
        openBytes(dir,
                  stBytes(R"({"a":{"dtype":"F32","shape":4,"data_offsets":[0,4]}})", zeros(4))),
        ModelError, "shape must be an array of sizes, found the number 4");
}

TEST_CASE("safetensors: a shape whose element count overflows is refused") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(
        openBytes(dir, stBytes(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],)"
                               R"("data_offsets":[0,0]}})",
                               "")),
        ModelError, "tensor 'a': shape [4294967296,4294967296] has too many elements");
    // A zero elsewhere makes the count 0, but torch would still overflow on the strides.
    CHECK_THROWS_WITH(
        openBytes(dir, stBytes(R"({"a":{"dtype":"F32","shape":[0,4294967296,4294967296],)"
                               R"("data_offsets":[0,0]}})",
                               "")),
        ModelError, "has too many elements");
    // Fits in elements, overflows in bytes.
    CHECK_THROWS_WITH(openBytes(dir, stBytes(R"({"a":{"dtype":"F64","shape":[4611686018427387904],)"
                                             R"("data_offsets":[0,8]}})",
                                             zeros(8))),
                      ModelError, "has too many elements");
}

TEST_CASE("safetensors: data_offsets must be two ascending byte offsets") {
    unit::TempDir dir;
    for (const std::string offsets : {"[0,16,32]", "[16,0]", "[\"0\",\"16\"]", "[-1,15]", "16"}) {
        CHECK_THROWS_WITH(
            openBytes(dir,
                      stBytes(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":)" + offsets + "}}",
                              zeros(32))),
            ModelError,
            "tensor 'a': data_offsets must be two ascending byte offsets [begin, "
            "end], found " +
                offsets);
    }
}

TEST_CASE("safetensors: a span past the end of the data says the file is truncated") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(openBytes(dir, stBytes(kOneF32, zeros(12))), ModelError,
                      "broken.safetensors: tensor 'a': data_offsets [0, 16] run past the end of "
                      "the data area (12 bytes): truncated file?");
    // Offsets far beyond the file, where a careless reader would read unmapped memory.
    CHECK_THROWS_WITH(
        openBytes(dir, stBytes(R"({"a":{"dtype":"U8","shape":[16],)"
                               R"("data_offsets":[18446744073709551600,18446744073709551615]}})",
                               zeros(16))),
        ModelError, "run past the end of the data area");
}

TEST_CASE("safetensors: shape times dtype size must equal the byte span") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(
        openBytes(dir, stBytes(R"({"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}})",
                               zeros(12))),
        ModelError, "tensor 'a': shape [2, 2] of F32 needs 16 bytes, but data_offsets span 12");
    CHECK_THROWS_WITH(
        openBytes(
            dir, stBytes(R"({"a":{"dtype":"BF16","shape":[3],"data_offsets":[0,12]}})", zeros(12))),
        ModelError, "shape [3] of BF16 needs 6 bytes, but data_offsets span 12");
}

TEST_CASE("safetensors: overlapping tensors are refused") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(
        openBytes(dir, stBytes(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                               R"("b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                               zeros(16))),
        ModelError, "tensor 'b' (bytes 8 to 16) overlaps tensor 'a' (bytes 0 to 16)");
    // Two names for the same bytes.
    CHECK_THROWS_WITH(
        openBytes(dir, stBytes(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                               R"("b":{"dtype":"I32","shape":[4],"data_offsets":[0,16]}})",
                               zeros(16))),
        ModelError, "overlaps tensor");
}

TEST_CASE("safetensors: gaps and trailing bytes are refused, as Python refuses them") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(
        openBytes(dir, stBytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                               R"("b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}})",
                               zeros(16))),
        ModelError, "gap in the data area: bytes 8 to 12 belong to no tensor (before tensor 'b')");
    CHECK_THROWS_WITH(openBytes(dir, stBytes(kOneF32, zeros(20))), ModelError,
                      "the tensors cover 16 bytes of the 20-byte data area: trailing bytes");
}

TEST_CASE("safetensors: a tensor named twice is refused") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(
        openBytes(dir, stBytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                               R"("a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                               zeros(16))),
        ModelError, "broken.safetensors: tensor 'a' appears twice in the header");
}

TEST_CASE("safetensors: __metadata__ must map strings to strings") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(openBytes(dir, stBytes(R"({"__metadata__":{"epoch":3}})", "")), ModelError,
                      "__metadata__ entry 'epoch' must be a string, found the number 3");
    CHECK_THROWS_WITH(openBytes(dir, stBytes(R"({"__metadata__":["pt"]})", "")), ModelError,
                      "__metadata__ must be an object of strings, found an array");
}

TEST_CASE("safetensors: a missing file or a folder is an I/O error naming it") {
    unit::TempDir dir;
    const auto missing = (dir.path() / "nowhere.safetensors").string();
    CHECK_THROWS_WITH(SafetensorsFile::open(missing), IoError, "cannot open " + missing);
    CHECK_THROWS_WITH(SafetensorsFile::open(dir.path().string()), IoError, "not a regular file");
}

TEST_CASE("safetensors: asking for a tensor the file lacks names it") {
    unit::TempDir dir;
    const auto file = openBytes(dir, stBytes(kOneF32, zeros(16)));
    CHECK(file.find("nope") == nullptr);
    CHECK_THROWS_WITH(file.load("nope"), ModelError, "broken.safetensors: no tensor named 'nope'");
}

TEST_CASE("safetensors: files Python accepts open: unaligned header, blanks, extra fields") {
    unit::TempDir dir;
    // 7-byte header (not 8-aligned), leading blanks, an unknown field, tensors in
    // header order unlike their data order, a scalar and an empty tensor.
    const std::string header = R"(  {"b":{"dtype":"I16","shape":[],"data_offsets":[4,6],"x":1},)"
                               R"("e":{"dtype":"F32","shape":[0,3],"data_offsets":[6,6]},)"
                               R"("a":{"dtype":"U8","shape":[2,2],"data_offsets":[0,4]}})";
    const auto file = openBytes(dir, stBytes(header, std::string("\x01\x02\x03\x04\x05\x00", 6)));
    CHECK_EQ(file.tensors().size(), std::size_t{3});
    CHECK_EQ(file.tensors()[0].name, std::string("b"));
    CHECK_EQ(file.tensors()[2].name, std::string("a"));
    CHECK_EQ(file.load("b").item<int16_t>(), int16_t{5});
    CHECK_EQ(file.load("b").dim(), int64_t{0});
    CHECK_EQ(file.load("e").sizes().vec(), (std::vector<int64_t>{0, 3}));
    CHECK(torch::equal(file.load("a"), torch::tensor({1, 2, 3, 4}, torch::kUInt8).view({2, 2})));
    const auto empty = openBytes(dir, stBytes("{}", ""));
    CHECK(empty.tensors().empty());
}

TEST_CASE("safetensors: any non-zero BOOL byte reads as true") {
    unit::TempDir dir;
    const auto file =
        openBytes(dir, stBytes(R"({"m":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}})",
                               std::string("\x00\x02\x01", 3)));
    const auto mask = file.load("m");
    CHECK_EQ(mask.scalar_type(), torch::kBool);
    CHECK_EQ(mask.to(torch::kUInt8).sum().item<int64_t>(), int64_t{2}); // 0 or 1 each, not 2
}

TEST_CASE("safetensors: damaged files never crash the reader") {
    // Deterministic mutations of a valid file: flipped bytes in the header and
    // the length, truncations, garbage lengths. Each either opens (and then every
    // tensor loads) or gives a ModelError.
    unit::TempDir dir;
    std::vector<std::pair<std::string, torch::Tensor>> tensors = {
        {"w", torch::arange(6, torch::kFloat32).view({2, 3})},
        {"h", torch::ones({3}, torch::kFloat16)},
        {"ids", torch::arange(4, torch::kInt64)}};
    const auto validPath = (dir.path() / "valid.safetensors").string();
    issuebert::saveSafetensors(validPath, tensors, {{"format", "pt"}});
    const std::string valid = readAll(validPath);
    uint64_t headerSize = 0;
    std::memcpy(&headerSize, valid.data(), 8);

    std::mt19937 random(12345);
    int opened = 0;
    int refused = 0;
    for (int round = 0; round < 1500; ++round) {
        std::string bytes = valid;
        switch (round % 3) {
        case 0: { // flip 1-3 bytes of the length or the header
            for (int k = 0; k <= static_cast<int>(random() % 3); ++k) {
                bytes[random() % (8 + headerSize)] = static_cast<char>(random());
            }
            break;
        }
        case 1: // truncate
            bytes.resize(random() % bytes.size());
            break;
        default: { // a digit of the header changed: offsets and shapes go wrong
            const auto digit = bytes.find_first_of("0123456789", 8 + random() % headerSize);
            if (digit != std::string::npos && digit < 8 + headerSize) {
                bytes[digit] = static_cast<char>('0' + random() % 10);
            }
        }
        }
        try {
            const auto file = openBytes(dir, bytes);
            for (const auto& info : file.tensors()) {
                (void)file.load(info, true);
            }
            ++opened;
        } catch (const ModelError&) {
            ++refused;
        }
    }
    CHECK_EQ(opened + refused, 1500);
    CHECK(refused > 500);
}

TEST_CASE("safetensors: save then load is bit-exact for every dtype") {
    unit::TempDir dir;
    torch::manual_seed(1);
    const auto bits32 = torch::randint(INT32_MIN, INT32_MAX, {17}, torch::kInt32);
    const auto bits16 = torch::randint(-32768, 32767, {5, 3}, torch::kInt16);
    std::vector<std::pair<std::string, torch::Tensor>> tensors = {
        {"f32", bits32.view(torch::kFloat32)}, // every bit pattern: NaN payloads, -0, denormals
        {"f16", bits16.view(torch::kFloat16)},
        {"bf16", bits16.flip(0).contiguous().view(torch::kBFloat16)},
        {"f64", torch::randn({2, 2}, torch::kFloat64)},
        {"i64", torch::tensor({INT64_MIN, int64_t{-1}, int64_t{0}, INT64_MAX})},
        {"i32", bits32},
        {"i16", bits16},
        {"i8", torch::tensor({-128, 0, 127}, torch::kInt8)},
        {"u8", torch::tensor({0, 128, 255}, torch::kUInt8)},
        {"bool", torch::tensor({true, false, true})},
        {"scalar", torch::tensor(2.5)},
        {"empty", torch::zeros({0, 7})},
        {"transposed", torch::arange(6, torch::kFloat32).view({2, 3}).t()},
    };
    const auto path = (dir.path() / "model.safetensors").string();
    issuebert::saveSafetensors(path, tensors);
    const auto file = SafetensorsFile::open(path);
    CHECK_EQ(file.tensors().size(), tensors.size());
    for (const auto& [name, tensor] : tensors) {
        const auto loaded = file.load(name);
        if (!sameBits(loaded, tensor.contiguous())) {
            CHECK_EQ(name, std::string("(bit-exact)"));
        }
    }
    CHECK_EQ(file.find("transposed")->shape, (std::vector<int64_t>{3, 2}));
    CHECK(file.metadata().empty());
}

TEST_CASE("safetensors: toFloat32 upcasts half, bfloat16 and double, and only those") {
    unit::TempDir dir;
    torch::manual_seed(2);
    const auto base = torch::randn({4, 5});
    const auto path = (dir.path() / "m.safetensors").string();
    issuebert::saveSafetensors(path, {{"h", base.to(torch::kFloat16)},
                                      {"b", base.to(torch::kBFloat16)},
                                      {"d", base.to(torch::kFloat64)},
                                      {"i", torch::arange(3)}});
    const auto file = SafetensorsFile::open(path);
    CHECK(sameBits(file.load("h", true), base.to(torch::kFloat16).to(torch::kFloat32)));
    CHECK(sameBits(file.load("b", true), base.to(torch::kBFloat16).to(torch::kFloat32)));
    CHECK(sameBits(file.load("d", true), base.to(torch::kFloat64).to(torch::kFloat32)));
    CHECK_EQ(file.load("i", true).scalar_type(), torch::kInt64);
    CHECK_EQ(file.load("h").scalar_type(), torch::kFloat16);
}

TEST_CASE("safetensors: metadata survives a round trip") {
    unit::TempDir dir;
    const std::map<std::string, std::string> metadata = {
        {"format", "pt"}, {"note", "naïve ✓ \"quoted\"\n"}, {"empty", ""}};
    const auto path = (dir.path() / "m.safetensors").string();
    issuebert::saveSafetensors(path, {{"a", torch::ones({2})}}, metadata);
    const auto file = SafetensorsFile::open(path);
    CHECK_EQ(file.metadata(), metadata);
}

TEST_CASE("safetensors: tensors outlive the file they were loaded from") {
    unit::TempDir dir;
    const auto path = (dir.path() / "m.safetensors").string();
    issuebert::saveSafetensors(path, {{"a", torch::arange(1000, torch::kFloat32)}});
    torch::Tensor kept;
    {
        auto file = SafetensorsFile::open(path);
        auto moved = std::move(file); // move-only; the map follows
        kept = moved.load("a");
    }
    std::filesystem::remove(path);
    CHECK_EQ(kept.sum().item<float>(), 499500.0f);
}

TEST_CASE("safetensors: the writer lays out files as Python does") {
    unit::TempDir dir;
    const auto path = (dir.path() / "m.safetensors").string();
    issuebert::saveSafetensors(path,
                               {{"z", torch::zeros({3}, torch::kUInt8)},
                                {"a", torch::zeros({1})},
                                {"m", torch::zeros({1}, torch::kFloat64)},
                                {"b", torch::zeros({2}, torch::kFloat16)},
                                {"i", torch::zeros({1}, torch::kInt64)}},
                               {{"k", "v"}});
    // Python's safetensors 0.8 writes this header for the same tensors.
    const std::string python =
        R"({"__metadata__":{"k":"v"},"i":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},)"
        R"("m":{"dtype":"F64","shape":[1],"data_offsets":[8,16]},)"
        R"("a":{"dtype":"F32","shape":[1],"data_offsets":[16,20]},)"
        R"("b":{"dtype":"F16","shape":[2],"data_offsets":[20,24]},)"
        R"("z":{"dtype":"U8","shape":[3],"data_offsets":[24,27]}})";
    const std::string bytes = readAll(path);
    uint64_t headerSize = 0;
    std::memcpy(&headerSize, bytes.data(), 8);
    CHECK_EQ(headerSize % 8, uint64_t{0});
    CHECK_EQ(bytes.substr(8, python.size()), python);
    CHECK_EQ(bytes.substr(8 + python.size(), headerSize - python.size()),
             std::string(headerSize - python.size(), ' '));
}

TEST_CASE("safetensors: the writer refuses what the format cannot hold, keeping the old file") {
    unit::TempDir dir;
    const auto path = dir.write("model.safetensors", "old content");
    CHECK_THROWS_WITH(
        issuebert::saveSafetensors(path, {{"c", torch::zeros({2}, torch::kComplexFloat)}}),
        ModelError, "tensor 'c' has dtype ComplexFloat");
    CHECK_THROWS_WITH(
        issuebert::saveSafetensors(path, {{"a", torch::ones(1)}, {"a", torch::ones(1)}}),
        ModelError, "tensor 'a' appears twice");
    CHECK_THROWS_WITH(issuebert::saveSafetensors(path, {{"__metadata__", torch::ones(1)}}),
                      ModelError, "reserved name");
    CHECK_EQ(readAll(path), std::string("old content"));
}

TEST_CASE("atomic file: a write that fails midway leaves the old file and no temporary") {
    unit::TempDir dir;
    const auto path = dir.write("model.safetensors", "old content");
    bool thrown = false;
    try {
        issuebert::writeFileAtomically(path, [](std::ostream& out) {
            out << "half-written";
            throw std::runtime_error("disk unplugged");
        });
    } catch (const std::runtime_error&) {
        thrown = true;
    }
    CHECK(thrown);
    CHECK_EQ(readAll(path), std::string("old content"));
    CHECK_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), std::ptrdiff_t{1});
}

TEST_CASE("atomic file: a finished write replaces the file and leaves nothing else") {
    unit::TempDir dir;
    const auto path = dir.write("config.json", "old");
    issuebert::AtomicFile file(path);
    file.stream() << "new";
    CHECK_EQ(readAll(path), std::string("old")); // nothing visible before commit
    CHECK(std::filesystem::path(file.tempPath()).parent_path() == dir.path());
    file.commit();
    CHECK_EQ(readAll(path), std::string("new"));
    CHECK_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), std::ptrdiff_t{1});
}

TEST_CASE("atomic file: a folder that does not exist is an I/O error naming the file") {
    unit::TempDir dir;
    const auto path = (dir.path() / "missing" / "model.safetensors").string();
    CHECK_THROWS_WITH(issuebert::AtomicFile{path}, IoError,
                      "cannot create a temporary file for " + path);
}
