// A WordPiece vocabulary (vocab.txt: one token a line, id = line number).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace issuebert {

class Vocab {
public:
    // Throws ModelError naming the file when it is missing, empty or lacks
    // one of [CLS] [SEP] [PAD] [UNK].
    static Vocab load(const std::string& path);
    static Vocab fromTokens(std::vector<std::string> tokens);

    std::optional<std::int32_t> find(std::string_view token) const;
    const std::string& token(std::int32_t id) const;
    std::int32_t size() const { return static_cast<std::int32_t>(m_tokens.size()); }

    std::int32_t clsId() const { return m_cls; }
    std::int32_t sepId() const { return m_sep; }
    std::int32_t padId() const { return m_pad; }
    std::int32_t unkId() const { return m_unk; }
    std::int32_t maskId() const { return m_mask; } // -1 when the vocabulary has none

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };
    std::vector<std::string> m_tokens;
    std::unordered_map<std::string, std::int32_t, Hash, std::equal_to<>> m_ids;
    std::int32_t m_cls = -1, m_sep = -1, m_pad = -1, m_unk = -1, m_mask = -1;
};

} // namespace issuebert
