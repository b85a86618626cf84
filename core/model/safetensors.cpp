// safetensors reader and writer. The reader trusts nothing in the file: every
// size and offset is checked against the map before a byte of data is touched.
// Rules follow Python's safetensors (0.8): spans must tile the data area with
// no gap, overlap or trailing byte; the header need not be 8-byte aligned.
#include "core/model/safetensors.h"

#include "core/io/atomic_file.h"
#include "core/io/errors.h"
#include "core/io/json_depth.h"
#include "core/io/json_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <set>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace issuebert {

// (The compiler's macro rather than C++20's std::endian: the fuzz build compiles
// this file as C++17, where clang 14 can read LibTorch 1.13's headers.)
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors stores little-endian data; a big-endian host would need byte swaps");

namespace {

// The header length Python's safetensors accepts at most (its MAX_HEADER_SIZE).
constexpr std::uint64_t kMaxHeaderSize = 100'000'000;

struct DtypeFacts {
    StDtype dtype;
    const char* name;
    std::size_t size;
    torch::Dtype torchDtype;
    int pythonRank; // Python's writer orders tensors by this, descending, then by name
};

// One row per supported dtype; pythonRank is the position in the Rust crate's Dtype enum.
constexpr DtypeFacts kDtypes[] = {
    {StDtype::F64, "F64", 8, torch::kFloat64, 8}, {StDtype::F32, "F32", 4, torch::kFloat32, 7},
    {StDtype::F16, "F16", 2, torch::kFloat16, 4}, {StDtype::BF16, "BF16", 2, torch::kBFloat16, 5},
    {StDtype::I64, "I64", 8, torch::kInt64, 9},   {StDtype::I32, "I32", 4, torch::kInt32, 6},
    {StDtype::I16, "I16", 2, torch::kInt16, 3},   {StDtype::I8, "I8", 1, torch::kInt8, 2},
    {StDtype::U8, "U8", 1, torch::kUInt8, 1},     {StDtype::BOOL, "BOOL", 1, torch::kBool, 0},
};

const DtypeFacts& facts(StDtype dtype) {
    return kDtypes[static_cast<int>(dtype)];
}

std::string supportedNames() {
    std::string names;
    for (const auto& row : kDtypes) {
        names += (names.empty() ? "" : ", ") + std::string(row.name);
    }
    return names;
}

// JSON type names for messages: "a string", "an array", ...
std::string describe(const nlohmann::json& value) {
    switch (value.type()) {
    case nlohmann::json::value_t::object:
        return "an object";
    case nlohmann::json::value_t::array:
        return "an array";
    case nlohmann::json::value_t::string:
        return "a string";
    case nlohmann::json::value_t::boolean:
        return "a boolean";
    case nlohmann::json::value_t::null:
        return "null";
    default:
        return "the number " + value.dump();
    }
}

std::string shapeText(const std::vector<int64_t>& shape) {
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        text += (i ? ", " : "") + std::to_string(shape[i]);
    }
    return text + "]";
}

bool readUnsigned(const nlohmann::json& value, std::uint64_t& out) {
    if (!value.is_number_unsigned()) {
        return false;
    }
    out = value.get<std::uint64_t>();
    return true;
}

} // namespace

std::string_view stDtypeName(StDtype dtype) {
    return facts(dtype).name;
}

std::size_t stDtypeSize(StDtype dtype) {
    return facts(dtype).size;
}

torch::Dtype stDtypeToTorch(StDtype dtype) {
    return facts(dtype).torchDtype;
}

SafetensorsFile SafetensorsFile::open(const std::string& path) {
    SafetensorsFile file;
    file.m_path = path;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw IoError("cannot open " + path + ": " + std::strerror(errno));
    }
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        throw IoError("cannot read " + path + ": not a regular file");
    }
    file.m_size = static_cast<std::uint64_t>(info.st_size);
    if (file.m_size < 8) {
        ::close(fd);
        throw ModelError(path + ": not a safetensors file: " + std::to_string(file.m_size) +
                         " bytes, shorter than the 8-byte header length");
    }
    void* map = ::mmap(nullptr, file.m_size, PROT_READ, MAP_PRIVATE, fd, 0);
    const int mapErrno = errno;
    ::close(fd); // the mapping keeps the file alive
    if (map == MAP_FAILED) {
        throw IoError("cannot map " + path + " into memory: " + std::strerror(mapErrno));
    }
    file.m_map = static_cast<const std::uint8_t*>(map);

    std::uint64_t headerSize = 0;
    std::memcpy(&headerSize, file.m_map, sizeof headerSize); // little-endian, as the host
    if (headerSize > kMaxHeaderSize) {
        throw ModelError(path + ": header length " + std::to_string(headerSize) +
                         " is larger than the 100 MB safetensors allows (not a safetensors file?)");
    }
    if (headerSize > file.m_size - 8) {
        throw ModelError(path + ": header length " + std::to_string(headerSize) +
                         " runs past the end of the file (" + std::to_string(file.m_size) +
                         " bytes): truncated or not a safetensors file");
    }
    file.m_data = file.m_map + 8 + headerSize;
    file.parseHeader(std::string_view(reinterpret_cast<const char*>(file.m_map + 8), headerSize));
    return file; // the destructor unmaps on every throw above
}

void SafetensorsFile::parseHeader(std::string_view text) {
    const auto fail = [this](const std::string& what) { throw ModelError(m_path + ": " + what); };
    // nlohmann keeps the last of repeated keys, and its objects sort their keys:
    // the callback sees the keys in file order, so it finds repeats and the order.
    std::vector<std::string> order;
    std::set<std::string> seen;
    std::string repeated;
    const nlohmann::json::parser_callback_t noteKeys =
        [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
            if (depth > kMaxJsonDepth) {
                fail("header is " + jsonDepthMessage());
            }
            if (event == nlohmann::json::parse_event_t::key && depth == 1) {
                auto key = parsed.get<std::string>();
                if (!seen.insert(key).second && repeated.empty()) {
                    repeated = key;
                }
                order.push_back(std::move(key));
            }
            return true;
        };
    nlohmann::json header;
    try {
        header = nlohmann::json::parse(text.begin(), text.end(), noteKeys);
    } catch (const nlohmann::json::exception& e) {
        fail("header is not valid JSON: " + jsonErrorText(e));
    }
    if (!header.is_object()) {
        fail("header must be a JSON object, found " + describe(header));
    }
    if (!repeated.empty()) {
        fail("tensor '" + repeated + "' appears twice in the header");
    }

    const std::uint64_t dataSize = m_size - static_cast<std::uint64_t>(m_data - m_map);
    for (const std::string& name : order) {
        const nlohmann::json& entry = header.at(name);
        if (name == "__metadata__") {
            if (!entry.is_object()) {
                fail("__metadata__ must be an object of strings, found " + describe(entry));
            }
            for (const auto& [key, value] : entry.items()) {
                if (!value.is_string()) {
                    fail("__metadata__ entry '" + key + "' must be a string, found " +
                         describe(value));
                }
                m_metadata[key] = value.get<std::string>();
            }
            continue;
        }
        const std::string where = "tensor '" + name + "': ";
        if (!entry.is_object()) {
            fail(where + "entry must be an object, found " + describe(entry));
        }
        for (const char* field : {"dtype", "shape", "data_offsets"}) {
            if (!entry.contains(field)) {
                fail(where + "missing \"" + field + "\"");
            }
        }
        StTensorInfo info;
        info.name = name;
        const auto& dtype = entry["dtype"];
        const auto known =
            std::find_if(std::begin(kDtypes), std::end(kDtypes), [&](const auto& row) {
                return dtype.is_string() && dtype.get<std::string>() == row.name;
            });
        if (known == std::end(kDtypes)) {
            fail(where + "unsupported dtype " + dtype.dump() + " (supported: " + supportedNames() +
                 ")");
        }
        info.dtype = known->dtype;

        const auto& shape = entry["shape"];
        if (!shape.is_array()) {
            fail(where + "shape must be an array of sizes, found " + describe(shape));
        }
        std::uint64_t elements = 1;
        // Even with a zero dimension elsewhere, torch computes strides from the
        // other sizes: their product must fit an int64 too.
        std::uint64_t nonZeroElements = 1;
        for (const auto& dim : shape) {
            std::uint64_t size = 0;
            if (!readUnsigned(dim, size)) {
                fail(where + "shape " + shape.dump() + " holds " + describe(dim) +
                     ", not a size (a non-negative integer)");
            }
            if (size != 0 && nonZeroElements > static_cast<std::uint64_t>(INT64_MAX) / size) {
                fail(where + "shape " + shape.dump() + " has too many elements");
            }
            nonZeroElements *= std::max<std::uint64_t>(size, 1);
            elements *= size;
            info.shape.push_back(static_cast<int64_t>(size));
        }
        const std::uint64_t elementSize = facts(info.dtype).size;
        if (elements > UINT64_MAX / elementSize) {
            fail(where + "shape " + shape.dump() + " has too many elements");
        }

        const auto& offsets = entry["data_offsets"];
        if (!offsets.is_array() || offsets.size() != 2 || !readUnsigned(offsets[0], info.begin) ||
            !readUnsigned(offsets[1], info.end) || info.begin > info.end) {
            fail(where + "data_offsets must be two ascending byte offsets [begin, end], found " +
                 offsets.dump());
        }
        if (info.end > dataSize) {
            fail(where + "data_offsets [" + std::to_string(info.begin) + ", " +
                 std::to_string(info.end) + "] run past the end of the data area (" +
                 std::to_string(dataSize) + " bytes): truncated file?");
        }
        if (elements * elementSize != info.end - info.begin) {
            fail(where + "shape " + shapeText(info.shape) + " of " + known->name + " needs " +
                 std::to_string(elements * elementSize) + " bytes, but data_offsets span " +
                 std::to_string(info.end - info.begin));
        }
        m_index.emplace(name, m_tensors.size());
        m_tensors.push_back(std::move(info));
    }

    // The spans must tile the data area exactly, as Python's reader demands.
    std::vector<const StTensorInfo*> bySpan;
    for (const auto& info : m_tensors) {
        bySpan.push_back(&info);
    }
    std::sort(bySpan.begin(), bySpan.end(), [](const auto* a, const auto* b) {
        return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
    });
    std::uint64_t covered = 0;
    const StTensorInfo* previous = nullptr;
    for (const auto* info : bySpan) {
        if (info->begin < covered) {
            fail("tensor '" + info->name + "' (bytes " + std::to_string(info->begin) + " to " +
                 std::to_string(info->end) + ") overlaps tensor '" + previous->name + "' (bytes " +
                 std::to_string(previous->begin) + " to " + std::to_string(previous->end) + ")");
        }
        if (info->begin > covered) {
            fail("gap in the data area: bytes " + std::to_string(covered) + " to " +
                 std::to_string(info->begin) + " belong to no tensor (before tensor '" +
                 info->name + "')");
        }
        covered = info->end;
        previous = info;
    }
    if (covered != dataSize) {
        fail("the tensors cover " + std::to_string(covered) + " bytes of the " +
             std::to_string(dataSize) + "-byte data area: trailing bytes belong to no tensor");
    }
}

SafetensorsFile::~SafetensorsFile() {
    release();
}

void SafetensorsFile::release() {
    if (m_map != nullptr) {
        ::munmap(const_cast<std::uint8_t*>(m_map), m_size);
        m_map = nullptr;
        m_data = nullptr;
    }
}

SafetensorsFile::SafetensorsFile(SafetensorsFile&& other) noexcept
    : m_path(std::move(other.m_path)), m_map(std::exchange(other.m_map, nullptr)),
      m_size(std::exchange(other.m_size, 0)), m_data(std::exchange(other.m_data, nullptr)),
      m_tensors(std::move(other.m_tensors)), m_index(std::move(other.m_index)),
      m_metadata(std::move(other.m_metadata)) {}

SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&& other) noexcept {
    if (this != &other) {
        release();
        m_path = std::move(other.m_path);
        m_map = std::exchange(other.m_map, nullptr);
        m_size = std::exchange(other.m_size, 0);
        m_data = std::exchange(other.m_data, nullptr);
        m_tensors = std::move(other.m_tensors);
        m_index = std::move(other.m_index);
        m_metadata = std::move(other.m_metadata);
    }
    return *this;
}

const StTensorInfo* SafetensorsFile::find(const std::string& name) const {
    const auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_tensors[it->second];
}

torch::Tensor SafetensorsFile::load(const std::string& name, bool toFloat32) const {
    const StTensorInfo* info = find(name);
    if (info == nullptr) {
        throw ModelError(m_path + ": no tensor named '" + name + "'");
    }
    return load(*info, toFloat32);
}

torch::Tensor SafetensorsFile::load(const StTensorInfo& info, bool toFloat32) const {
    if (&info < m_tensors.data() || &info >= m_tensors.data() + m_tensors.size()) {
        return load(info.name, toFloat32); // another file's entry: its spans mean nothing here
    }
    const std::uint8_t* source = m_data + info.begin;
    const std::uint64_t bytes = info.end - info.begin;
    if (info.dtype == StDtype::BOOL) {
        // Python reads any non-zero byte as true; a torch bool must hold 0 or 1.
        auto raw = torch::empty(info.shape, torch::kUInt8);
        if (bytes > 0) {
            std::memcpy(raw.data_ptr(), source, bytes);
        }
        return raw.ne(0);
    }
    const torch::Dtype stored = stDtypeToTorch(info.dtype);
    const bool upcast = toFloat32 && (info.dtype == StDtype::F16 || info.dtype == StDtype::BF16 ||
                                      info.dtype == StDtype::F64);
    const bool aligned = reinterpret_cast<std::uintptr_t>(source) % stDtypeSize(info.dtype) == 0;
    if (upcast && aligned) {
        // One pass: convert straight out of the map (read-only: .to() only reads it).
        return torch::from_blob(const_cast<std::uint8_t*>(source), info.shape, stored)
            .to(torch::kFloat32);
    }
    auto out = torch::empty(info.shape, stored);
    if (bytes > 0) {
        std::memcpy(out.data_ptr(), source, bytes);
    }
    return upcast ? out.to(torch::kFloat32) : out;
}

void saveSafetensors(const std::string& path,
                     const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                     const std::map<std::string, std::string>& metadata) {
    struct Entry {
        const std::string* name;
        torch::Tensor data; // contiguous, on the CPU
        const DtypeFacts* dtype;
    };
    std::vector<Entry> entries;
    std::set<std::string_view> names;
    for (const auto& [name, tensor] : tensors) {
        const std::string where = "cannot save " + path + ": tensor '" + name + "'";
        if (name == "__metadata__" || !names.insert(name).second) {
            throw ModelError(where + " appears twice or uses the reserved name");
        }
        if (!tensor.defined()) {
            throw ModelError(where + " is undefined");
        }
        const auto dtype = tensor.scalar_type();
        const auto row = std::find_if(std::begin(kDtypes), std::end(kDtypes),
                                      [&](const auto& r) { return r.torchDtype == dtype; });
        if (row == std::end(kDtypes)) {
            throw ModelError(where + " has dtype " +
                             std::string(c10::toString(tensor.scalar_type())) +
                             ", which safetensors cannot store here");
        }
        entries.push_back({&name, tensor.to(torch::kCPU).contiguous(), row});
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.dtype->pythonRank != b.dtype->pythonRank
                   ? a.dtype->pythonRank > b.dtype->pythonRank
                   : *a.name < *b.name;
    });

    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) {
        header["__metadata__"] = metadata;
    }
    std::uint64_t offset = 0;
    for (const auto& entry : entries) {
        const auto bytes = static_cast<std::uint64_t>(entry.data.nbytes());
        header[*entry.name] = {{"dtype", entry.dtype->name},
                               {"shape", entry.data.sizes().vec()},
                               {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string text;
    try {
        text = header.dump();
    } catch (const nlohmann::json::exception&) {
        throw ModelError("cannot save " + path + ": a tensor name or metadata is not valid UTF-8");
    }
    text.append((8 - text.size() % 8) % 8, ' '); // Python pads so the data starts 8-aligned

    writeFileAtomically(path, [&](std::ostream& out) {
        const std::uint64_t headerSize = text.size();
        out.write(reinterpret_cast<const char*>(&headerSize), sizeof headerSize);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        for (const auto& entry : entries) {
            out.write(static_cast<const char*>(entry.data.data_ptr()),
                      static_cast<std::streamsize>(entry.data.nbytes()));
        }
    });
}

} // namespace issuebert
