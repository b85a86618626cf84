// UTF-8 repair and counting shared by the loaders and the tokenizer.
#pragma once

#include <string>
#include <string_view>

namespace issuebert {

// What sanitizeUtf8 changed.
struct Utf8Repair {
    long long invalid = 0; // ill-formed sequences replaced by U+FFFD
    long long nul = 0;     // NUL bytes dropped
};

// In place: drops NUL bytes and replaces each maximal ill-formed subpart with
// U+FFFD (Unicode's "substitution of maximal subparts", as Python's
// errors="replace" does). Adds to repair. Well-formed ASCII is a fast path.
void sanitizeUtf8(std::string& text, Utf8Repair& repair);

// Code points in well-formed UTF-8 (continuation bytes are not counted).
std::size_t codepointCount(std::string_view text);

// Appends the UTF-8 encoding of cp.
void appendUtf8(std::string& out, char32_t cp);

} // namespace issuebert
