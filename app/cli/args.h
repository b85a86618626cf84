// A small command-line parser: positional words, --name VALUE options and
// --flags, the options a command accepts given by its option table.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace issuebert::cli {

// Wrong usage: the CLI prints the message and the command's usage, exit 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// An option's help that shares the next option's line: "--id, --title FIELD".
inline constexpr const char* kSeeNext = nullptr;

// One option a command accepts: its name without "--", the word its value is
// shown as (nullptr for a flag), and its help, one or more lines ("" none).
// A command's help lists its options from the same table its Args parse by
// (usage.h), so the two cannot drift apart.
struct Option {
    const char* name;
    const char* value;
    const char* help;
};

using OptionTable = std::vector<Option>;

// The options of a, then those of b: a command's own with shared groups.
OptionTable operator+(OptionTable a, const OptionTable& b);

// The names in table, without "--".
std::set<std::string> optionNames(const OptionTable& table);

class Args {
public:
    // The options with a value take the next word (or --name=value); flags take none.
    Args(const std::vector<std::string>& words, const OptionTable& options);

    // The words parsed, as given (train keeps some for --resume).
    const std::vector<std::string>& words() const { return m_words; }
    const std::vector<std::string>& positional() const { return m_positional; }
    bool flag(const std::string& name) const { return m_flags.count(name) > 0; }
    std::optional<std::string> value(const std::string& name) const;
    // All values of an option given more than once (--map a=b --map c=d).
    std::vector<std::string> values(const std::string& name) const;
    // An integer option within [min, max], else UsageError naming the option.
    int intValue(const std::string& name, int fallback, int min, int max) const;

private:
    std::vector<std::string> m_words;
    std::vector<std::string> m_positional;
    std::multimap<std::string, std::string> m_values;
    std::set<std::string> m_flags;
};

} // namespace issuebert::cli
