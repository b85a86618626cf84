// Model inputs: [CLS] tokens [SEP] (or a pair), truncation, padding, masks.
#include "core/text/encoder.h"

#include "core/io/errors.h"

#include <string>

namespace issuebert {

namespace {

// Reused id buffers, one pair per thread.
std::vector<std::int32_t>& firstBuffer() {
    thread_local std::vector<std::int32_t> ids;
    return ids;
}
std::vector<std::int32_t>& secondBuffer() {
    thread_local std::vector<std::int32_t> ids;
    return ids;
}

void append(Encoding& out, const std::int32_t* begin, const std::int32_t* end, std::int32_t type) {
    out.inputIds.insert(out.inputIds.end(), begin, end);
    out.tokenTypeIds.insert(out.tokenTypeIds.end(), static_cast<std::size_t>(end - begin), type);
}

void appendOne(Encoding& out, std::int32_t id, std::int32_t type) {
    out.inputIds.push_back(id);
    out.tokenTypeIds.push_back(type);
}

// Marks every token so far as real and pads to maxLength when asked.
void finish(Encoding& out, const Vocab& vocab, const EncoderOptions& options) {
    out.attentionMask.assign(out.inputIds.size(), 1);
    if (options.padToMaxLength) {
        const auto maxLength = static_cast<std::size_t>(options.maxLength);
        out.inputIds.resize(maxLength, vocab.padId());
        out.attentionMask.resize(maxLength, 0);
        out.tokenTypeIds.resize(maxLength, 0);
    }
}

} // namespace

Encoder::Encoder(const Tokenizer& tokenizer, EncoderOptions options)
    : m_tokenizer(&tokenizer), m_options(options) {
    if (options.maxLength < kMinMaxLength || options.maxLength > kMaxMaxLength) {
        // A DataError: the length comes from a user's settings or a run's config.json.
        throw DataError("max length must be between " + std::to_string(kMinMaxLength) + " and " +
                        std::to_string(kMaxMaxLength) + ", got " +
                        std::to_string(options.maxLength));
    }
}

Encoding Encoder::encode(std::string_view text) const {
    std::vector<std::int32_t>& ids = firstBuffer();
    ids.clear();
    m_tokenizer->encodeIds(text, ids);
    const Vocab& vocab = m_tokenizer->vocab();
    const auto maxLength = static_cast<std::size_t>(m_options.maxLength);
    const std::size_t budget = maxLength - 2;

    Encoding out;
    out.tokenCount = static_cast<int>(ids.size());
    out.truncated = ids.size() > budget;
    out.inputIds.reserve(maxLength);
    out.tokenTypeIds.reserve(maxLength);
    appendOne(out, vocab.clsId(), 0);
    if (!out.truncated) {
        append(out, ids.data(), ids.data() + ids.size(), 0);
    } else if (m_options.truncation == Truncation::Head) {
        append(out, ids.data(), ids.data() + budget, 0);
    } else {
        // Head+tail: 128 from the start and the rest from the end; when the
        // budget cannot hold 128 on each side, it is split in half (the tail
        // takes the odd token).
        const std::size_t head = budget >= 2 * static_cast<std::size_t>(kHeadTailHead)
                                     ? static_cast<std::size_t>(kHeadTailHead)
                                     : budget / 2;
        const std::size_t tail = budget - head;
        append(out, ids.data(), ids.data() + head, 0);
        append(out, ids.data() + ids.size() - tail, ids.data() + ids.size(), 0);
    }
    appendOne(out, vocab.sepId(), 0);
    finish(out, vocab, m_options);
    return out;
}

Encoding Encoder::encodePair(std::string_view first, std::string_view second) const {
    std::vector<std::int32_t>& a = firstBuffer();
    std::vector<std::int32_t>& b = secondBuffer();
    a.clear();
    b.clear();
    m_tokenizer->encodeIds(first, a);
    m_tokenizer->encodeIds(second, b);
    const Vocab& vocab = m_tokenizer->vocab();
    const auto maxLength = static_cast<std::size_t>(m_options.maxLength);
    const std::size_t budget = maxLength - 3;

    Encoding out;
    out.tokenCount = static_cast<int>(a.size() + b.size());
    out.truncated = a.size() + b.size() > budget;
    std::size_t keepA = a.size();
    std::size_t keepB = b.size();
    if (out.truncated) {
        // HF's "longest_first": one token at a time from the longer sequence,
        // from the second one on a tie (its closed form in truncate_sequences).
        const std::size_t remove = a.size() + b.size() - budget;
        const std::size_t gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
        const std::size_t fromLonger = std::min(gap, remove);
        const std::size_t shared = remove - fromLonger;
        if (a.size() > b.size()) {
            keepA -= fromLonger + shared / 2;
            keepB -= shared - shared / 2;
        } else {
            keepA -= shared / 2;
            keepB -= fromLonger + shared - shared / 2;
        }
    }
    out.inputIds.reserve(maxLength);
    out.tokenTypeIds.reserve(maxLength);
    appendOne(out, vocab.clsId(), 0);
    append(out, a.data(), a.data() + keepA, 0);
    appendOne(out, vocab.sepId(), 0);
    append(out, b.data(), b.data() + keepB, 1);
    appendOne(out, vocab.sepId(), 1);
    finish(out, vocab, m_options);
    return out;
}

} // namespace issuebert
