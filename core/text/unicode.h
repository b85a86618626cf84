// The Unicode steps of BertTokenizer, as Python 3.11 (Unicode 14) does them:
// clean-up classes, punctuation, NFC, str.lower() and accent stripping.
// utf8proc supplies the character data; unicode_tables.h what it lacks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace issuebert::unicode {

// How the clean-up step sees a code point.
enum class CharKind : std::uint8_t {
    Drop,    // NUL, U+FFFD, control/format/unassigned/private-use (category C*)
    Space,   // Zs, \t \n \r, and U+2028/U+2029 (which str.split() splits on)
    Chinese, // a CJK ideograph in one of HF's _is_chinese_char ranges
    Char,    // anything else: part of a word
};

CharKind kindOf(char32_t cp);

// HF's _is_punctuation: ASCII 33-47, 58-64, 91-96, 123-126 or category P*.
bool isPunctuation(char32_t cp);

// Decodes the code point at text[i] and advances i past it. An ill-formed
// sequence gives U+FFFD and is skipped as its maximal subpart, as Python's
// errors="replace" decoding does.
char32_t decodeNext(std::string_view text, std::size_t& i);

// Appends the UTF-8 encoding of the code points.
void appendUtf8(std::string& out, std::u32string_view cps);

// True when NFC may change a word holding cp (a combining mark, a code point
// with a canonical decomposition, or the second half of a composition).
bool mayChangeUnderNfc(char32_t cp);

// unicodedata.normalize("NFC", word) for well-formed UTF-8 without C* code points.
void toNfc(std::string_view word, std::u32string& out);

// str.lower(): full case mapping (U+0130 becomes "i̇") and the final-sigma rule.
void pythonLower(std::u32string_view word, std::u32string& out);

// BasicTokenizer._run_strip_accents: NFD, then drop nonspacing marks (Mn).
// scratch is reused UTF-8 space.
void stripAccents(std::u32string_view word, std::u32string& out, std::string& scratch);

} // namespace issuebert::unicode
