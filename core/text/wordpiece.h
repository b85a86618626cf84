// WordPiece: greedy longest-match-first split of a word into vocabulary
// pieces ("##" marks a continuation), as HF's WordpieceTokenizer.
#pragma once

#include "core/text/vocab.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace issuebert {

class WordPiece {
public:
    WordPiece(const Vocab& vocab, int maxCharsPerWord);

    // Appends the ids of word (normalized UTF-8 of `chars` code points); a
    // word too long or not coverable by the vocabulary becomes one [UNK].
    void encode(std::string_view word, std::size_t chars, std::vector<std::int32_t>& out) const;

private:
    // Open addressing over a string pool: lookups hash a string_view once and
    // compare bytes, with no std::string built per candidate piece.
    class Table {
    public:
        void build(const std::vector<std::pair<std::string_view, std::int32_t>>& entries);
        std::int32_t find(std::string_view key) const; // -1 when absent
        std::size_t maxKeyBytes() const { return m_maxKeyBytes; }

    private:
        struct Slot {
            std::uint64_t hash = 0;
            std::uint32_t offset = 0;
            std::uint32_t length = 0;
            std::int32_t id = -1; // -1: empty
        };
        std::vector<Slot> m_slots;
        std::string m_pool;
        std::size_t m_mask = 0;
        std::size_t m_maxKeyBytes = 0;
    };

    Table m_starts;        // every token, for the first piece of a word
    Table m_continuations; // "##x" tokens stored as "x"
    std::int32_t m_unk;
    std::size_t m_maxChars;
};

} // namespace issuebert
