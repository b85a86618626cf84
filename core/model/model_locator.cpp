// Model lookup in folders and caches.
#include "core/model/model_locator.h"

#include "core/io/errors.h"
#include "core/io/paths.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace issuebert {

namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr ? value : "";
}

bool hasConfig(const fs::path& dir) {
    std::error_code ec;
    return fs::is_regular_file(dir / "config.json", ec);
}

// Letters, digits, '.', '_', '-'; not empty, not starting with '.' (no "..").
bool isIdPart(const std::string& part) {
    if (part.empty() || part.size() > 96 || part.front() == '.') {
        return false;
    }
    return std::all_of(part.begin(), part.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
}

// refs/main's revision, when it is a plain name.
std::optional<std::string> mainRevision(const fs::path& repo) {
    std::ifstream in(repo / "refs" / "main");
    std::string revision;
    if (!in || !std::getline(in, revision)) {
        return std::nullopt;
    }
    while (!revision.empty() && std::isspace(static_cast<unsigned char>(revision.back()))) {
        revision.pop_back();
    }
    if (!isIdPart(revision)) {
        return std::nullopt;
    }
    return revision;
}

} // namespace

const char* modelSourceName(ModelSource source) {
    switch (source) {
    case ModelSource::Folder:
        return "folder";
    case ModelSource::HfCache:
        return "hf-cache";
    case ModelSource::IssueBertCache:
        return "issuebert-cache";
    }
    return "folder";
}

std::vector<std::string> huggingFaceCacheRoots() {
    std::vector<std::string> roots;
    const auto add = [&](const fs::path& root) {
        const std::string text = root.lexically_normal().string();
        if (std::find(roots.begin(), roots.end(), text) == roots.end()) {
            roots.push_back(text);
        }
    };
    if (const std::string hub = env("HF_HUB_CACHE"); !hub.empty()) {
        add(hub);
    }
    if (const std::string home = env("HF_HOME"); !home.empty()) {
        add(fs::path(home) / "hub");
    }
    const std::string xdg = env("XDG_CACHE_HOME");
    const std::string home = env("HOME");
    add((xdg.empty() ? fs::path(home.empty() ? "." : home) / ".cache" : fs::path(xdg)) /
        "huggingface" / "hub");
    return roots;
}

bool isModelId(const std::string& text) {
    const auto slash = text.find('/');
    if (slash == std::string::npos) {
        return isIdPart(text);
    }
    return isIdPart(text.substr(0, slash)) && isIdPart(text.substr(slash + 1));
}

std::optional<std::string> findInHuggingFaceCache(const std::string& root, const std::string& id) {
    if (!isModelId(id)) {
        return std::nullopt;
    }
    // "ORG/NAME" → models--ORG--NAME, as huggingface_hub names its folders.
    const auto slash = id.find('/');
    const std::string folder =
        "models--" +
        (slash == std::string::npos ? id : id.substr(0, slash) + "--" + id.substr(slash + 1));
    const fs::path repo = fs::path(root) / folder;
    const fs::path snapshots = repo / "snapshots";
    if (const auto revision = mainRevision(repo); revision && hasConfig(snapshots / *revision)) {
        return (snapshots / *revision).string();
    }
    std::error_code ec;
    std::optional<fs::path> newest;
    fs::file_time_type newestTime{};
    for (fs::directory_iterator it(snapshots, ec), end; !ec && it != end; it.increment(ec)) {
        if (!hasConfig(it->path())) {
            continue;
        }
        const auto time = fs::last_write_time(it->path(), ec);
        if (!ec && (!newest || time > newestTime)) {
            newest = it->path();
            newestTime = time;
        }
    }
    if (!newest) {
        return std::nullopt;
    }
    return newest->string();
}

ModelLocation locateModel(const std::string& dirOrId) {
    std::error_code ec;
    if (!dirOrId.empty() && fs::is_directory(dirOrId, ec)) {
        return {dirOrId, ModelSource::Folder};
    }
    if (!isModelId(dirOrId)) {
        throw ModelError(dirOrId + ": no such model folder");
    }
    std::string searched;
    for (const std::string& root : huggingFaceCacheRoots()) {
        if (auto snapshot = findInHuggingFaceCache(root, dirOrId)) {
            return {*snapshot, ModelSource::HfCache};
        }
        searched += (searched.empty() ? "" : ", ") + root;
    }
    const std::string name = dirOrId.substr(dirOrId.find('/') + 1);
    const fs::path own = fs::path(cacheDir()) / "models" / name;
    if (hasConfig(own)) {
        return {own.string(), ModelSource::IssueBertCache};
    }
    throw ModelError(dirOrId + ": no such model folder, and no model of that id in the " +
                     "Hugging Face cache (" + searched + ") or IssueBERT's cache (" +
                     own.parent_path().string() + ")");
}

} // namespace issuebert
