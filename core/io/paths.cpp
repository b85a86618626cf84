// Cache and resource locations (XDG base directories).
#include "core/io/paths.h"

#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;

namespace issuebert {

std::string cacheDir() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
        return (fs::path(xdg) / "issuebert").string();
    }
    const char* home = std::getenv("HOME");
    return (fs::path(home != nullptr ? home : ".") / ".cache" / "issuebert").string();
}

std::string defaultModelDir() {
    return (fs::path(cacheDir()) / "models" / "all-MiniLM-L6-v2").string();
}

bool isModelDir(const std::string& dir) {
    std::error_code ec;
    return fs::is_regular_file(fs::path(dir) / "vocab.txt", ec) &&
           fs::is_regular_file(fs::path(dir) / "config.json", ec);
}

std::string sampleDataPath(const std::string& fileName) {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        // Installed layout: <prefix>/bin/issuebert and <prefix>/share/issuebert/sample/.
        const fs::path installed =
            exe.parent_path().parent_path() / "share" / "issuebert" / "sample" / fileName;
        if (fs::is_regular_file(installed, ec)) {
            return installed.string();
        }
    }
    return (fs::path(ISSUEBERT_SOURCE_ROOT) / "resources" / "sample" / fileName).string();
}

} // namespace issuebert
