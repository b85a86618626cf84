// BERT's tokenizer with exactly Hugging Face BertTokenizer's behaviour:
// clean-up, CJK spacing, optional lower-casing and accent stripping,
// punctuation splitting, special tokens kept whole, WordPiece.
#pragma once

#include "core/text/vocab.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace issuebert {

struct TokenizerOptions {
    bool lowerCase = true;            // do_lower_case
    bool stripAccents = true;         // strip_accents (None in HF follows do_lower_case)
    bool tokenizeChineseChars = true; // tokenize_chinese_chars
    int maxCharsPerWord = 100;        // longer words become [UNK]
};

class Tokenizer {
public:
    Tokenizer(Vocab vocab, TokenizerOptions options);
    ~Tokenizer();
    Tokenizer(Tokenizer&&) noexcept;
    Tokenizer& operator=(Tokenizer&&) noexcept;

    // Reads vocab.txt and tokenizer_config.json (do_lower_case, strip_accents,
    // tokenize_chinese_chars) from a Hugging Face model folder. Throws ModelError.
    static Tokenizer fromModelDir(const std::string& dir);

    // Token ids without [CLS]/[SEP]. Thread-safe (const).
    std::vector<std::int32_t> encodeIds(std::string_view text) const;
    // Appends ids to out (no allocation per call when out has capacity).
    void encodeIds(std::string_view text, std::vector<std::int32_t>& out) const;
    // Token strings ("##" pieces included), for display and the CLI.
    std::vector<std::string> tokenize(std::string_view text) const;

    const Vocab& vocab() const;
    const TokenizerOptions& options() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace issuebert
