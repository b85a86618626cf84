// Finding a model: a folder, or a model id looked up in the Hugging Face cache
// (models--ORG--NAME/snapshots/REV/) and in IssueBERT's cache. LibTorch-free.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace issuebert {

enum class ModelSource {
    Folder,         // a path the user gave
    HfCache,        // a snapshot in the Hugging Face hub cache
    IssueBertCache, // ${XDG_CACHE_HOME:-~/.cache}/issuebert/models/NAME
};

// "folder", "hf-cache", "issuebert-cache".
const char* modelSourceName(ModelSource source);

struct ModelLocation {
    std::string path; // the model folder
    ModelSource source = ModelSource::Folder;
};

// The Hugging Face hub caches searched, in this order, whether they exist or
// not: $HF_HUB_CACHE, $HF_HOME/hub, ${XDG_CACHE_HOME:-~/.cache}/huggingface/hub
// (duplicates dropped).
std::vector<std::string> huggingFaceCacheRoots();

// "ORG/NAME" or "NAME" made of letters, digits, '.', '_' and '-' (as the Hub
// allows): safe to turn into a cache path.
bool isModelId(const std::string& text);

// The snapshot of model id under one hub cache root: the revision refs/main
// names when that snapshot holds config.json, else the most recently written
// snapshot that does. nullopt when there is none.
std::optional<std::string> findInHuggingFaceCache(const std::string& root, const std::string& id);

// An existing folder is taken as it is; anything else must be a model id,
// looked up in the Hugging Face caches and then in IssueBERT's cache
// (cacheDir()/models/NAME, NAME the part after the '/'). Throws ModelError
// naming every place searched when nothing is found.
ModelLocation locateModel(const std::string& dirOrId);

} // namespace issuebert
