// Model inputs from issue text, like the tutorial's bert_encode: [CLS] tokens
// [SEP], padding, attention mask and token type ids, with truncation.
#pragma once

#include "core/text/issue_cleanup.h"
#include "core/text/tokenizer.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace issuebert {

enum class Truncation {
    Head,     // keep the first maxLength - 2 tokens (the tutorial's)
    HeadTail, // keep the first 128 and the last maxLength - 130 tokens; below
              // maxLength 258 half the budget from each end (the tail takes the odd one)
};

// Tokens kept from the start under HeadTail truncation.
inline constexpr int kHeadTailHead = 128;
// Smallest and largest max length the encoder accepts.
inline constexpr int kMinMaxLength = 8;
inline constexpr int kMaxMaxLength = 512;

struct EncoderOptions {
    int maxLength = 150; // the tutorial's; tokens including [CLS] and [SEP]
    Truncation truncation = Truncation::Head;
    bool pairTitleBody = false; // title as segment A, body as segment B
    bool padToMaxLength = true; // false: no padding (batchers pad per batch)
    TextCleanup cleanup;        // applied to an issue's text before tokenizing (issue_encoding.h)
};

struct Encoding {
    std::vector<std::int32_t> inputIds;
    std::vector<std::int32_t> attentionMask;
    std::vector<std::int32_t> tokenTypeIds;
    int tokenCount = 0; // WordPiece tokens before truncation, without specials
    bool truncated = false;
};

class Encoder {
public:
    // Throws DataError when maxLength is outside [kMinMaxLength, kMaxMaxLength].
    Encoder(const Tokenizer& tokenizer, EncoderOptions options);

    Encoding encode(std::string_view text) const;
    // [CLS] A [SEP] B [SEP], token types 0 then 1; truncated as HF's
    // "longest_first" (from the end of the longer one), whatever `truncation` says.
    Encoding encodePair(std::string_view first, std::string_view second) const;

    const EncoderOptions& options() const { return m_options; }

private:
    const Tokenizer* m_tokenizer;
    EncoderOptions m_options;
};

} // namespace issuebert
