// Text on arbitrary bytes: UTF-8 repair, the issue clean-up, the tokenizer and
// the encoder with the default model's vocabulary. Repaired text is valid
// UTF-8 and repairs to itself; clean-up keeps valid UTF-8 valid; every id lies
// inside the vocabulary; no encoding is longer than its max length.
#include "core/data/issue_encoding.h"
#include "core/io/errors.h"
#include "core/text/encoder.h"
#include "core/text/utf8.h"

#include "support.h"

using namespace issuebert;

namespace {

const Tokenizer& tokenizer() {
    static const Tokenizer instance =
        Tokenizer::fromModelDir(ISSUEBERT_FUZZ_SOURCE_DIR "/tests/fixtures/minilm");
    return instance;
}

void checkEncoding(const Encoding& encoding, const EncoderOptions& options, std::int32_t vocab) {
    const auto length = static_cast<int>(encoding.inputIds.size());
    fuzz::check(length <= options.maxLength, "an encoding longer than its max length");
    fuzz::check(!options.padToMaxLength || length == options.maxLength,
                "a padded encoding shorter than its max length");
    fuzz::check(encoding.attentionMask.size() == encoding.inputIds.size() &&
                    encoding.tokenTypeIds.size() == encoding.inputIds.size(),
                "mask or token types of another length than the ids");
    for (const std::int32_t id : encoding.inputIds) {
        fuzz::check(id >= 0 && id < vocab, "a token id outside the vocabulary");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) {
        return 0;
    }
    // Settings from the first three bytes, the text from the rest.
    EncoderOptions options;
    options.maxLength = kMinMaxLength + data[0] % (kMaxMaxLength - kMinMaxLength + 1);
    options.truncation = (data[1] & 1) ? Truncation::HeadTail : Truncation::Head;
    options.pairTitleBody = (data[1] & 2) != 0;
    options.padToMaxLength = (data[1] & 4) != 0;
    options.cleanup.steps = data[2] & kCleanAll;
    std::string text(reinterpret_cast<const char*>(data) + 3, size - 3);

    Utf8Repair repair;
    sanitizeUtf8(text, repair);
    fuzz::check(fuzz::validUtf8(text), "repaired text is not valid UTF-8");
    std::string again = text;
    Utf8Repair second;
    sanitizeUtf8(again, second);
    fuzz::check(again == text, "repairing repaired text changed it");

    fuzz::check(fuzz::validUtf8(cleanIssueText(text, options.cleanup)),
                "clean-up made valid UTF-8 invalid");

    const Tokenizer& tok = tokenizer();
    const std::int32_t vocab = tok.vocab().size();
    for (const std::int32_t id : tok.encodeIds(text)) {
        fuzz::check(id >= 0 && id < vocab, "a token id outside the vocabulary");
    }
    const Encoder encoder(tok, options);
    checkEncoding(encoder.encode(std::string_view(text)), options, vocab);
    Issue issue;
    const std::size_t half = text.size() / 2;
    // Split on a character boundary, so both halves stay valid UTF-8.
    std::size_t cut = half;
    while (cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
        ++cut;
    }
    issue.title = text.substr(0, cut);
    issue.body = text.substr(cut);
    checkEncoding(encodeIssue(encoder, issue), options, vocab);
    return 0;
}
