// BertTokenizer's basic tokenization, byte-table driven for ASCII and exact
// Python semantics (core/text/unicode.h) for everything else.
#include "core/text/basic_tokenizer.h"

#include "core/text/unicode.h"

#include <algorithm>
#include <array>

namespace issuebert {

namespace {

// What an ASCII byte does during clean-up and splitting.
enum class Ascii : std::uint8_t { Word, Punct, Space, Drop, Bracket };

constexpr std::array<Ascii, 128> makeAsciiTable() {
    std::array<Ascii, 128> table{};
    for (int c = 0; c < 128; ++c) {
        Ascii kind = Ascii::Word;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            kind = Ascii::Space;
        } else if (c < 32 || c == 127) {
            kind = Ascii::Drop; // NUL and the other C0 controls, DEL: HF drops them
        } else if (c == '[') {
            kind = Ascii::Bracket; // may open a special token; else punctuation
        } else if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
                   (c >= 123 && c <= 126)) {
            kind = Ascii::Punct;
        }
        table[static_cast<std::size_t>(c)] = kind;
    }
    return table;
}

// Byte classes for the ASCII fast path.
constexpr std::array<Ascii, 128> kAscii = makeAsciiTable();

bool isAsciiPunct(char c) {
    const Ascii kind = kAscii[static_cast<unsigned char>(c)];
    return kind == Ascii::Punct || kind == Ascii::Bracket;
}

// Reused buffers, one set per thread, so tokenizing allocates only while they grow.
struct Scratch {
    std::string word;
    std::string piece;
    std::string utf8;
    std::u32string a;
    std::u32string b;
};

Scratch& scratch() {
    thread_local Scratch s;
    return s;
}

} // namespace

BasicTokenizer::BasicTokenizer(const TokenizerOptions& options, std::vector<SpecialToken> specials)
    : m_options(options), m_specials(std::move(specials)) {
    for (const SpecialToken& special : m_specials) {
        m_longestSpecial = std::max(m_longestSpecial, special.text.size());
    }
}

const SpecialToken* BasicTokenizer::matchRaw(std::string_view text, std::size_t at) const {
    const std::string_view rest = text.substr(at);
    for (const SpecialToken& special : m_specials) {
        if (special.id >= 0 && rest.starts_with(special.text)) {
            return &special;
        }
    }
    return nullptr;
}

bool BasicTokenizer::neverSplit(std::string_view word) const {
    return std::any_of(m_specials.begin(), m_specials.end(),
                       [&](const SpecialToken& s) { return s.text == word; });
}

void BasicTokenizer::split(std::string_view text, PieceSink& sink) const {
    Scratch& s = scratch();
    std::string& word = s.word;
    word.clear();
    bool ascii = true;
    const auto flush = [&] {
        if (!word.empty()) {
            if (ascii) {
                emitAscii(word, sink);
            } else {
                emitUnicode(word, sink);
            }
            word.clear();
            ascii = true;
        }
    };
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x80) {
            switch (kAscii[byte]) {
            case Ascii::Word:
            case Ascii::Punct:
                word.push_back(static_cast<char>(byte));
                break;
            case Ascii::Space:
                flush();
                break;
            case Ascii::Drop:
                break;
            case Ascii::Bracket:
                // HF splits the raw text on special tokens before anything else.
                if (const SpecialToken* special = matchRaw(text, i)) {
                    flush();
                    sink.special(special->id);
                    i += special->text.size();
                    continue;
                }
                word.push_back('[');
                break;
            }
            ++i;
            continue;
        }
        const std::size_t start = i;
        const char32_t cp = unicode::decodeNext(text, i);
        switch (unicode::kindOf(cp)) {
        case unicode::CharKind::Drop:
            break;
        case unicode::CharKind::Space:
            flush();
            break;
        case unicode::CharKind::Chinese:
            if (m_options.tokenizeChineseChars) {
                flush();
                emitUnicode(text.substr(start, i - start), sink);
                break;
            }
            [[fallthrough]];
        case unicode::CharKind::Char:
            word.append(text.substr(start, i - start));
            ascii = false;
            break;
        }
    }
    flush();
}

void BasicTokenizer::emitAscii(std::string& word, PieceSink& sink) const {
    if (word.front() == '[' && neverSplit(word)) {
        sink.word(word, word.size());
        return;
    }
    if (m_options.lowerCase) {
        for (char& c : word) {
            c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
        }
    }
    const std::string_view view = word;
    std::size_t p = 0;
    while (p < view.size()) {
        if (isAsciiPunct(view[p])) {
            sink.word(view.substr(p, 1), 1);
            ++p;
            continue;
        }
        std::size_t q = p + 1;
        while (q < view.size() && !isAsciiPunct(view[q])) {
            ++q;
        }
        sink.word(view.substr(p, q - p), q - p);
        p = q;
    }
}

void BasicTokenizer::emitUnicode(std::string_view word, PieceSink& sink) const {
    Scratch& s = scratch();
    std::u32string& cps = s.a;
    std::u32string& tmp = s.b;
    cps.clear();
    bool nfc = false;
    for (std::size_t i = 0; i < word.size();) {
        const char32_t cp = unicode::decodeNext(word, i);
        nfc = nfc || unicode::mayChangeUnderNfc(cp);
        cps.push_back(cp);
    }
    if (nfc) {
        unicode::toNfc(word, cps); // BasicTokenizer normalizes to NFC before splitting
    }
    if (cps.empty()) {
        return; // toNfc gives nothing only for input it cannot read; never index into it
    }
    if (cps.front() == U'[' && cps.size() <= m_longestSpecial) {
        s.utf8.clear();
        unicode::appendUtf8(s.utf8, cps);
        if (neverSplit(s.utf8)) {
            sink.word(s.utf8, cps.size());
            return;
        }
    }
    if (m_options.lowerCase) {
        unicode::pythonLower(cps, tmp);
        cps.swap(tmp);
    }
    if (m_options.stripAccents) {
        unicode::stripAccents(cps, tmp, s.utf8);
        cps.swap(tmp);
    }
    std::string& piece = s.piece;
    std::size_t p = 0;
    while (p < cps.size()) {
        std::size_t q = p + 1;
        if (!unicode::isPunctuation(cps[p])) {
            while (q < cps.size() && !unicode::isPunctuation(cps[q])) {
                ++q;
            }
        }
        piece.clear();
        unicode::appendUtf8(piece, std::u32string_view(cps).substr(p, q - p));
        sink.word(piece, q - p);
        p = q;
    }
}

} // namespace issuebert
