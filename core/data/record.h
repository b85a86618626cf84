// Internal to the loaders: one record's values as a format reader hands them
// over, the roles a field can play, and where a record sits in its file.
#pragma once

#include <array>
#include <cstddef>
#include <string>

namespace issuebert::data {

// Longest text one value, field name or fastText line may hold: far above any
// issue (GitHub caps a body at 65,536 characters). A longer one means a broken
// file (a quote never closed, a file that is not a dataset) and would otherwise
// be read whole into memory.
inline constexpr std::size_t kMaxFieldBytes = std::size_t{16} << 20;
// The same limit as messages say it.
inline constexpr const char* kMaxFieldText = "16 MiB";
// Most fields a record (a CSV row, the JSON records sampled) may have: each
// costs memory and detection time out of proportion to its bytes.
inline constexpr std::size_t kMaxFields = 10000;

// The kind of a value in the source; JSON has them all, CSV and fastText only String.
enum class ValueKind { Missing, Null, String, Number, Bool, Object, Array };

struct FieldValue {
    ValueKind kind = ValueKind::Missing;
    std::string text; // the string's text, a number's digits, "true"/"false"

    void reset() {
        kind = ValueKind::Missing;
        text.clear();
    }
};

// What a source field is used for. The text field, when there is no body, plays Body.
enum Role { kRoleId, kRoleTitle, kRoleBody, kRoleLabel };
// Number of roles.
inline constexpr std::size_t kRoleCount = 4;

using RoleNames = std::array<std::string, kRoleCount>;
// "id", "title", "body" (or "text" when the body comes from a text field), "label"
// for messages.
const char* roleWord(std::size_t role, bool bodyIsText = false);

struct RawRecord {
    std::array<FieldValue, kRoleCount> values;

    void reset() {
        for (auto& value : values) {
            value.reset();
        }
    }
};

// A record's place in its file: "record 12" for JSON arrays, "line 88" otherwise.
struct Where {
    bool byLine = true;
    long long number = 0;
};

// "train.json: record 12: what" or "issues.csv: line 88: what".
std::string messageAt(const std::string& path, const Where& where, const std::string& what);

// "an object", "a number", ... for messages.
const char* kindName(ValueKind kind);

// Lower-case ASCII copy; field names are matched without regard to case.
std::string lowerAscii(const std::string& text);
bool equalsIgnoringCase(const std::string& a, const std::string& b);

// Trims ASCII white space (space, tab, CR, LF, FF, VT) from both ends.
std::string trimAscii(const std::string& text);

} // namespace issuebert::data
