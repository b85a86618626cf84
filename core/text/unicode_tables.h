// Unicode facts the tokenizer needs beyond utf8proc, generated from the Python
// that produced the parity fixture (tests/reference/make_unicode_tables.py).
#pragma once

#include <span>

namespace issuebert::unicode {

// An inclusive range of code points; tables are sorted and disjoint.
struct CodeRange {
    char32_t first;
    char32_t last;
};

// The Unicode version of the tables ("14.0.0").
extern const char* const kTablesUnicodeVersion;

// Unassigned code points (category Cn) in that version: BertTokenizer drops
// them, although a newer utf8proc may know some of them.
std::span<const CodeRange> unassignedRanges();
// Case_Ignorable and Cased (the latter without the former), for the final
// sigma rule of Python's str.lower().
std::span<const CodeRange> caseIgnorableRanges();
std::span<const CodeRange> casedRanges();

} // namespace issuebert::unicode
