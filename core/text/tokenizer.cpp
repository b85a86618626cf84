// Tokenizer: BasicTokenizer + WordPiece over one vocabulary, and the model
// folder's tokenizer_config.json.
#include "core/text/tokenizer.h"

#include "core/io/errors.h"
#include "core/io/json_depth.h"
#include "core/text/basic_tokenizer.h"
#include "core/text/wordpiece.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

namespace issuebert {

namespace {

// HF's all_special_tokens for BERT, in the order its added-token trie tries them.
constexpr const char* kSpecialNames[] = {"[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"};

std::vector<SpecialToken> specialTokens(const Vocab& vocab) {
    std::vector<SpecialToken> specials;
    for (const char* name : kSpecialNames) {
        specials.push_back({name, vocab.find(name).value_or(-1)});
    }
    return specials;
}

// Largest tokenizer_config.json read: real ones hold a few kilobytes, and the
// parsed document takes many times the file's size in memory.
constexpr std::uintmax_t kMaxConfigBytes = std::uintmax_t{16} << 20;

// Collects ids.
class IdSink final : public PieceSink {
public:
    IdSink(const WordPiece& wordpiece, std::vector<std::int32_t>& out)
        : m_wordpiece(wordpiece), m_out(out) {}
    void word(std::string_view text, std::size_t chars) override {
        m_wordpiece.encode(text, chars, m_out);
    }
    void special(std::int32_t id) override { m_out.push_back(id); }

private:
    const WordPiece& m_wordpiece;
    std::vector<std::int32_t>& m_out;
};

// A boolean field of tokenizer_config.json; null or absent gives fallback.
std::optional<bool> readBool(const nlohmann::json& config, const char* field,
                             const std::string& path) {
    const auto it = config.find(field);
    if (it == config.end() || it->is_null()) {
        return std::nullopt;
    }
    if (!it->is_boolean()) {
        // The type, not the value: dumping a deeply nested value would recurse.
        throw ModelError(fileName(path) + ": field \"" + field +
                         "\" must be true, false or null, got " + it->type_name());
    }
    return it->get<bool>();
}

TokenizerOptions readConfig(const std::string& path) {
    TokenizerOptions options;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        // HF falls back to BertTokenizer's defaults: do_lower_case=True.
        return options;
    }
    std::error_code ec;
    if (std::filesystem::file_size(path, ec) > kMaxConfigBytes && !ec) {
        throw ModelError(fileName(path) + ": larger than " + std::to_string(kMaxConfigBytes >> 20) +
                         " MiB; not a tokenizer configuration");
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (jsonTooDeep(text.str())) {
        throw ModelError(fileName(path) + ": " + jsonDepthMessage() +
                         "; not a tokenizer configuration");
    }
    nlohmann::json config;
    try {
        config = nlohmann::json::parse(text.str());
    } catch (const nlohmann::json::exception& e) {
        throw ModelError(fileName(path) + ": not valid JSON: " + e.what());
    }
    if (!config.is_object()) {
        throw ModelError(fileName(path) + ": expected a JSON object");
    }
    options.lowerCase = readBool(config, "do_lower_case", path).value_or(true);
    // strip_accents null (the usual value) follows do_lower_case.
    options.stripAccents = readBool(config, "strip_accents", path).value_or(options.lowerCase);
    options.tokenizeChineseChars = readBool(config, "tokenize_chinese_chars", path).value_or(true);
    if (readBool(config, "do_basic_tokenize", path) == false) {
        throw ModelError(fileName(path) + ": do_basic_tokenize false is not supported");
    }
    return options;
}

} // namespace

struct Tokenizer::Impl {
    Impl(Vocab v, TokenizerOptions o)
        : vocab(std::move(v)), options(o), basic(options, specialTokens(vocab)),
          wordpiece(vocab, options.maxCharsPerWord) {}

    Vocab vocab;
    TokenizerOptions options;
    BasicTokenizer basic;
    WordPiece wordpiece;
};

Tokenizer::Tokenizer(Vocab vocab, TokenizerOptions options)
    : m_impl(std::make_unique<Impl>(std::move(vocab), options)) {}
Tokenizer::~Tokenizer() = default;
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;

Tokenizer Tokenizer::fromModelDir(const std::string& dir) {
    const std::filesystem::path folder(dir);
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec)) {
        throw ModelError(dir + ": not a model folder (it does not exist or is not a directory)");
    }
    const std::string vocabPath = (folder / "vocab.txt").string();
    if (!std::filesystem::exists(vocabPath, ec)) {
        throw ModelError(dir + ": the model folder has no vocab.txt");
    }
    Vocab vocab = Vocab::load(vocabPath);
    const TokenizerOptions options = readConfig((folder / "tokenizer_config.json").string());
    return Tokenizer(std::move(vocab), options);
}

std::vector<std::int32_t> Tokenizer::encodeIds(std::string_view text) const {
    std::vector<std::int32_t> out;
    out.reserve(text.size() / 4 + 4);
    encodeIds(text, out);
    return out;
}

void Tokenizer::encodeIds(std::string_view text, std::vector<std::int32_t>& out) const {
    IdSink sink(m_impl->wordpiece, out);
    m_impl->basic.split(text, sink);
}

std::vector<std::string> Tokenizer::tokenize(std::string_view text) const {
    const std::vector<std::int32_t> ids = encodeIds(text);
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (const std::int32_t id : ids) {
        tokens.push_back(m_impl->vocab.token(id));
    }
    return tokens;
}

const Vocab& Tokenizer::vocab() const {
    return m_impl->vocab;
}
const TokenizerOptions& Tokenizer::options() const {
    return m_impl->options;
}

} // namespace issuebert
