// Message and name helpers shared by the format readers.
#include "core/data/record.h"

#include "core/io/errors.h"

namespace issuebert::data {

std::string messageAt(const std::string& path, const Where& where, const std::string& what) {
    return where.byLine ? atLine(path, where.number, what) : atRecord(path, where.number, what);
}

const char* roleWord(std::size_t role, bool bodyIsText) {
    static const std::array<const char*, kRoleCount> kWords = {"id", "title", "body", "label"};
    if (role == kRoleBody && bodyIsText) {
        return "text";
    }
    return role < kRoleCount ? kWords[role] : "unknown";
}

const char* kindName(ValueKind kind) {
    switch (kind) {
    case ValueKind::Missing:
        return "missing";
    case ValueKind::Null:
        return "null";
    case ValueKind::String:
        return "a string";
    case ValueKind::Number:
        return "a number";
    case ValueKind::Bool:
        return "true or false";
    case ValueKind::Object:
        return "an object";
    case ValueKind::Array:
        return "an array";
    }
    return "a value";
}

std::string lowerAscii(const std::string& text) {
    std::string out = text;
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

bool equalsIgnoringCase(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        x = x >= 'A' && x <= 'Z' ? static_cast<char>(x - 'A' + 'a') : x;
        y = y >= 'A' && y <= 'Z' ? static_cast<char>(y - 'A' + 'a') : y;
        if (x != y) {
            return false;
        }
    }
    return true;
}

std::string trimAscii(const std::string& text) {
    const char* const space = " \t\r\n\f\v";
    const std::size_t first = text.find_first_not_of(space);
    if (first == std::string::npos) {
        return {};
    }
    const std::size_t last = text.find_last_not_of(space);
    return text.substr(first, last - first + 1);
}

} // namespace issuebert::data
