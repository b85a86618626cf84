// Hostile weights files (issue 12): pickles whose tensors re-read their storage,
// nest a million deep or run forever; zip archives that declare more than they
// hold; shard indexes that name themselves. Each is a clean ModelError naming
// the file, before anything large is allocated. Also: text from files is
// escaped in messages.
#include "core/io/errors.h"
#include "core/model/pickle_reader.h"
#include "core/model/pytorch_bin.h"
#include "core/model/weights.h"
#include "core/model/zip_layout.h"

// Last: it replaces the CHECK macros LibTorch brings (glog's).
#include "tests/support/unit.h"

#include <caffe2/serialize/inline_container.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

using namespace issuebert;
namespace fs = std::filesystem;

namespace {

std::string littleEndian(uint64_t value, int bytes) {
    std::string out;
    for (int i = 0; i < bytes; ++i) {
        out += static_cast<char>((value >> (8 * i)) & 0xFF);
    }
    return out;
}

// Pickle pieces, as torch.save writes them (protocol 2).
std::string unicode(const std::string& text) {
    return "X" + littleEndian(text.size(), 4) + text;
}
std::string int32(int64_t value) {
    return "J" + littleEndian(static_cast<uint64_t>(value), 4);
}
std::string intTuple(const std::vector<int64_t>& values) {
    std::string out = "(";
    for (const auto value : values) {
        out += int32(value);
    }
    return out + "t";
}
// _rebuild_tensor_v2(storage data/KEY of numel floats, offset, size, stride, False, {})
std::string tensor(const std::string& key, int64_t numel, int64_t offset,
                   const std::vector<int64_t>& size, const std::vector<int64_t>& stride) {
    return "ctorch._utils\n_rebuild_tensor_v2\n(" + std::string("(") + unicode("storage") +
           "ctorch\nFloatStorage\n" + unicode(key) + unicode("cpu") + int32(numel) + "tQ" +
           int32(offset) + intTuple(size) + intTuple(stride) + "\x89}tR";
}
std::string stateDict(const std::vector<std::pair<std::string, std::string>>& entries) {
    std::string out = "\x80\x02}(";
    for (const auto& [name, value] : entries) {
        out += unicode(name) + value;
    }
    return out + "u.";
}

std::string floats(int count) {
    std::string bytes;
    for (int i = 0; i < count; ++i) {
        const float value = static_cast<float>(i);
        bytes.append(reinterpret_cast<const char*>(&value), sizeof value);
    }
    return bytes;
}

// A torch.save archive holding pickle as data.pkl and the given storages.
std::string writeArchive(const unit::TempDir& dir, const std::string& pickle,
                         const std::map<std::string, std::string>& storages = {}) {
    const auto path = (dir.path() / "pytorch_model.bin").string();
    caffe2::serialize::PyTorchStreamWriter writer(path);
    writer.writeRecord("data.pkl", pickle.data(), pickle.size());
    for (const auto& [key, bytes] : storages) {
        writer.writeRecord("data/" + key, bytes.data(), bytes.size());
    }
    writer.writeEndOfFile();
    return path;
}

std::string refusal(const std::string& path) {
    try {
        (void)readPytorchBin(path);
    } catch (const ModelError& error) {
        return error.what();
    }
    return "(read without an error)";
}

// A zip archive written by hand, with what a hostile file may declare.
struct RawEntry {
    std::string name;
    std::string data;
    uint16_t method = 0;
    int64_t declaredSize = -1;  // the uncompressed size in both headers; -1: data's size
    int64_t storedSize = -1;    // the compressed size; -1: data's size
    bool sharePrevious = false; // the directory points at the previous entry's header
};

std::string rawZip(const std::vector<RawEntry>& entries) {
    std::string file;
    std::string directory;
    uint64_t previous = 0;
    for (const auto& entry : entries) {
        const uint64_t declared =
            entry.declaredSize < 0 ? entry.data.size() : static_cast<uint64_t>(entry.declaredSize);
        const uint64_t stored =
            entry.storedSize < 0 ? entry.data.size() : static_cast<uint64_t>(entry.storedSize);
        const uint64_t local = entry.sharePrevious ? previous : file.size();
        const std::string sizes = littleEndian(0, 4) + littleEndian(stored, 4) +
                                  littleEndian(declared, 4) + littleEndian(entry.name.size(), 2) +
                                  littleEndian(0, 2);
        const std::string common = littleEndian(20, 2) + littleEndian(0, 2) +
                                   littleEndian(entry.method, 2) + littleEndian(0, 4) + sizes;
        if (!entry.sharePrevious) {
            previous = file.size();
            file += littleEndian(0x04034b50, 4) + common + entry.name + entry.data;
        }
        directory += littleEndian(0x02014b50, 4) + littleEndian(20, 2) + common +
                     littleEndian(0, 2) + littleEndian(0, 2) + littleEndian(0, 2) +
                     littleEndian(0, 4) + littleEndian(local, 4) + entry.name;
    }
    const uint64_t directoryOffset = file.size();
    return file + directory + littleEndian(0x06054b50, 4) + littleEndian(0, 4) +
           littleEndian(entries.size(), 2) + littleEndian(entries.size(), 2) +
           littleEndian(directory.size(), 4) + littleEndian(directoryOffset, 4) +
           littleEndian(0, 2);
}

} // namespace

TEST_CASE("hostile pickle: a stride-0 view of one float is refused, not expanded to 4 GB") {
    const unit::TempDir dir;
    const auto path = writeArchive(
        dir, stateDict({{"w", tensor("0", 1, 0, {int64_t{1} << 30}, {0})}}), {{"0", floats(1)}});
    const std::string message = refusal(path);
    CHECK_EQ(message.rfind(path + ": data.pkl at byte ", 0), std::size_t{0});
    CHECK(message.find(": a tensor of size [1073741824] and stride [0] reads elements of its "
                       "storage more than once") != std::string::npos);
}

TEST_CASE("hostile pickle: overlapping views are refused; transposed ones still read") {
    const unit::TempDir dir;
    auto path = writeArchive(dir, stateDict({{"w", tensor("0", 5, 0, {3, 3}, {1, 1})}}),
                             {{"0", floats(5)}});
    CHECK(refusal(path).find("a tensor of size [3, 3] and stride [1, 1] reads elements of its "
                             "storage more than once") != std::string::npos);
    // [[0, 2, 4], [1, 3, 5]]: stride (1, 2) over six floats, each read once.
    path = writeArchive(dir, stateDict({{"t", tensor("0", 6, 0, {2, 3}, {1, 2})}}),
                        {{"0", floats(6)}});
    const auto tensors = readPytorchBin(path);
    CHECK_EQ(tensors.size(), std::size_t{1});
    CHECK(tensors.size() == 1 &&
          torch::equal(tensors[0].second,
                       torch::tensor({0.f, 2.f, 4.f, 1.f, 3.f, 5.f}).reshape({2, 3})));
}

TEST_CASE("hostile pickle: views that together copy more than their storage are refused") {
    const unit::TempDir dir;
    // Each view leaves out the last element, so each is copied out: the third
    // brings the copies to 3 x 99 floats, more than twice the storage of 100.
    // Two halves, as a fused weight split in two, are fine.
    std::vector<std::pair<std::string, std::string>> views;
    for (const char* name : {"a", "b", "c"}) {
        views.emplace_back(name, tensor("0", 100, 0, {99}, {1}));
    }
    const auto path = writeArchive(dir, stateDict(views), {{"0", floats(100)}});
    CHECK(refusal(path).find("its tensors are views that together read 1188 bytes out of "
                             "storages of 400 (a file that multiplies its size)") !=
          std::string::npos);
    const auto halves = writeArchive(
        dir,
        stateDict({{"q", tensor("0", 100, 0, {50}, {1})}, {"k", tensor("0", 100, 50, {50}, {1})}}),
        {{"0", floats(100)}});
    const auto tensors = readPytorchBin(halves);
    CHECK_EQ(tensors.size(), std::size_t{2});
    CHECK(tensors.size() == 2 && tensors[1].second[0].item<float>() == 50.f);
}

TEST_CASE("hostile pickle: lists nested 900,000 deep are freed without recursion") {
    const unit::TempDir dir;
    const std::size_t depth = 900'000;
    const std::string pickle =
        "\x80\x02" + std::string(depth, ']') + std::string(depth - 1, 'a') + ".";
    const auto path = writeArchive(dir, pickle);
    CHECK_EQ(refusal(path), path + ": expected a state dict (name -> tensor), found a list");
    // A list that holds itself is taken apart too (the sanitizer build checks for leaks).
    const auto cycle = writeArchive(dir, "\x80\x02]2a.");
    CHECK_EQ(refusal(cycle), cycle + ": expected a state dict (name -> tensor), found a list");
}

TEST_CASE("hostile pickle: endless opcodes and huge global names stop at their limits") {
    const unit::TempDir dir;
    std::string pickle = "\x80\x02";
    for (std::size_t i = 0; i < pickle::kMaxPickleOpcodes; ++i) {
        pickle += "N0"; // push None, pop it: no memory, only time
    }
    const auto path = writeArchive(dir, pickle + "}.");
    CHECK(refusal(path).find(": the pickle runs more than 2000000 opcodes, far more than a "
                             "state dict needs") != std::string::npos);
    const std::string name(5000, 'm');
    const auto global = writeArchive(dir, "\x80\x02" + unicode(name) + unicode("x") + "\x93.");
    CHECK(refusal(global).find("a module or class name of 5000 bytes") != std::string::npos);
    // Two names of 1,000 bytes joined again and again from the memo: 5 bytes of
    // pickle made 2 KB of new text each time. (Literals with NUL need lengths.)
    std::string joins = "\x80\x02" + unicode(std::string(1000, 'm')) + std::string("q\0", 2) +
                        unicode(std::string(1000, 'n')) + "q\x01";
    for (int i = 0; i < 1000; ++i) {
        joins += std::string("h\0h\x01\x93", 5);
    }
    const auto repeated = writeArchive(dir, joins + ".");
    CHECK(refusal(repeated).find("its module and class names hold more than 1048576 bytes "
                                 "together") != std::string::npos);
}

TEST_CASE("hostile pickle: a list that holds itself is freed when the result goes") {
    const pickle::Hooks hooks{
        [](const pickle::Ref&) -> pickle::Ref { throw pickle::Fault("no"); },
        [](const std::string&, const pickle::Ref&) -> pickle::Ref { throw pickle::Fault("no"); }};
    std::weak_ptr<pickle::Value> list;
    {
        pickle::Unpickled result = pickle::readPickle("\x80\x02]2a.", "t", hooks);
        CHECK(result.root->kind == pickle::Value::Kind::List);
        CHECK(result.root->items.size() == 1 && result.root->items[0] == result.root);
        list = result.root;
    }
    CHECK(list.expired()); // a shared_ptr cycle would have kept it
}

TEST_CASE("hostile zip: entries that declare more than the file holds are refused first") {
    const unit::TempDir dir;
    const auto check = [&](const std::vector<RawEntry>& entries) {
        const auto path = dir.write("pytorch_model.bin", rawZip(entries));
        try {
            (void)readPytorchBin(path);
        } catch (const ModelError& error) {
            return std::string(error.what());
        }
        return std::string("(read without an error)");
    };
    const std::string prefix = "pytorch_model.bin: not a readable torch.save archive: ";
    // A compressed entry may inflate to anything; torch.save never compresses.
    CHECK(check({{"a/data.pkl", std::string(10, 'x'), 8, int64_t{3} << 30}})
              .find(prefix + "entry 'a/data.pkl' is compressed (method 8)") != std::string::npos);
    // A stored entry declaring 4 GB that the file does not hold: LibTorch's reader
    // would allocate it before reading.
    CHECK(check({{"a/data.pkl", "abc", 0, 0xF0000000, 0xF0000000}})
              .find(prefix + "entry 'a/data.pkl' holds 4026531840 bytes that reach beyond the "
                             "end of its data") != std::string::npos);
    CHECK(check({{"a/data.pkl", "abc", 0, 3, 2}})
              .find(prefix + "entry 'a/data.pkl' declares 3 bytes but stores 2") !=
          std::string::npos);
    // Two directory records for the same bytes: reading each would double the file.
    RawEntry twin{"a/data/1", "", 0, 3, 3, true};
    CHECK(check({{"a/data/0", "abc"}, twin})
              .find(prefix + "entries 'a/data/0' and 'a/data/1' share bytes") != std::string::npos);
    const std::string archive = rawZip({{"a/data.pkl", "abc"}});
    CHECK(check({{"a/data.pkl", "abc"}}).find("not a readable") == std::string::npos);
    const auto cut = dir.write("pytorch_model.bin", archive.substr(0, archive.size() - 30));
    CHECK_THROWS_WITH(readPytorchBin(cut), ModelError,
                      prefix + "no end of central directory record");
}

TEST_CASE("hostile zip: a ZIP64 record that names another directory is refused") {
    // torch.save writes a ZIP64 locator and end record beside the 32-bit one, and
    // LibTorch's reader (miniz) then follows the ZIP64 one: it must say the same.
    std::ifstream in(unit::sourcePath("tests/fixtures/pytorch_bin/state_dict.bin"),
                     std::ios::binary);
    std::string archive{std::istreambuf_iterator<char>(in), {}};
    const auto locator = archive.rfind(std::string("PK\x06\x07", 4));
    CHECK(locator != std::string::npos);
    const unit::TempDir dir;
    CHECK(!checkZipLayout(dir.write("ok.bin", archive)).empty());
    uint64_t end64 = 0;
    std::memcpy(&end64, archive.data() + locator + 8, 8);
    archive[end64 + 48] = static_cast<char>(archive[end64 + 48] + 1); // the directory's offset
    const auto path = dir.write("pytorch_model.bin", archive);
    CHECK_THROWS_WITH(readPytorchBin(path), ModelError,
                      "its ZIP64 and 32-bit end records name different central directories");
}

TEST_CASE("hostile zip: every archive torch.save wrote passes the layout check") {
    int archives = 0;
    for (const auto& file :
         fs::directory_iterator(unit::sourcePath("tests/fixtures/pytorch_bin"))) {
        if (file.path().extension() != ".bin" || file.path().filename() == "legacy.bin") {
            continue;
        }
        const auto entries = checkZipLayout(file.path().string());
        CHECK(std::any_of(entries.begin(), entries.end(), [](const ZipEntry& entry) {
            return entry.name.size() > 9 && entry.name.substr(entry.name.size() - 9) == "/data.pkl";
        }));
        ++archives;
    }
    CHECK(archives >= 4);
}

TEST_CASE("hostile shards: an index that names itself or another index is refused") {
    const unit::TempDir dir;
    const auto self = dir.write("model.safetensors.index.json",
                                R"({"weight_map": {"w": "model.safetensors.index.json"}})");
    CHECK_THROWS_WITH(loadCheckpointTensors(self), ModelError,
                      self + ": weight_map entry 'w' names 'model.safetensors.index.json', "
                             "another index, not a shard of weights");
    dir.write("a.index.json", R"({"weight_map": {"w": "b.index.json"}})");
    const auto pair = dir.write("b.index.json", R"({"weight_map": {"w": "a.index.json"}})");
    CHECK_THROWS_WITH(loadCheckpointTensors(pair), ModelError, "another index");
}

TEST_CASE("hostile text: names from files are escaped in messages") {
    CHECK_EQ(quote("plain"), std::string("'plain'"));
    CHECK_EQ(quote("\x1b]0;owned\x07"), std::string("'\\x1b]0;owned\\x07'"));
    CHECK_EQ(quote("caf\xc3\xa9 \xc2\x9b"
                   "31m \xff"),
             std::string("'caf\xc3\xa9 \\xc2\\x9b31m \\xff'"));
    CHECK_EQ(quote(std::string(100, 'x')), "'" + std::string(80, 'x') + "...'");
    CHECK_EQ(quote("\xc3\xa9\xc3\xa9", 3), std::string("'\xc3\xa9...'")); // never half a character
    CHECK_EQ(
        quote(std::string(100, '\x80'), 10), "'" + [] {
            std::string escaped;
            for (int i = 0; i < 7; ++i) {
                escaped += "\\x80";
            }
            return escaped;
        }() + "...'"); // continuation bytes alone: back three at most, each escaped
    CHECK_EQ(terminalSafe("line 1\n\tline 2 \x1b[2J\r"),
             std::string("line 1\n\tline 2 \\x1b[2J\\x0d"));
    // A state dict key with a terminal escape, in the message that names it.
    const unit::TempDir dir;
    const auto path = writeArchive(dir, "\x80\x02}(" + unicode("\x1b[31mevil") + int32(3) + "u.");
    CHECK_EQ(refusal(path), path + ": entry '\\x1b[31mevil' is a int, not a tensor (a training "
                                   "checkpoint? save model.state_dict())");
}
