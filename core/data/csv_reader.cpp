// RFC 4180 CSV rows with line tracking and messages that say how to fix the file.
#include "core/data/csv_reader.h"

#include "core/io/errors.h"

#include <algorithm>

namespace issuebert::data {

void CsvReader::fail(long long line, const std::string& what) const {
    throw DataError(atLine(m_src.path(), line, what));
}

std::string CsvReader::fieldLabel(std::size_t index) const {
    std::string label = "field " + std::to_string(index + 1);
    if (m_header != nullptr && index < m_header->size()) {
        label += " (\"" + (*m_header)[index] + "\")";
    }
    return label;
}

bool CsvReader::next(std::vector<std::string>& fields) {
    for (;;) {
        m_rowLine = m_line;
        if (m_src.peek() == -1) {
            return false;
        }
        std::size_t count = 0;
        int ended = 0;
        do {
            if (count == kMaxFields) {
                fail(m_rowLine, "the row has more than " + std::to_string(kMaxFields) +
                                    " fields; is this file a dataset of issues?");
            }
            if (fields.size() <= count) {
                fields.emplace_back();
            }
            ended = readField(fields[count], count);
            ++count;
        } while (ended == ',');
        if (ended == '\r') {
            ++m_src.pos;
            if (m_src.peek() == '\n') {
                ++m_src.pos;
            }
            ++m_line;
        } else if (ended == '\n') {
            ++m_src.pos;
            ++m_line;
        }
        if (count == 1 && fields[0].empty()) {
            ++m_blankLines;
            continue;
        }
        fields.resize(count);
        return true;
    }
}

int CsvReader::readField(std::string& out, std::size_t index) {
    out.clear();
    if (m_src.peek() == '"') {
        return readQuoted(out, index);
    }
    for (;;) {
        const char* p = m_src.pos;
        const char* const e = m_src.end;
        while (p < e && *p != ',' && *p != '\n' && *p != '\r' && *p != '"') {
            ++p;
        }
        out.append(m_src.pos, p);
        m_src.pos = p;
        if (out.size() > kMaxFieldBytes) {
            fail(m_line, fieldLabel(index) + " is longer than " + kMaxFieldText +
                             ", far more than an issue's text; is this file a dataset of issues?");
        }
        if (p == e) {
            if (!m_src.refill()) {
                return -1;
            }
            continue;
        }
        if (*p == '"') {
            fail(m_line, fieldLabel(index) +
                             ": a quote inside an unquoted field; put the whole field in "
                             "quotes and write each quote in it as \"\"");
        }
        if (*p == ',') {
            ++m_src.pos;
        }
        return static_cast<unsigned char>(*p);
    }
}

int CsvReader::readQuoted(std::string& out, std::size_t index) {
    const long long openLine = m_line;
    ++m_src.pos; // opening quote
    for (;;) {
        const char* p = m_src.pos;
        const char* const e = m_src.end;
        while (p < e && *p != '"') {
            ++p;
        }
        m_line += std::count(m_src.pos, p, '\n');
        out.append(m_src.pos, p);
        m_src.pos = p;
        if (out.size() > kMaxFieldBytes) {
            fail(m_line, fieldLabel(index) + ": the quoted field opened at line " +
                             std::to_string(openLine) + " is longer than " + kMaxFieldText +
                             "; is its closing quote missing?");
        }
        if (p == e) {
            if (!m_src.refill()) {
                // Name the last line that has text, not the empty one after a final newline.
                const long long last = !out.empty() && out.back() == '\n' ? m_line - 1 : m_line;
                fail(last, "quoted field opened at line " + std::to_string(openLine) +
                               " is never closed");
            }
            continue;
        }
        ++m_src.pos; // a quote: closing, or the first of ""
        const int after = m_src.peek();
        if (after == '"') {
            out.push_back('"');
            ++m_src.pos;
            continue;
        }
        if (after == ',') {
            ++m_src.pos;
            return ',';
        }
        if (after == '\n' || after == '\r' || after == -1) {
            return after;
        }
        fail(m_line, fieldLabel(index) +
                         ": text after the closing quote; a quote inside a quoted field is "
                         "written as \"\"");
    }
}

} // namespace issuebert::data
