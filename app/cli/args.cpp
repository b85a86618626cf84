// Command-line parsing for issuebert-cli.
#include "app/cli/args.h"

#include <charconv>

namespace issuebert::cli {

OptionTable operator+(OptionTable a, const OptionTable& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

std::set<std::string> optionNames(const OptionTable& table) {
    std::set<std::string> names;
    for (const Option& option : table) {
        names.insert(option.name);
    }
    return names;
}

Args::Args(const std::vector<std::string>& words, const OptionTable& options) : m_words(words) {
    std::set<std::string> valueOptions;
    std::set<std::string> flags;
    for (const Option& option : options) {
        (option.value != nullptr ? valueOptions : flags).insert(option.name);
    }
    bool onlyPositional = false;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& word = words[i];
        if (onlyPositional || word.size() < 2 || word.rfind("--", 0) != 0) {
            m_positional.push_back(word);
            continue;
        }
        if (word == "--") {
            onlyPositional = true;
            continue;
        }
        std::string name = word.substr(2);
        std::optional<std::string> inlineValue;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        if (flags.count(name) > 0) {
            if (inlineValue) {
                throw UsageError("option --" + name + " takes no value");
            }
            m_flags.insert(name);
        } else if (valueOptions.count(name) > 0) {
            if (inlineValue) {
                m_values.emplace(name, *inlineValue);
            } else if (i + 1 < words.size()) {
                m_values.emplace(name, words[++i]);
            } else {
                throw UsageError("option --" + name + " needs a value");
            }
        } else {
            throw UsageError("unknown option --" + name);
        }
    }
}

std::optional<std::string> Args::value(const std::string& name) const {
    const auto range = m_values.equal_range(name);
    if (range.first == range.second) {
        return std::nullopt;
    }
    return std::prev(range.second)->second; // the last one given wins
}

std::vector<std::string> Args::values(const std::string& name) const {
    std::vector<std::string> out;
    const auto range = m_values.equal_range(name);
    for (auto it = range.first; it != range.second; ++it) {
        out.push_back(it->second);
    }
    return out;
}

int Args::intValue(const std::string& name, int fallback, int min, int max) const {
    const auto text = value(name);
    if (!text) {
        return fallback;
    }
    int result = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), result);
    if (ec != std::errc() || end != text->data() + text->size()) {
        throw UsageError("--" + name + " expects a whole number, got \"" + *text + "\"");
    }
    if (result < min || result > max) {
        throw UsageError("--" + name + " must be between " + std::to_string(min) + " and " +
                         std::to_string(max) + ", got " + *text);
    }
    return result;
}

} // namespace issuebert::cli
