// The JSON reading config.json and issuebert.json share: errors that name the
// file and the field, and the parse of a whole file as one object. LibTorch-free.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace issuebert {

// Throws ModelError "PATH: field "FIELD": WHAT".
[[noreturn]] void throwFieldError(const std::string& path, const std::string& field,
                                  const std::string& what);

// Parses `text` as a JSON object; throws ModelError naming `path` when it is
// not valid JSON or not an object.
nlohmann::json parseJsonObject(const std::string& text, const std::string& path);

// The whole file's text; throws IoError "PATH: cannot open WHAT" or
// "PATH: cannot read the file".
std::string readWholeFile(const std::string& path, const std::string& what);

} // namespace issuebert
