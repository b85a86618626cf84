// Registry, source paths and temporary folders shared by both test runners.
#include "tests/support/unit.h"

#include <fstream>
#include <random>

namespace unit {

std::vector<Case>& registry() {
    static std::vector<Case> cases;
    return cases;
}

std::filesystem::path sourceDir() {
    return ISSUEBERT_TEST_SOURCE_DIR;
}

TempDir::TempDir() {
    std::random_device rd;
    const auto base = std::filesystem::temp_directory_path();
    for (;;) {
        m_path = base / ("issuebert-test-" + std::to_string(rd()));
        if (std::filesystem::create_directory(m_path)) {
            break;
        }
    }
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
    const auto file = m_path / name;
    std::ofstream out(file, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    return file.string();
}

} // namespace unit
