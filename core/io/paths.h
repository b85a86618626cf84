// Where IssueBERT keeps things on disk: its cache and the default model.
#pragma once

#include <string>

namespace issuebert {

// ${XDG_CACHE_HOME:-~/.cache}/issuebert
std::string cacheDir();
// cacheDir()/models/all-MiniLM-L6-v2 — scripts/fetch-model.sh puts it there.
// The folder may not exist; check with isModelDir().
std::string defaultModelDir();
// A folder with at least vocab.txt and config.json.
bool isModelDir(const std::string& dir);
// The bundled sample dataset's train.json and test.json, looked up beside the
// executable's share folder, then in the source tree this build came from.
std::string sampleDataPath(const std::string& fileName);

} // namespace issuebert
