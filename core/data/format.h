// Dataset file formats and how a file's format is recognised.
#pragma once

#include <string>
#include <string_view>

namespace issuebert {

enum class DataFormat {
    Auto,      // decide from the extension, then the content
    JsonArray, // MachineHack: [{"Title": ..., "Body": ..., "Label": 0}, ...]
    JsonLines, // one JSON object per line
    Csv,       // RFC 4180 with a header row
    FastText,  // __label__bug text...
};

// What starts a fastText label: "__label__bug".
inline constexpr std::string_view kFastTextLabelPrefix = "__label__";

std::string_view formatName(DataFormat format);
// "json", "jsonl", "csv", "fasttext" (and "auto"); throws DataError otherwise.
DataFormat parseFormatName(std::string_view name);
// Extension first (.json .jsonl .ndjson .csv .txt .ft), then the first bytes.
DataFormat detectFormat(const std::string& path, std::string_view head);

} // namespace issuebert
