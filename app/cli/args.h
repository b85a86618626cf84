// A small command-line parser: positional words, --name VALUE options and --flags.
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

class Args {
public:
    // valueOptions take the next word (or --name=value); flags take none.
    Args(const std::vector<std::string>& words, const std::set<std::string>& valueOptions,
         const std::set<std::string>& flags);

    const std::vector<std::string>& positional() const { return m_positional; }
    bool flag(const std::string& name) const { return m_flags.count(name) > 0; }
    std::optional<std::string> value(const std::string& name) const;
    // All values of an option given more than once (--map a=b --map c=d).
    std::vector<std::string> values(const std::string& name) const;
    // An integer option within [min, max], else UsageError naming the option.
    int intValue(const std::string& name, int fallback, int min, int max) const;

private:
    std::vector<std::string> m_positional;
    std::multimap<std::string, std::string> m_values;
    std::set<std::string> m_flags;
};

} // namespace issuebert::cli
