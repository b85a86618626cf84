// WordPiece lookups over flat hash tables.
#include "core/text/wordpiece.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace issuebert {

namespace {

// The prefix of a piece that continues a word.
constexpr std::string_view kContinuation = "##";

// A fast 64-bit hash for short keys: 8-byte blocks mixed by multiplication.
std::uint64_t hashKey(std::string_view key) {
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ (key.size() * 0xFF51AFD7ED558CCDull);
    std::size_t i = 0;
    for (; i + 8 <= key.size(); i += 8) {
        std::uint64_t block;
        std::memcpy(&block, key.data() + i, 8);
        h = (h ^ block) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
    }
    std::uint64_t tail = 0;
    if (i < key.size()) {
        std::memcpy(&tail, key.data() + i, key.size() - i);
    }
    h = (h ^ tail) * 0x94D049BB133111EBull;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 32);
}

bool isContinuationByte(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

} // namespace

void WordPiece::Table::build(
    const std::vector<std::pair<std::string_view, std::int32_t>>& entries) {
    const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(16, entries.size() * 2));
    m_slots.assign(capacity, Slot{});
    m_mask = capacity - 1;
    for (const auto& [key, id] : entries) {
        const std::uint64_t h = hashKey(key);
        std::size_t at = h & m_mask;
        for (;; at = (at + 1) & m_mask) {
            Slot& slot = m_slots[at];
            if (slot.id < 0) {
                slot = {h, static_cast<std::uint32_t>(m_pool.size()),
                        static_cast<std::uint32_t>(key.size()), id};
                m_pool.append(key);
                break;
            }
            if (slot.hash == h &&
                std::string_view(m_pool).substr(slot.offset, slot.length) == key) {
                slot.id = id; // a later duplicate line wins, as in HF's vocab dict
                break;
            }
        }
        m_maxKeyBytes = std::max(m_maxKeyBytes, key.size());
    }
}

std::int32_t WordPiece::Table::find(std::string_view key) const {
    const std::uint64_t h = hashKey(key);
    for (std::size_t at = h & m_mask;; at = (at + 1) & m_mask) {
        const Slot& slot = m_slots[at];
        if (slot.id < 0) {
            return -1;
        }
        if (slot.hash == h && slot.length == key.size() &&
            std::memcmp(m_pool.data() + slot.offset, key.data(), key.size()) == 0) {
            return slot.id;
        }
    }
}

WordPiece::WordPiece(const Vocab& vocab, int maxCharsPerWord)
    : m_unk(vocab.unkId()), m_maxChars(static_cast<std::size_t>(std::max(0, maxCharsPerWord))) {
    std::vector<std::pair<std::string_view, std::int32_t>> starts;
    std::vector<std::pair<std::string_view, std::int32_t>> continuations;
    starts.reserve(static_cast<std::size_t>(vocab.size()));
    for (std::int32_t id = 0; id < vocab.size(); ++id) {
        const std::string_view token = vocab.token(id);
        starts.emplace_back(token, id);
        if (token.starts_with(kContinuation)) {
            continuations.emplace_back(token.substr(kContinuation.size()), id);
        }
    }
    m_starts.build(starts);
    m_continuations.build(continuations);
}

void WordPiece::encode(std::string_view word, std::size_t chars,
                       std::vector<std::int32_t>& out) const {
    if (chars > m_maxChars) {
        out.push_back(m_unk);
        return;
    }
    const std::size_t mark = out.size();
    std::size_t start = 0;
    while (start < word.size()) {
        const Table& table = start == 0 ? m_starts : m_continuations;
        // No piece is longer than the longest key: start there, on a code point boundary.
        std::size_t end = std::min(word.size(), start + table.maxKeyBytes());
        while (end > start && end < word.size() && isContinuationByte(word[end])) {
            --end;
        }
        std::int32_t id = -1;
        while (end > start) {
            id = table.find(word.substr(start, end - start));
            if (id >= 0) {
                break;
            }
            do {
                --end;
            } while (end > start && isContinuationByte(word[end]));
        }
        if (id < 0) {
            out.resize(mark); // one piece missing: the whole word is [UNK]
            out.push_back(m_unk);
            return;
        }
        out.push_back(id);
        start = end;
    }
}

} // namespace issuebert
