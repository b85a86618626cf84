// Internal to the loaders: how one label value reads, shared by loading
// (DatasetBuilder) and field detection, so what detection reports of a file's
// labels is what loading then reads.
#pragma once

#include "core/data/record.h"
#include "core/text/utf8.h"

#include <string>

namespace issuebert::data {

// A label value as the loader reads it, before the label set: blank, missing or
// null is None; a whole number ("1", 1, 1.0, 2e0; at most 18 digits) is Whole;
// other text is a Name; true/false, objects, arrays and numbers that are not
// whole are Invalid (loading refuses them). Strings are repaired (invalid
// UTF-8, NUL bytes; counted in repair) and trimmed first.
enum class LabelKind { None, Whole, Name, Invalid };
struct LabelReading {
    LabelKind kind = LabelKind::None;
    std::string text;    // the repaired, trimmed text (a number's as written)
    long long value = 0; // Whole: the number
};
LabelReading readLabel(const FieldValue& value, Utf8Repair& repair);

} // namespace issuebert::data
