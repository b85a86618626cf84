// Streaming JSON tokenizer: strict RFC 8259 syntax, line and column tracking.
#include "core/data/json_scanner.h"

#include "core/io/errors.h"
#include "core/text/utf8.h"

#include <array>
#include <cstring>

namespace issuebert::data {

namespace {

// Nesting deeper than this is refused rather than risking the stack.
constexpr int kMaxDepth = 512;

// Bytes a string can hold as they are: not '"', '\\' or a line break. Other
// control characters (a raw tab, a NUL) are not JSON but turn up in scraped
// text; they are kept and the NUL is dropped later like any other.
constexpr std::array<bool, 256> makePlainTable() {
    std::array<bool, 256> table{};
    for (int i = 0; i < 256; ++i) {
        table[static_cast<std::size_t>(i)] = i != '"' && i != '\\' && i != '\n' && i != '\r';
    }
    return table;
}
constexpr std::array<bool, 256> kPlain = makePlainTable();

// Stands for a lone surrogate escape (\uD800): a byte that is never valid
// UTF-8, so sanitizeUtf8 replaces it with U+FFFD and counts it like any other
// ill-formed input.
constexpr char kLoneSurrogate = '\xFF';

int hexValue(int c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

} // namespace

int JsonScanner::peekToken() {
    for (;;) {
        while (m_src.pos < m_src.end) {
            const char c = *m_src.pos;
            if (c == '\n') {
                ++m_line;
                m_lineStart = m_src.offsetOf(m_src.pos) + 1;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                return static_cast<unsigned char>(c);
            }
            ++m_src.pos;
        }
        if (!m_src.refill()) {
            return -1;
        }
    }
}

int JsonScanner::peekOnLine() {
    for (;;) {
        const int c = m_src.peek();
        if (c != ' ' && c != '\t' && c != '\r') {
            return c;
        }
        ++m_src.pos;
    }
}

std::string JsonScanner::describeNext() {
    const int c = m_src.peek();
    if (c == -1) {
        return "the end of the file";
    }
    if (c >= 0x20 && c < 0x7F) {
        return std::string("'") + static_cast<char>(c) + "'";
    }
    static const char* const kHex = "0123456789ABCDEF";
    return std::string("byte 0x") + kHex[c >> 4] + kHex[c & 15];
}

void JsonScanner::fail(const std::string& what) const {
    std::string where = "line " + std::to_string(m_line) + ", column " + std::to_string(column());
    if (m_record > 0) {
        where = "record " + std::to_string(m_record) + " (" + where + ")";
    }
    throw DataError(fileName(m_src.path()) + ": " + where + ": " + what);
}

void JsonScanner::failTooLong(const std::string& what) const {
    fail(what + " is longer than " + kMaxFieldText +
         ", far more than an issue's text; is this file a dataset of issues?");
}

void JsonScanner::readString(std::string* out) {
    ++m_src.pos; // opening quote
    if (out != nullptr) {
        out->clear();
    }
    for (;;) {
        const char* p = m_src.pos;
        const char* const e = m_src.end;
        while (p < e && kPlain[static_cast<unsigned char>(*p)]) {
            ++p;
        }
        if (out != nullptr) {
            out->append(m_src.pos, p);
            if (out->size() > kMaxFieldBytes) {
                failTooLong(out == &m_key ? "a field name" : "the value of \"" + m_key + "\"");
            }
        }
        m_src.pos = p;
        if (p == e) {
            if (!m_src.refill()) {
                fail("the file ends inside a string; is it truncated?");
            }
            continue;
        }
        const char c = *p;
        if (c == '"') {
            ++m_src.pos;
            return;
        }
        if (c == '\\') {
            ++m_src.pos;
            readEscape(out);
            continue;
        }
        fail("a line break inside a string (write it as \\n); is a closing quote missing?");
    }
}

void JsonScanner::readEscape(std::string* out) {
    const int c = m_src.peek();
    char plain = 0;
    switch (c) {
    case '"':
    case '\\':
    case '/':
        plain = static_cast<char>(c);
        break;
    case 'b':
        plain = '\b';
        break;
    case 'f':
        plain = '\f';
        break;
    case 'n':
        plain = '\n';
        break;
    case 'r':
        plain = '\r';
        break;
    case 't':
        plain = '\t';
        break;
    case 'u':
        break;
    default:
        fail("unknown escape \\" + describeNext() + " in a string");
    }
    ++m_src.pos;
    if (plain != 0) {
        if (out != nullptr) {
            out->push_back(plain);
        }
        return;
    }
    const auto hex4 = [this]() {
        int value = 0;
        for (int i = 0; i < 4; ++i) {
            const int digit = hexValue(m_src.peek());
            if (digit < 0) {
                fail("\\u must be followed by four hex digits, found " + describeNext());
            }
            value = value * 16 + digit;
            ++m_src.pos;
        }
        return value;
    };
    char32_t cp = static_cast<char32_t>(hex4());
    if (cp >= 0xD800 && cp <= 0xDBFF && m_src.peek() == '\\') {
        ++m_src.pos;
        if (m_src.peek() != 'u') {
            // A lone high surrogate followed by another escape: replace it, then
            // decode that escape normally.
            if (out != nullptr) {
                out->push_back(kLoneSurrogate);
            }
            readEscape(out);
            return;
        }
        ++m_src.pos;
        const auto low = static_cast<char32_t>(hex4());
        if (low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else {
            if (out != nullptr) {
                out->push_back(kLoneSurrogate);
            }
            cp = low;
        }
    }
    if (out == nullptr) {
        return;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) {
        out->push_back(kLoneSurrogate);
    } else {
        appendUtf8(*out, cp);
    }
}

void JsonScanner::readNumber(std::string* out) {
    if (out != nullptr) {
        out->clear();
    }
    const auto takeDigit = [&]() {
        if (out != nullptr) {
            if (out->size() == kMaxFieldBytes) {
                failTooLong("the number in \"" + m_key + "\"");
            }
            out->push_back(static_cast<char>(m_src.peek()));
        }
        ++m_src.pos;
    };
    const auto isDigit = [&]() {
        const int c = m_src.peek();
        return c >= '0' && c <= '9';
    };
    const auto digits = [&](const char* after) {
        if (!isDigit()) {
            fail(std::string("expected a digit ") + after + ", found " + describeNext());
        }
        while (isDigit()) {
            takeDigit();
        }
    };
    if (m_src.peek() == '-') {
        takeDigit();
    }
    if (m_src.peek() == '0') {
        takeDigit();
    } else {
        digits("in a number");
    }
    if (m_src.peek() == '.') {
        takeDigit();
        digits("after the decimal point");
    }
    if (m_src.peek() == 'e' || m_src.peek() == 'E') {
        takeDigit();
        if (m_src.peek() == '+' || m_src.peek() == '-') {
            takeDigit();
        }
        digits("in the exponent");
    }
}

void JsonScanner::readLiteral(const char* word, std::size_t length) {
    for (std::size_t i = 0; i < length; ++i) {
        if (m_src.peek() != word[i]) {
            fail(std::string("expected a value (a string, number, object, array, true, false "
                             "or null), found ") +
                 describeNext());
        }
        ++m_src.pos;
    }
}

void JsonScanner::readValue(FieldValue& out) {
    const int c = peekToken();
    switch (c) {
    case '"':
        out.kind = ValueKind::String;
        readString(&out.text);
        return;
    case '{':
        out.kind = ValueKind::Object;
        skipNested(0);
        return;
    case '[':
        out.kind = ValueKind::Array;
        skipNested(0);
        return;
    case 't':
        out.kind = ValueKind::Bool;
        out.text = "true";
        readLiteral("true", 4);
        return;
    case 'f':
        out.kind = ValueKind::Bool;
        out.text = "false";
        readLiteral("false", 5);
        return;
    case 'n':
        out.kind = ValueKind::Null;
        out.text.clear();
        readLiteral("null", 4);
        return;
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            out.kind = ValueKind::Number;
            readNumber(&out.text);
            return;
        }
        if (c == -1) {
            fail("the file ends where a value should be; is it truncated?");
        }
        fail("expected a value (a string, number, object, array, true, false or null), found " +
             describeNext());
    }
}

void JsonScanner::skipValue() {
    const int c = peekToken();
    if (c == '"') {
        readString(nullptr);
    } else if (c == '{' || c == '[') {
        skipNested(0);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        readNumber(nullptr);
    } else {
        FieldValue literal;
        readValue(literal);
    }
}

void JsonScanner::skipNested(int depth) {
    if (depth >= kMaxDepth) {
        fail("values nested more than " + std::to_string(kMaxDepth) + " levels deep");
    }
    if (peekToken() == '{') {
        readObject([&](const std::string&) {
            if (const int c = peekToken(); c == '{' || c == '[') {
                skipNested(depth + 1);
            } else {
                skipValue();
            }
        });
        return;
    }
    take(); // '['
    int c = peekToken();
    if (c == ']') {
        take();
        return;
    }
    for (;;) {
        if (c == '{' || c == '[') {
            skipNested(depth + 1);
        } else {
            skipValue();
        }
        c = peekToken();
        if (c == ']') {
            take();
            return;
        }
        if (c != ',') {
            fail("expected ',' or ']' in an array, found " + describeNext());
        }
        take();
        c = peekToken();
        if (c == ']') {
            fail("a comma before ']' (trailing commas are not JSON)");
        }
        if (c == -1) {
            fail("the file ends inside an array; is it truncated?");
        }
    }
}

} // namespace issuebert::data
