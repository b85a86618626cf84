// Shared JSON reading for the model folder's settings files.
#include "core/model/json_fields.h"

#include "core/io/errors.h"

#include <fstream>
#include <sstream>

namespace issuebert {

void throwFieldError(const std::string& path, const std::string& field, const std::string& what) {
    throw ModelError(path + ": field \"" + field + "\": " + what);
}

nlohmann::json parseJsonObject(const std::string& text, const std::string& path) {
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throw ModelError(path + ": not valid JSON (" + e.what() + ")");
    }
    if (!root.is_object()) {
        throw ModelError(path + ": expected a JSON object");
    }
    return root;
}

std::string readWholeFile(const std::string& path, const std::string& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw IoError(path + ": cannot open " + what);
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        throw IoError(path + ": cannot read the file");
    }
    return text.str();
}

} // namespace issuebert
