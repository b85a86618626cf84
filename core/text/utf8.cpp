// UTF-8 validation with U+FFFD substitution of maximal subparts.
#include "core/text/utf8.h"

#include <cstdint>

namespace issuebert {

namespace {

// U+FFFD REPLACEMENT CHARACTER.
constexpr const char* kReplacement = "\xEF\xBF\xBD";

// Length of the well-formed sequence starting at s[i], or the length of the
// maximal ill-formed subpart (≥ 1) negated.
int sequenceLength(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
    const std::uint8_t b0 = byte(i);
    int need = 0;
    std::uint8_t lo = 0x80;
    std::uint8_t hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        lo = b0 == 0xE0 ? 0xA0 : 0x80;
        hi = b0 == 0xED ? 0x9F : 0xBF;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        lo = b0 == 0xF0 ? 0x90 : 0x80;
        hi = b0 == 0xF4 ? 0x8F : 0xBF;
    } else {
        return -1;
    }
    for (int k = 1; k <= need; ++k) {
        const std::size_t at = i + static_cast<std::size_t>(k);
        if (at >= s.size()) {
            return -k;
        }
        const std::uint8_t b = byte(at);
        const std::uint8_t l = k == 1 ? lo : 0x80;
        const std::uint8_t h = k == 1 ? hi : 0xBF;
        if (b < l || b > h) {
            return -k;
        }
    }
    return need + 1;
}

} // namespace

void sanitizeUtf8(std::string& text, Utf8Repair& repair) {
    // Fast path: find the first byte that needs attention.
    std::size_t i = 0;
    while (i < text.size()) {
        const auto b = static_cast<std::uint8_t>(text[i]);
        if (b == 0 || b >= 0x80) {
            const int len = b == 0 ? 0 : sequenceLength(text, i);
            if (len <= 0) {
                break;
            }
            i += static_cast<std::size_t>(len);
        } else {
            ++i;
        }
    }
    if (i == text.size()) {
        return;
    }
    std::string out;
    out.reserve(text.size() + 8);
    out.append(text, 0, i);
    while (i < text.size()) {
        const auto b = static_cast<std::uint8_t>(text[i]);
        if (b == 0) {
            ++repair.nul;
            ++i;
        } else if (b < 0x80) {
            out.push_back(static_cast<char>(b));
            ++i;
        } else {
            const int len = sequenceLength(text, i);
            if (len > 0) {
                out.append(text, i, static_cast<std::size_t>(len));
                i += static_cast<std::size_t>(len);
            } else {
                ++repair.invalid;
                out.append(kReplacement);
                i += static_cast<std::size_t>(-len);
            }
        }
    }
    text.swap(out);
}

std::size_t codepointCount(std::string_view text) {
    std::size_t n = 0;
    for (const char c : text) {
        n += (static_cast<std::uint8_t>(c) & 0xC0) != 0x80 ? 1 : 0;
    }
    return n;
}

void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

} // namespace issuebert
