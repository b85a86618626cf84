// Python-exact Unicode steps of BertTokenizer over utf8proc and the generated tables.
#include "core/text/unicode.h"

#include "core/text/unicode_tables.h"
#include "core/text/utf8.h"

#include <algorithm>
#include <span>
#include <utf8proc.h>

namespace issuebert::unicode {

namespace {

// U+FFFD REPLACEMENT CHARACTER.
constexpr char32_t kReplacement = 0xFFFD;
// The first code point unassigned in Unicode 14 (lower ones skip the table).
constexpr char32_t kFirstUnassigned = 0x378;
// Composition seconds with combining class 0 (Indic vowel signs and the like),
// from UnicodeData 14; the Hangul V and T jamo are added in code.
constexpr char32_t kComposingStarters[] = {0x9BE,   0x9D7,   0xB3E,   0xB56,   0xB57,   0xBBE,
                                           0xBD7,   0xCC2,   0xCD5,   0xCD6,   0xD3E,   0xD57,
                                           0xDCF,   0xDDF,   0x102E,  0x1B35,  0x11127, 0x1133E,
                                           0x11357, 0x114B0, 0x114BA, 0x114BD, 0x115AF, 0x11930};
// Greek capital sigma and its two lowercase forms.
constexpr char32_t kCapitalSigma = 0x3A3;
constexpr char32_t kSmallSigma = 0x3C3;
constexpr char32_t kFinalSigma = 0x3C2;

bool inRanges(std::span<const CodeRange> ranges, char32_t cp) {
    const auto it = std::upper_bound(ranges.begin(), ranges.end(), cp,
                                     [](char32_t c, const CodeRange& r) { return c < r.first; });
    return it != ranges.begin() && cp <= std::prev(it)->last;
}

utf8proc_propval_t category(char32_t cp) {
    return utf8proc_get_property(static_cast<utf8proc_int32_t>(cp))->category;
}

bool isChinese(char32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
           (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

// Fills out with utf8proc_decompose's code points for options (grows as needed).
void decompose(std::string_view utf8, std::u32string& out, utf8proc_option_t options) {
    out.resize(std::max<std::size_t>(utf8.size() + 8, out.capacity()));
    for (;;) {
        static_assert(sizeof(char32_t) == sizeof(utf8proc_int32_t));
        const utf8proc_ssize_t n =
            utf8proc_decompose(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                               static_cast<utf8proc_ssize_t>(utf8.size()),
                               reinterpret_cast<utf8proc_int32_t*>(out.data()),
                               static_cast<utf8proc_ssize_t>(out.size()), options);
        if (n < 0) {
            out.clear(); // cannot happen for well-formed input; drop the word's marks rather than
                         // crash
            return;
        }
        if (static_cast<std::size_t>(n) <= out.size()) {
            out.resize(static_cast<std::size_t>(n));
            return;
        }
        out.resize(static_cast<std::size_t>(n));
    }
}

// str.lower()'s Final_Sigma context for the sigma at word[i].
bool isFinalSigma(std::u32string_view word, std::size_t i) {
    const auto ignorable = [](char32_t c) { return inRanges(caseIgnorableRanges(), c); };
    const auto cased = [](char32_t c) { return inRanges(casedRanges(), c); };
    std::size_t j = i;
    while (j > 0 && ignorable(word[j - 1])) {
        --j;
    }
    if (j == 0 || !cased(word[j - 1])) {
        return false;
    }
    for (std::size_t k = i + 1; k < word.size(); ++k) {
        if (!ignorable(word[k])) {
            return !cased(word[k]);
        }
    }
    return true;
}

} // namespace

CharKind kindOf(char32_t cp) {
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
        return CharKind::Space;
    }
    if (cp == 0 || cp == kReplacement) {
        return CharKind::Drop;
    }
    if (cp >= kFirstUnassigned && inRanges(unassignedRanges(), cp)) {
        return CharKind::Drop;
    }
    switch (category(cp)) {
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CN:
        return CharKind::Drop;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        return CharKind::Space;
    default:
        break;
    }
    return isChinese(cp) ? CharKind::Chinese : CharKind::Char;
}

bool isPunctuation(char32_t cp) {
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) ||
        (cp >= 123 && cp <= 126)) {
        return true;
    }
    if (cp < 0x80) {
        return false;
    }
    const auto cat = category(cp);
    return cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_PO;
}

char32_t decodeNext(std::string_view text, std::size_t& i) {
    const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
    const std::uint8_t b0 = byte(i);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    int need = 0;
    std::uint8_t lo = 0x80;
    std::uint8_t hi = 0xBF;
    char32_t cp = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
        cp = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        cp = b0 & 0x0Fu;
        lo = b0 == 0xE0 ? 0xA0 : 0x80;
        hi = b0 == 0xED ? 0x9F : 0xBF;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        cp = b0 & 0x07u;
        lo = b0 == 0xF0 ? 0x90 : 0x80;
        hi = b0 == 0xF4 ? 0x8F : 0xBF;
    } else {
        ++i;
        return kReplacement;
    }
    std::size_t at = i + 1;
    for (int k = 1; k <= need; ++k, ++at) {
        if (at >= text.size()) {
            i = at;
            return kReplacement;
        }
        const std::uint8_t b = byte(at);
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) {
            i = at; // the maximal subpart ends before b
            return kReplacement;
        }
        cp = (cp << 6) | (b & 0x3Fu);
    }
    i = at;
    return cp;
}

void appendUtf8(std::string& out, std::u32string_view cps) {
    for (const char32_t cp : cps) {
        issuebert::appendUtf8(out, cp);
    }
}

bool mayChangeUnderNfc(char32_t cp) {
    if (cp < 0x300) {
        return false;
    }
    const utf8proc_property_t* p = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
    if (p->combining_class != 0) {
        return true;
    }
    if (p->decomp_seqindex != UINT16_MAX && p->decomp_type == 0) {
        return true; // canonical decomposition: a singleton or excluded composite
    }
    if ((cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2)) {
        return true; // Hangul V and T jamo compose with a preceding syllable
    }
    return std::find(std::begin(kComposingStarters), std::end(kComposingStarters), cp) !=
           std::end(kComposingStarters);
}

void toNfc(std::string_view word, std::u32string& out) {
    const auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    decompose(word, out, options);
    const utf8proc_ssize_t n =
        utf8proc_normalize_utf32(reinterpret_cast<utf8proc_int32_t*>(out.data()),
                                 static_cast<utf8proc_ssize_t>(out.size()), options);
    out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
}

void pythonLower(std::u32string_view word, std::u32string& out) {
    out.clear();
    for (std::size_t i = 0; i < word.size(); ++i) {
        const char32_t cp = word[i];
        if (cp < 0x80) {
            out.push_back(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
        } else if (cp == 0x130) {
            out.push_back(U'i'); // SpecialCasing: İ lowercases to i + COMBINING DOT ABOVE
            out.push_back(0x307);
        } else if (cp == kCapitalSigma) {
            out.push_back(isFinalSigma(word, i) ? kFinalSigma : kSmallSigma);
        } else {
            out.push_back(
                static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp))));
        }
    }
}

void stripAccents(std::u32string_view word, std::u32string& out, std::string& scratch) {
    const bool decomposable =
        std::any_of(word.begin(), word.end(), [](char32_t cp) { return cp >= 0xC0; });
    if (!decomposable) {
        out.assign(word); // nothing below U+00C0 decomposes or is a mark
        return;
    }
    scratch.clear();
    appendUtf8(scratch, word);
    decompose(scratch, out, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE));
    std::erase_if(out, [](char32_t cp) { return category(cp) == UTF8PROC_CATEGORY_MN; });
}

} // namespace issuebert::unicode
