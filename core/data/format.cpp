// Format names and recognition by extension, then by the first bytes.
#include "core/data/format.h"

#include "core/data/record.h"
#include "core/io/errors.h"

#include <filesystem>

namespace issuebert {

namespace {

bool isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// True when some line ends with '}' and the next starts with '{': JSON Lines,
// not a pretty-printed object (whose inner lines end in ',' '{' or '[').
bool looksLikeJsonLines(std::string_view head) {
    for (std::size_t nl = head.find('\n'); nl != std::string_view::npos;
         nl = head.find('\n', nl + 1)) {
        std::size_t before = nl;
        while (before > 0 && isBlank(head[before - 1])) {
            --before;
        }
        std::size_t after = nl + 1;
        while (after < head.size() && isBlank(head[after])) {
            ++after;
        }
        if (before > 0 && head[before - 1] == '}' && after < head.size() && head[after] == '{') {
            return true;
        }
    }
    return false;
}

} // namespace

std::string_view formatName(DataFormat format) {
    switch (format) {
    case DataFormat::Auto:
        return "auto";
    case DataFormat::JsonArray:
        return "json";
    case DataFormat::JsonLines:
        return "jsonl";
    case DataFormat::Csv:
        return "csv";
    case DataFormat::FastText:
        return "fasttext";
    }
    return "auto";
}

DataFormat parseFormatName(std::string_view name) {
    const std::string lower = data::lowerAscii(std::string(name));
    if (lower == "auto") {
        return DataFormat::Auto;
    }
    if (lower == "json") {
        return DataFormat::JsonArray;
    }
    if (lower == "jsonl" || lower == "ndjson") {
        return DataFormat::JsonLines;
    }
    if (lower == "csv") {
        return DataFormat::Csv;
    }
    if (lower == "fasttext" || lower == "ft") {
        return DataFormat::FastText;
    }
    throw DataError("unknown dataset format \"" + std::string(name) +
                    "\"; choose json, jsonl, csv or fasttext");
}

DataFormat detectFormat(const std::string& path, std::string_view head) {
    const std::string ext = data::lowerAscii(std::filesystem::path(path).extension().string());
    if (ext == ".jsonl" || ext == ".ndjson") {
        return DataFormat::JsonLines;
    }
    if (ext == ".csv") {
        return DataFormat::Csv;
    }
    if (head.substr(0, 3) == "\xEF\xBB\xBF") {
        head.remove_prefix(3);
    }
    std::size_t start = 0;
    while (start < head.size() && isBlank(head[start])) {
        ++start;
    }
    const std::string_view content = head.substr(start);
    if (content.substr(0, kFastTextLabelPrefix.size()) == kFastTextLabelPrefix) {
        return DataFormat::FastText;
    }
    const char first = content.empty() ? '\0' : content.front();
    if (ext == ".json") {
        return first == '{' && looksLikeJsonLines(content) ? DataFormat::JsonLines
                                                           : DataFormat::JsonArray;
    }
    if (ext == ".txt" || ext == ".ft" || ext == ".fasttext") {
        return DataFormat::FastText;
    }
    if (first == '[') {
        return DataFormat::JsonArray;
    }
    if (first == '{') {
        return DataFormat::JsonLines;
    }
    const std::string_view firstLine = content.substr(0, content.find('\n'));
    return firstLine.find(',') != std::string_view::npos ? DataFormat::Csv : DataFormat::FastText;
}

} // namespace issuebert
