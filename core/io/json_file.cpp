// Small JSON files read whole, parsed as one object, with errors naming the file.
#include "core/io/json_file.h"

#include "core/io/errors.h"
#include "core/io/json_depth.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace issuebert {

void throwFieldError(const std::string& path, const std::string& field, const std::string& what) {
    throw ModelError(path + ": field \"" + field + "\": " + what);
}

nlohmann::json parseJsonObject(const std::string& text, const std::string& path) {
    if (jsonTooDeep(text)) {
        throw ModelError(path + ": " + jsonDepthMessage() + "; not a settings file");
    }
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) { // out_of_range too: a number too large
        throw ModelError(path + ": not valid JSON (" + jsonErrorText(e) + ")");
    }
    if (!root.is_object()) {
        throw ModelError(path + ": expected a JSON object");
    }
    return root;
}

std::string jsonErrorText(const std::exception& error) {
    constexpr std::size_t kLongest = 200;
    std::string text = error.what();
    const std::string prefix = "] ";
    if (const auto at = text.find(prefix);
        text.rfind("[json.exception", 0) == 0 && at != std::string::npos) {
        text.erase(0, at + prefix.size());
    }
    if (text.size() > kLongest) {
        text = text.substr(0, kLongest) + "...";
    }
    for (char& c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            c = '?';
        }
    }
    return text;
}

std::string jsonSummary(const nlohmann::json& value) {
    switch (value.type()) {
    case nlohmann::json::value_t::array:
        return "an array of " + std::to_string(value.size()) +
               (value.size() == 1 ? " item" : " items");
    case nlohmann::json::value_t::object:
        return "an object of " + std::to_string(value.size()) +
               (value.size() == 1 ? " field" : " fields");
    case nlohmann::json::value_t::string: {
        constexpr std::size_t kShown = 40;
        const auto& text = value.get_ref<const std::string&>();
        std::size_t cut = std::min(text.size(), kShown);
        while (cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
            ++cut; // not inside a UTF-8 character
        }
        // dump escapes quotes and control characters (terminal escapes included).
        const std::string shown = nlohmann::json(text.substr(0, cut)).dump();
        return cut < text.size() ? shown.substr(0, shown.size() - 1) + "...\"" : shown;
    }
    default:
        return value.dump();
    }
}

std::string readWholeFile(const std::string& path, const std::string& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw IoError(path + ": cannot open " + what);
    }
    std::error_code ec;
    if (const auto size = std::filesystem::file_size(path, ec); !ec && size > kMaxJsonFileBytes) {
        throw ModelError(path + ": larger than " + std::to_string(kMaxJsonFileBytes >> 20) +
                         " MiB; not " + what);
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        throw IoError(path + ": cannot read the file");
    }
    return text.str();
}

} // namespace issuebert
