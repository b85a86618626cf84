// Help text from option tables (see usage.h).
#include "app/cli/usage.h"

#include <sstream>

namespace issuebert::cli {

namespace {

// Paragraphs are wrapped to fit an 80-column terminal.
constexpr std::size_t kParagraphWidth = 79;

std::string dashed(const Option& option) {
    return std::string("--") + option.name;
}

// "--a, --b, --c": every name of options.
std::string nameList(const OptionTable& options) {
    std::string out;
    for (const Option& option : options) {
        out += (out.empty() ? "" : ", ") + dashed(option);
    }
    return out;
}

// "  LABEL   help": the help from column on, its further lines below it at
// column; the whole help below the label when the label leaves no room.
std::string optionLine(const std::string& label, const std::string& help, std::size_t column) {
    std::string out = "  " + label;
    if (help.empty()) {
        return out + '\n';
    }
    const std::string indent(column, ' ');
    out += out.size() < column ? std::string(column - out.size(), ' ') : '\n' + indent;
    for (const char c : help) {
        out += c;
        if (c == '\n') {
            out += indent;
        }
    }
    return out + '\n';
}

// A line per option; options whose help is kSeeNext join the next one's line.
std::string optionLines(const OptionTable& options, std::size_t column) {
    std::string out;
    std::string joined;
    for (const Option& option : options) {
        joined += dashed(option);
        if (option.help == kSeeNext) {
            joined += ", ";
            continue;
        }
        if (option.value != nullptr) {
            joined += std::string(" ") + option.value;
        }
        out += optionLine(joined, option.help, column);
        joined.clear();
    }
    return out;
}

// The words of text in lines of at most width characters.
std::string wrapped(const std::string& text, std::size_t width) {
    std::istringstream words(text);
    std::string out;
    std::string line;
    for (std::string word; words >> word;) {
        if (!line.empty() && line.size() + 1 + word.size() > width) {
            out += line + '\n';
            line.clear();
        }
        line += (line.empty() ? "" : " ") + word;
    }
    return out + line + '\n';
}

std::string sectionText(const HelpSection& section, std::size_t column) {
    const std::string title = section.title != nullptr ? section.title : "";
    const std::string note = section.note != nullptr ? section.note : "";
    switch (section.layout) {
    case Layout::Lines:
        return (title.empty() ? "" : title + '\n') + optionLines(section.options, column);
    case Layout::Listed:
        return (title.empty() ? "" : title + '\n') +
               optionLine(nameList(section.options), note, column);
    case Layout::Sentence:
        return wrapped(title + nameList(section.options) + note, kParagraphWidth);
    case Layout::Unlisted:
        return "";
    }
    return "";
}

} // namespace

std::string helpText(const Usage& usage) {
    std::string sections;
    for (const HelpSection& section : usage.sections) {
        const std::string text = sectionText(section, usage.column);
        if (!text.empty()) {
            sections += (sections.empty() ? "" : "\n") + text;
        }
    }
    return usage.head + sections + usage.tail;
}

OptionTable optionsOf(const Usage& usage) {
    OptionTable options;
    for (const HelpSection& section : usage.sections) {
        options = options + section.options;
    }
    return options;
}

} // namespace issuebert::cli
