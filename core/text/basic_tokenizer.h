// BertTokenizer's steps before WordPiece: special tokens found in the raw text,
// clean-up, CJK spacing, whitespace split, NFC, lower-casing, accent
// stripping and punctuation split, with an ASCII fast path.
#pragma once

#include "core/text/tokenizer.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace issuebert {

// Receives what BasicTokenizer produces, in order.
class PieceSink {
public:
    virtual ~PieceSink() = default;
    // A word for WordPiece: normalized UTF-8 holding `chars` code points.
    virtual void word(std::string_view text, std::size_t chars) = 0;
    // A special token written in the raw text ("[SEP]"), as its id.
    virtual void special(std::int32_t id) = 0;
};

// A special token: never split, matched in the raw text like HF's added tokens.
struct SpecialToken {
    std::string text;
    std::int32_t id = -1; // -1: kept whole as a word, but not matched in raw text
};

class BasicTokenizer {
public:
    BasicTokenizer(const TokenizerOptions& options, std::vector<SpecialToken> specials);

    // Thread-safe: scratch space is per thread.
    void split(std::string_view text, PieceSink& sink) const;

private:
    const SpecialToken* matchRaw(std::string_view text, std::size_t at) const;
    bool neverSplit(std::string_view word) const;
    void emitAscii(std::string& word, PieceSink& sink) const;
    void emitUnicode(std::string_view word, PieceSink& sink) const;

    TokenizerOptions m_options;
    std::vector<SpecialToken> m_specials;
    std::size_t m_longestSpecial = 0; // in bytes; the specials are ASCII
};

} // namespace issuebert
