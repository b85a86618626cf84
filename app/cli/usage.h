// A command's help made from its option tables: the usage lines and the
// description, then sections listing options, then closing notes. The options
// the sections hold are the options the command parses (optionsOf), so its
// help and its parsing come from one table and cannot drift apart.
#pragma once

#include "app/cli/args.h"

#include <cstddef>
#include <string>
#include <vector>

namespace issuebert::cli {

// Where an option's help starts in most commands' help.
inline constexpr std::size_t kHelpColumn = 29;

// The --help every command lists (main answers it before any parsing).
inline constexpr Option kHelpOption = {"help", nullptr, "show this help"};

// How a section shows its options.
enum class Layout {
    Lines,    // a line each: "  --name VALUE   help", further help lines below
    Listed,   // one line of all the names, with the note as their help
    Sentence, // a paragraph: the title, the names, the note
    Unlisted, // accepted, shown by no line: the help's own text must name them
};

// Options under a title. Sentence puts the names between title and note.
struct HelpSection {
    const char* title; // its own line ("Options:"); nullptr for none
    OptionTable options;
    Layout layout = Layout::Lines;
    const char* note = nullptr; // Listed: the names' help
};

struct Usage {
    const char* head;                  // the usage lines and description, up to the sections
    std::vector<HelpSection> sections; // a blank line between two
    const char* tail;                  // what follows the sections: notes, exit codes
    std::size_t column;                // where the options' help starts
};

// The text `issuebert-cli COMMAND --help` prints.
std::string helpText(const Usage& usage);

// Every option of the sections: what the command accepts.
OptionTable optionsOf(const Usage& usage);

} // namespace issuebert::cli
