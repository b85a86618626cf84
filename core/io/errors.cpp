// Message builders for the typed errors.
#include "core/io/errors.h"

#include <filesystem>

namespace issuebert {

std::string fileName(const std::string& path) {
    const std::string name = std::filesystem::path(path).filename().string();
    return name.empty() ? path : name;
}

std::string atLine(const std::string& path, long long line, const std::string& what) {
    return fileName(path) + ": line " + std::to_string(line) + ": " + what;
}

std::string atRecord(const std::string& path, long long record, const std::string& what) {
    return fileName(path) + ": record " + std::to_string(record) + ": " + what;
}

} // namespace issuebert
