// The zip structures a torch.save archive uses (APPNOTE.TXT 4.3): the end of
// central directory record, its ZIP64 form, the central directory and the local
// headers. Only what is needed to prove every entry lies inside the file.
#include "core/model/zip_layout.h"

#include "core/io/errors.h"

#include <algorithm>
#include <fstream>

namespace issuebert {
namespace {

constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint32_t kEnd64Signature = 0x06064b50;
constexpr uint32_t kLocator64Signature = 0x07064b50;
constexpr uint32_t kDirectorySignature = 0x02014b50;
constexpr uint32_t kLocalSignature = 0x04034b50;
constexpr uint64_t kEndBytes = 22;
constexpr uint64_t kLocator64Bytes = 20;
constexpr uint64_t kEnd64Bytes = 56;
constexpr uint64_t kDirectoryBytes = 46;
constexpr uint64_t kLocalBytes = 30;
constexpr uint32_t kSaturated = 0xFFFFFFFF;

uint64_t little(const std::string& bytes, std::size_t at, std::size_t count) {
    uint64_t value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        value |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
    }
    return value;
}

class File {
public:
    File(std::istream& in, const std::string& path) : m_path(path), m_in(in) {
        m_in.clear();
        m_in.seekg(0, std::ios::end);
        const auto end = m_in.tellg();
        if (!m_in || end < 0) {
            throw IoError(path + ": cannot read the file");
        }
        m_size = static_cast<uint64_t>(end);
    }
    uint64_t size() const { return m_size; }
    // count bytes at offset; the caller has checked they lie inside the file.
    std::string read(uint64_t offset, uint64_t count) {
        std::string bytes(count, '\0');
        m_in.seekg(static_cast<std::streamoff>(offset));
        m_in.read(bytes.data(), static_cast<std::streamsize>(count));
        if (!m_in) {
            throw IoError(m_path + ": cannot read the file");
        }
        return bytes;
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw ModelError(m_path + ": not a readable torch.save archive: " + what);
    }

private:
    std::string m_path;
    std::istream& m_in;
    uint64_t m_size = 0;
};

struct Directory {
    uint64_t entries = 0;
    uint64_t offset = 0;
    uint64_t size = 0;
    uint64_t end = 0; // where the records after the directory start
};

Directory findDirectory(File& file) {
    if (file.size() < kEndBytes) {
        file.fail("too short for a zip archive");
    }
    // The end record is the last thing in the file, before a comment of up to 64 KiB.
    const uint64_t tailBytes = std::min<uint64_t>(file.size(), kEndBytes + 0xFFFF);
    const std::string tail = file.read(file.size() - tailBytes, tailBytes);
    std::size_t at = tail.size() - kEndBytes + 1;
    do {
        if (at == 0) {
            file.fail("no end of central directory record");
        }
        --at;
    } while (little(tail, at, 4) != kEndSignature);
    const uint64_t endOffset = file.size() - tailBytes + at;
    if (little(tail, at + 4, 2) != 0 || little(tail, at + 6, 2) != 0) {
        file.fail("a multi-part zip archive");
    }
    Directory directory{little(tail, at + 10, 2), little(tail, at + 16, 4),
                        little(tail, at + 12, 4), endOffset};
    const bool saturated = directory.entries == 0xFFFF || directory.size == kSaturated ||
                           directory.offset == kSaturated;
    // As miniz decides: a ZIP64 locator just before the end record means the
    // ZIP64 end record's values are the ones read, whatever the 32-bit ones say.
    bool locator = false;
    std::string located;
    if (endOffset >= kLocator64Bytes + kEnd64Bytes) {
        located = file.read(endOffset - kLocator64Bytes, kLocator64Bytes);
        locator = little(located, 0, 4) == kLocator64Signature;
    }
    if (saturated && !locator) {
        file.fail("a ZIP64 archive without its ZIP64 locator");
    }
    if (locator) {
        const uint64_t end64 = little(located, 8, 8);
        if (end64 > endOffset - kLocator64Bytes ||
            endOffset - kLocator64Bytes - end64 < kEnd64Bytes) {
            file.fail("the ZIP64 end record lies outside the file");
        }
        const std::string record = file.read(end64, kEnd64Bytes);
        if (little(record, 0, 4) != kEnd64Signature) {
            file.fail("no ZIP64 end of central directory record where its locator points");
        }
        if (little(record, 16, 4) != 0 || little(record, 20, 4) != 0 ||
            little(record, 24, 8) != little(record, 32, 8)) {
            file.fail("a multi-part zip archive");
        }
        const Directory wide{little(record, 32, 8), little(record, 48, 8), little(record, 40, 8),
                             end64};
        // Where the 32-bit fields are not saturated they must say the same: two
        // directories would let a check read one and LibTorch's reader the other.
        if ((directory.entries != 0xFFFF && directory.entries != wide.entries) ||
            (directory.size != kSaturated && directory.size != wide.size) ||
            (directory.offset != kSaturated && directory.offset != wide.offset)) {
            file.fail("its ZIP64 and 32-bit end records name different central directories");
        }
        directory = wide;
    }
    if (directory.offset > directory.end || directory.size > directory.end - directory.offset) {
        file.fail("the central directory lies outside the file (a truncated download?)");
    }
    if (directory.size > kMaxZipDirectoryBytes) {
        file.fail("a central directory of " + std::to_string(directory.size) +
                  " bytes, more than a state dict needs");
    }
    if (directory.entries > directory.size / kDirectoryBytes) {
        file.fail("the central directory is too small for its " +
                  std::to_string(directory.entries) + " entries");
    }
    return directory;
}

} // namespace

std::vector<ZipEntry> checkZipLayout(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw IoError("cannot open " + path);
    }
    return checkZipLayout(in, path);
}

std::vector<ZipEntry> checkZipLayout(std::istream& in, const std::string& path) {
    File file(in, path);
    const Directory directory = findDirectory(file);
    const std::string records = file.read(directory.offset, directory.size);

    struct Span {
        uint64_t begin, end;
        std::size_t entry;
    };
    std::vector<ZipEntry> entries;
    std::vector<Span> spans;
    std::size_t at = 0;
    for (uint64_t index = 0; index < directory.entries; ++index) {
        if (records.size() - at < kDirectoryBytes ||
            little(records, at, 4) != kDirectorySignature) {
            file.fail("central directory entry " + std::to_string(index + 1) + " is damaged");
        }
        const uint64_t flags = little(records, at + 8, 2);
        const uint64_t method = little(records, at + 10, 2);
        uint64_t stored = little(records, at + 20, 4);
        uint64_t size = little(records, at + 24, 4);
        const std::size_t nameBytes = little(records, at + 28, 2);
        const std::size_t extraBytes = little(records, at + 30, 2);
        const std::size_t commentBytes = little(records, at + 32, 2);
        const uint64_t disk = little(records, at + 34, 2);
        uint64_t local = little(records, at + 42, 4);
        if (records.size() - at - kDirectoryBytes < nameBytes + extraBytes + commentBytes) {
            file.fail("central directory entry " + std::to_string(index + 1) + " is damaged");
        }
        ZipEntry entry;
        entry.name = records.substr(at + kDirectoryBytes, nameBytes);
        const std::string what = "entry " + quote(entry.name);
        // ZIP64: the saturated 32-bit fields follow, in this order, in extra field 1.
        if (size == kSaturated || stored == kSaturated || local == kSaturated) {
            std::size_t extra = at + kDirectoryBytes + nameBytes;
            const std::size_t extraEnd = extra + extraBytes;
            bool found = false;
            while (!found && extraEnd - extra >= 4) {
                const uint64_t id = little(records, extra, 2);
                const std::size_t length = little(records, extra + 2, 2);
                if (extraEnd - extra - 4 < length) {
                    break;
                }
                if (id == 1) {
                    std::size_t field = extra + 4;
                    for (uint64_t* value : {&size, &stored, &local}) {
                        if (*value == kSaturated) {
                            if (field + 8 > extra + 4 + length) {
                                file.fail(what + ": its ZIP64 sizes are cut short");
                            }
                            *value = little(records, field, 8);
                            field += 8;
                        }
                    }
                    found = true;
                }
                extra += 4 + length;
            }
            if (!found) {
                file.fail(what + ": its ZIP64 sizes are missing");
            }
        }
        if (disk != 0) {
            file.fail(what + " lies on another part of a multi-part archive");
        }
        if ((flags & 1) != 0) {
            file.fail(what + " is encrypted");
        }
        if (method != 0) {
            file.fail(what + " is compressed (method " + std::to_string(method) +
                      "); torch.save stores every entry uncompressed: save the weights again "
                      "with torch.save or as safetensors");
        }
        if (stored != size) {
            file.fail(what + " declares " + std::to_string(size) + " bytes but stores " +
                      std::to_string(stored));
        }
        if (local > directory.offset || directory.offset - local < kLocalBytes) {
            file.fail(what + ": its local header lies outside the file");
        }
        const std::string header = file.read(local, kLocalBytes);
        if (little(header, 0, 4) != kLocalSignature) {
            file.fail(what + ": no local header where the directory says");
        }
        entry.dataOffset = local + kLocalBytes + little(header, 26, 2) + little(header, 28, 2);
        entry.size = size;
        if (entry.dataOffset > directory.offset ||
            entry.size > directory.offset - entry.dataOffset) {
            file.fail(what + " holds " + std::to_string(size) +
                      " bytes that reach beyond the end of its data (a truncated download?)");
        }
        spans.push_back({local, entry.dataOffset + entry.size, entries.size()});
        entries.push_back(std::move(entry));
        at += kDirectoryBytes + nameBytes + extraBytes + commentBytes;
    }
    std::stable_sort(spans.begin(), spans.end(),
                     [](const Span& a, const Span& b) { return a.begin < b.begin; });
    for (std::size_t i = 1; i < spans.size(); ++i) {
        if (spans[i].begin < spans[i - 1].end) {
            file.fail("entries " + quote(entries[spans[i - 1].entry].name) + " and " +
                      quote(entries[spans[i].entry].name) + " share bytes");
        }
    }
    return entries;
}

} // namespace issuebert
