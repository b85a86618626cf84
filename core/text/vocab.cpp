// Reads vocab.txt the way Hugging Face's load_vocab does: one token a line,
// id = line number, a later duplicate wins the token's id.
#include "core/text/vocab.h"

#include "core/io/errors.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace issuebert {

namespace {

// Largest vocab.txt read whole: BERT's hold 30,000 to 250,000 tokens in a few
// megabytes; a larger file is not a vocabulary.
constexpr std::uintmax_t kMaxVocabBytes = std::uintmax_t{64} << 20;

// Most lines read as tokens: the largest BERT vocabularies hold 250,000. A
// file of nothing but line breaks stays under the byte cap yet would make 64
// million tokens (gigabytes of strings and index) before any check.
constexpr std::size_t kMaxVocabTokens = 1'000'000;

// The special tokens every BERT vocabulary must have.
constexpr const char* kRequiredTokens[] = {"[CLS]", "[SEP]", "[PAD]", "[UNK]"};

// Python opens the file in text mode, so "\r\n", "\r" and "\n" all end a line.
std::vector<std::string> splitLines(const std::string& content) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i < content.size(); ++i) {
        if (content[i] == '\n' || content[i] == '\r') {
            lines.push_back(content.substr(start, i - start));
            if (content[i] == '\r' && i + 1 < content.size() && content[i + 1] == '\n') {
                ++i;
            }
            start = i + 1;
        }
    }
    if (start < content.size()) {
        lines.push_back(content.substr(start));
    }
    return lines;
}

} // namespace

Vocab Vocab::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ModelError(fileName(path) + ": cannot open the vocabulary file " + path);
    }
    std::error_code ec;
    if (std::filesystem::file_size(path, ec) > kMaxVocabBytes && !ec) {
        throw ModelError(fileName(path) + ": larger than " + std::to_string(kMaxVocabBytes >> 20) +
                         " MiB; not a WordPiece vocabulary");
    }
    const std::string content((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    if (in.bad()) {
        throw ModelError(fileName(path) + ": cannot read the vocabulary file " + path);
    }
    std::size_t breaks = 0;
    for (std::size_t i = 0; i < content.size(); ++i) {
        breaks += content[i] == '\n' ||
                  (content[i] == '\r' && (i + 1 == content.size() || content[i + 1] != '\n'));
    }
    if (breaks > kMaxVocabTokens) {
        throw ModelError(fileName(path) + ": " + std::to_string(breaks) +
                         " lines; a WordPiece vocabulary has at most " +
                         std::to_string(kMaxVocabTokens) + " tokens");
    }
    std::vector<std::string> lines = splitLines(content);
    if (lines.empty()) {
        throw ModelError(fileName(path) + ": the vocabulary file is empty");
    }
    try {
        return fromTokens(std::move(lines));
    } catch (const ModelError& e) {
        throw ModelError(fileName(path) + ": " + e.what());
    }
}

Vocab Vocab::fromTokens(std::vector<std::string> tokens) {
    Vocab vocab;
    vocab.m_tokens = std::move(tokens);
    vocab.m_ids.reserve(vocab.m_tokens.size());
    for (std::size_t i = 0; i < vocab.m_tokens.size(); ++i) {
        // insert_or_assign: as in Python's dict, the last line of a duplicate wins.
        vocab.m_ids.insert_or_assign(vocab.m_tokens[i], static_cast<std::int32_t>(i));
    }
    for (const char* name : kRequiredTokens) {
        if (!vocab.find(name)) {
            throw ModelError(std::string("the vocabulary has no ") + name + " token");
        }
    }
    vocab.m_cls = *vocab.find("[CLS]");
    vocab.m_sep = *vocab.find("[SEP]");
    vocab.m_pad = *vocab.find("[PAD]");
    vocab.m_unk = *vocab.find("[UNK]");
    vocab.m_mask = vocab.find("[MASK]").value_or(-1);
    return vocab;
}

std::optional<std::int32_t> Vocab::find(std::string_view token) const {
    const auto it = m_ids.find(token);
    if (it == m_ids.end()) {
        return std::nullopt;
    }
    return it->second;
}

const std::string& Vocab::token(std::int32_t id) const {
    if (id < 0 || id >= size()) {
        throw std::out_of_range("token id " + std::to_string(id) +
                                " is outside the vocabulary of " + std::to_string(size()));
    }
    return m_tokens[static_cast<std::size_t>(id)];
}

} // namespace issuebert
