// Internal to the loaders: RFC 4180 rows read one at a time from a ByteSource:
// quoted fields may span lines, "" is a quote, CRLF or LF ends a row.
#pragma once

#include "core/data/byte_source.h"
#include "core/data/record.h"

#include <string>
#include <vector>

namespace issuebert::data {

class CsvReader {
public:
    explicit CsvReader(ByteSource& source) : m_src(source) {}

    // Reads the next row into fields (resized to the row's field count); false
    // at the end of the file. Blank lines are skipped and counted. Throws
    // DataError naming the line and field for a bare or unclosed quote.
    bool next(std::vector<std::string>& fields);
    // The line the last row started on (1-based).
    long long rowLine() const { return m_rowLine; }
    long long blankLines() const { return m_blankLines; }
    // Column names used in messages ("field 3 (\"body\")") once the header is read.
    void setHeader(const std::vector<std::string>* header) { m_header = header; }

private:
    // Reads one field into out; returns the byte that ended it (',', '\n', '\r' or -1).
    int readField(std::string& out, std::size_t index);
    int readQuoted(std::string& out, std::size_t index);
    [[noreturn]] void fail(long long line, const std::string& what) const;
    std::string fieldLabel(std::size_t index) const;

    ByteSource& m_src;
    long long m_line = 1;
    long long m_rowLine = 1;
    long long m_blankLines = 0;
    const std::vector<std::string>* m_header = nullptr;
};

} // namespace issuebert::data
