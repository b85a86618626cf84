// Helpers of the labelled dataset writer's tests (tests/core/test_labelled_writer*.cpp):
// a file's bytes, the classes the tests label with, a thrown message, what a
// message lacks, and the files left beside a dataset. Header-only.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <vector>

namespace labelled_files {

inline const std::vector<std::string> kClasses = {"bug", "feature", "question"};

inline std::string readBytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return in ? std::string(std::istreambuf_iterator<char>(in), {}) : std::string("<unreadable>");
}

inline bool writeBytes(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    return out.good();
}

// The message of the E thrown by f; empty when f throws nothing.
template <class E, class F>
std::string thrown(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    return {};
}

// Empty when text holds every one of parts; else text and the first part it
// lacks, for CHECK_EQ(lacks(...), std::string()) to show.
inline std::string lacks(const std::string& text, std::initializer_list<std::string> parts) {
    for (const std::string& part : parts) {
        if (text.find(part) == std::string::npos) {
            return "\"" + text + "\" lacks \"" + part + "\"";
        }
    }
    return {};
}

// What besides the dataset lies in its folder: a temporary left behind would show.
inline std::vector<std::string> otherFiles(const std::filesystem::path& dir,
                                           const std::string& dataset) {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (name != dataset) {
            names.push_back(name);
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace labelled_files
