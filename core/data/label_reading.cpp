// readLabel (see label_reading.h).
#include "core/data/label_reading.h"

#include <cmath>
#include <cstdlib>

namespace issuebert::data {

namespace {

// Longest digit string read as a whole-number label (fits in a long long).
constexpr std::size_t kMaxLabelDigits = 18;

bool parseWholeNumber(const std::string& text, long long& value) {
    const bool negative = !text.empty() && text[0] == '-';
    const std::size_t start = negative ? 1 : 0;
    if (text.size() == start || text.size() - start > kMaxLabelDigits) {
        return false;
    }
    long long v = 0;
    for (std::size_t i = start; i < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
        v = v * 10 + (text[i] - '0');
    }
    value = negative ? -v : v;
    return true;
}

} // namespace

LabelReading readLabel(const FieldValue& value, Utf8Repair& repair) {
    LabelReading label;
    switch (value.kind) {
    case ValueKind::Missing:
    case ValueKind::Null:
        return label;
    case ValueKind::Object:
    case ValueKind::Array:
    case ValueKind::Bool:
        label.kind = LabelKind::Invalid;
        label.text = value.text;
        return label;
    case ValueKind::String:
        label.text = value.text;
        sanitizeUtf8(label.text, repair);
        label.text = trimAscii(label.text);
        break;
    case ValueKind::Number:
        label.text = value.text;
        break;
    }
    if (label.text.empty()) {
        return label;
    }
    if (parseWholeNumber(label.text, label.value)) {
        label.kind = LabelKind::Whole;
    } else if (value.kind == ValueKind::Number) {
        // 1.0 and 2e0 are whole numbers too; 1.5 is not a class.
        const double v = std::strtod(label.text.c_str(), nullptr);
        const bool whole = std::isfinite(v) && v == std::floor(v) && std::fabs(v) <= 1e15;
        label.kind = whole ? LabelKind::Whole : LabelKind::Invalid;
        label.value = whole ? static_cast<long long>(v) : 0;
    } else {
        label.kind = LabelKind::Name;
    }
    return label;
}

} // namespace issuebert::data
