// The predictions CSV's cells on arbitrary text: written with csvCell, read
// back with the loaders' strict RFC 4180 reader, every cell comes back as it
// was (or with the ' that neutralises a formula), and no cell is one a
// spreadsheet would run as a formula. Cells are separated by 0x1F in the input.
#include "core/data/byte_source.h"
#include "core/data/csv_reader.h"
#include "core/io/csv_cell.h"
#include "core/io/errors.h"
#include "core/text/utf8.h"

#include "support.h"

#include <vector>

using namespace issuebert;

namespace {

// Whether a spreadsheet would take the cell as a formula: after leading
// blanks and line breaks, an = + - @ or its full-width form (U+FF1D, U+FF0B,
// U+FF0D, U+FF20).
bool runsAsFormula(std::string_view cell) {
    std::size_t i = 0;
    while (i < cell.size() && std::string_view(" \t\r\n").find(cell[i]) != std::string_view::npos) {
        ++i;
    }
    const std::string_view rest = cell.substr(i);
    if (rest.empty()) {
        return false;
    }
    if (std::string_view("=+-@").find(rest.front()) != std::string_view::npos) {
        return true;
    }
    for (const char* wide : {"\xEF\xBC\x9D", "\xEF\xBC\x8B", "\xEF\xBC\x8D", "\xEF\xBC\xA0"}) {
        if (rest.substr(0, 3) == wide) {
            return true;
        }
    }
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<std::string> cells(1);
    for (std::size_t i = 0; i < size; ++i) {
        if (data[i] == 0x1F) {
            cells.emplace_back();
        } else {
            cells.back() += static_cast<char>(data[i]);
        }
    }
    std::string line = "row"; // a first cell, so the row is never a blank line
    for (std::string& cell : cells) {
        Utf8Repair repair; // the exporter is given loaded text: valid UTF-8
        sanitizeUtf8(cell, repair);
        line += ',' + csvCell(cell);
    }
    line += "\r\n";
    const std::string path = fuzz::writeInput(line, ".csv");
    std::vector<std::string> back;
    try {
        data::ByteSource source(path);
        data::CsvReader reader(source);
        fuzz::check(reader.next(back), "the written row does not read back");
        std::vector<std::string> extra;
        fuzz::check(!reader.next(extra), "one written row reads back as several");
    } catch (const Error&) {
        fuzz::fail("the strict reader refuses what csvCell wrote");
    }
    fuzz::check(back.size() == cells.size() + 1, "a row reads back with another cell count");
    for (std::size_t k = 0; k < cells.size(); ++k) {
        const std::string& read = back[k + 1];
        fuzz::check(read == cells[k] || read == "'" + cells[k], "a cell reads back changed");
        fuzz::check(read.empty() || read.front() == '\'' || !runsAsFormula(read),
                    "a cell a spreadsheet would run as a formula");
    }
    return 0;
}
