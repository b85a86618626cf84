// The safetensors format: a validating, memory-mapped reader and an atomic writer
// whose files Python's safetensors library reads back. Core-internal (LibTorch).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace issuebert {

enum class StDtype { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

// "F32" and friends, as the header spells them.
std::string_view stDtypeName(StDtype dtype);
std::size_t stDtypeSize(StDtype dtype);
torch::Dtype stDtypeToTorch(StDtype dtype);

struct StTensorInfo {
    std::string name;
    StDtype dtype = StDtype::F32;
    std::vector<int64_t> shape;
    std::uint64_t begin = 0, end = 0; // byte span inside the data area
};

// A safetensors file, memory-mapped read-only and validated up front, so every
// later access stays inside the map.
class SafetensorsFile {
public:
    // Throws IoError when the file cannot be opened or mapped, ModelError naming
    // the file and the fault when its content is not a valid safetensors file.
    static SafetensorsFile open(const std::string& path);

    ~SafetensorsFile();
    SafetensorsFile(SafetensorsFile&& other) noexcept;
    SafetensorsFile& operator=(SafetensorsFile&& other) noexcept;
    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;

    const std::string& path() const { return m_path; }
    const std::vector<StTensorInfo>& tensors() const { return m_tensors; } // in file order
    const StTensorInfo* find(const std::string& name) const;
    const std::map<std::string, std::string>& metadata() const { return m_metadata; }

    // A tensor with the stored dtype, copied out of the map (it outlives the file);
    // toFloat32 upcasts F16, BF16 and F64 to F32 for CPU work. ModelError when
    // there is no tensor of that name.
    torch::Tensor load(const std::string& name, bool toFloat32 = false) const;
    torch::Tensor load(const StTensorInfo& info, bool toFloat32 = false) const;

private:
    SafetensorsFile() = default;
    void parseHeader(std::string_view header);
    void release();

    std::string m_path;
    const std::uint8_t* m_map = nullptr;
    std::uint64_t m_size = 0;
    const std::uint8_t* m_data = nullptr; // start of the data area, inside the map
    std::vector<StTensorInfo> m_tensors;
    std::unordered_map<std::string, std::size_t> m_index; // name -> position in m_tensors
    std::map<std::string, std::string> m_metadata;
};

// Writes tensors (any device or layout; copied to contiguous CPU memory) with
// optional "__metadata__", atomically, laid out as Python's safetensors lays
// them out (alignment then name, header padded to 8 bytes). ModelError for a
// dtype the format lacks or a repeated name; IoError when writing fails.
void saveSafetensors(const std::string& path,
                     const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                     const std::map<std::string, std::string>& metadata = {});

} // namespace issuebert
