// Internal to the loaders: a streaming JSON tokenizer over a ByteSource. It
// never builds a document: readers pull one record's fields at a time, decode
// the strings they need and skip the rest.
#pragma once

#include "core/data/byte_source.h"
#include "core/data/record.h"

#include <string>

namespace issuebert::data {

class JsonScanner {
public:
    explicit JsonScanner(ByteSource& source) : m_src(source) {}

    // Skips white space (counting lines) and returns the next byte, or -1 at the end.
    int peekToken();
    // Skips spaces, tabs and CRs but not line feeds; returns the next byte or -1.
    int peekOnLine();
    // Consumes one byte that peekToken() just returned.
    void take() { ++m_src.pos; }

    // Reads any value; strings are decoded into out.text, numbers and literals
    // keep their text, objects and arrays are skipped and only their kind kept.
    void readValue(FieldValue& out);
    // Skips any value, checking its syntax.
    void skipValue();
    // At '"': decodes a string into out (raw bytes kept; the caller sanitizes).
    void readString(std::string* out);

    // Reads an object, calling onKey(key) with the scanner positioned at each
    // value; onKey must read or skip that value.
    template <class OnKey>
    void readObject(OnKey&& onKey);

    long long line() const { return m_line; }
    long long column() const { return m_src.offsetOf(m_src.pos) - m_lineStart + 1; }
    // Messages then say "record N (line L, column C)" rather than "line L, column C".
    void setRecord(long long record) { m_record = record; }
    // Throws DataError: "file: [record N (]line L, column C[)]: what" (column in bytes).
    [[noreturn]] void fail(const std::string& what) const;
    // fail() for a string or number over kMaxFieldBytes; what names it.
    [[noreturn]] void failTooLong(const std::string& what) const;
    // "'x'", "the end of the file", "byte 0xC3": what was found instead.
    std::string describeNext();

private:
    void readNumber(std::string* out);
    void readLiteral(const char* word, std::size_t length);
    void readEscape(std::string* out);
    void skipNested(int depth);

    ByteSource& m_src;
    long long m_line = 1;
    long long m_lineStart = 0; // file offset of the current line's first byte
    long long m_record = 0;
    std::string m_key;
};

template <class OnKey>
void JsonScanner::readObject(OnKey&& onKey) {
    take(); // '{'
    int c = peekToken();
    if (c == '}') {
        take();
        return;
    }
    for (;;) {
        if (c != '"') {
            fail("expected a field name in double quotes, found " + describeNext());
        }
        readString(&m_key);
        if (peekToken() != ':') {
            fail("expected ':' after the field name \"" + m_key + "\", found " + describeNext());
        }
        take();
        if (peekToken() == -1) {
            fail("the file ends before the value of \"" + m_key + "\"; is it truncated?");
        }
        const std::string key = m_key; // onKey may reuse the scanner
        onKey(key);
        c = peekToken();
        if (c == '}') {
            take();
            return;
        }
        if (c != ',') {
            fail("expected ',' or '}' after the value of \"" + key + "\", found " + describeNext());
        }
        take();
        c = peekToken();
        if (c == '}') {
            fail("a comma before '}' (trailing commas are not JSON)");
        }
    }
}

} // namespace issuebert::data
