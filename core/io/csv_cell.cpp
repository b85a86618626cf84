// One CSV cell from untrusted text (csv_cell.h).
#include "core/io/csv_cell.h"

namespace issuebert {

bool startsFormula(std::string_view text) {
    if (!text.empty() && (text.front() == '\t' || text.front() == '\r')) {
        return true;
    }
    // Spreadsheets skip leading blanks and line breaks before they look for a formula.
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return false;
    }
    const std::string_view rest = text.substr(first);
    if (std::string_view("=+-@").find(rest.front()) != std::string_view::npos) {
        return true;
    }
    // The full-width forms, which some spreadsheets read as the ASCII ones:
    // U+FF1D =, U+FF0B +, U+FF0D -, U+FF20 @ (UTF-8 EF BC 9D / 8B / 8D, EF BC A0).
    return rest.size() >= 3 && rest.substr(0, 2) == "\xEF\xBC" &&
           std::string_view("\x9D\x8B\x8D\xA0").find(rest[2]) != std::string_view::npos;
}

std::string csvCell(std::string_view text) {
    std::string cell;
    cell.reserve(text.size() + 3);
    const bool formula = startsFormula(text);
    if (formula) {
        cell += '\'';
    }
    const bool quoted = text.find_first_of(",\"\r\n") != std::string_view::npos;
    for (const char c : text) {
        if (c == '"') {
            cell += '"';
        }
        cell += c;
    }
    return quoted ? '"' + cell + '"' : cell;
}

} // namespace issuebert
