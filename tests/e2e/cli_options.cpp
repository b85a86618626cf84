// Each command's help against the options it accepts. The help's option lines
// come from the table the command is parsed by (app/cli/usage.h); these
// checks fail when text written by hand drifts from it: an option accepted
// but named nowhere in the help (a table whose section shows no line, a help
// that is not the table's), or an option the help names (usage line,
// description, notes, the program's synopsis of the command) that the
// command refuses. The help is read from the program itself, as users see it.
#include "app/cli/commands.h"
#include "tests/support/unit.h"

#include <cstdio>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

using namespace issuebert::cli;

namespace {

// What `issuebert-cli WORDS` prints on stdout.
std::string programOutput(const std::string& words) {
    const std::string command = std::string("'") + ISSUEBERT_CLI + "' " + words;
    std::string out;
    if (FILE* pipe = popen(command.c_str(), "r")) {
        char buffer[4096];
        for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
            out.append(buffer, n);
        }
        pclose(pipe);
    }
    return out;
}

// The option names text mentions: "--json" and "[--json]" give "json".
std::set<std::string> mentioned(const std::string& text) {
    static const std::regex option("--([a-z][a-z0-9-]*)");
    std::set<std::string> names;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), option);
         it != std::sregex_iterator(); ++it) {
        names.insert((*it)[1]);
    }
    return names;
}

// Whether the command's parsing, as main does it, takes --name.
bool accepts(const Command& command, const std::string& name) {
    try {
        const Args args({"--" + name}, optionsOf(command.usage));
    } catch (const UsageError& e) {
        return std::string(e.what()).rfind("unknown option", 0) != 0; // "needs a value": known
    }
    return true;
}

const Command* commandNamed(const std::string& word) {
    for (const Command* command : commands()) {
        if (word == command->word) {
            return command;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("cli options: each command's help is its usage's, as the program prints it") {
    for (const Command* command : commands()) {
        CHECK_EQ(programOutput(std::string(command->word) + " --help"), helpText(command->usage));
    }
    CHECK_EQ(programOutput("--help"), std::string(kProgramHelp));
}

TEST_CASE("cli options: every option a command accepts is named in its help") {
    std::vector<std::string> undocumented;
    for (const Command* command : commands()) {
        const std::set<std::string> named = mentioned(helpText(command->usage));
        for (const Option& option : optionsOf(command->usage)) {
            if (named.count(option.name) == 0) {
                undocumented.push_back(std::string(command->word) + " --" + option.name);
            }
        }
    }
    CHECK_EQ(undocumented, std::vector<std::string>{});
}

TEST_CASE("cli options: every option a command's help names is accepted") {
    std::vector<std::string> refused;
    for (const Command* command : commands()) {
        for (const std::string& name : mentioned(helpText(command->usage))) {
            if (!accepts(*command, name)) {
                refused.push_back(std::string(command->word) + " --" + name);
            }
        }
    }
    CHECK_EQ(refused, std::vector<std::string>{});
}

TEST_CASE("cli options: the program's help names each command's options only under it") {
    // "  WORD ..." starts a command's synopsis; deeper lines continue it.
    std::vector<std::string> refused;
    const std::string help = kProgramHelp;
    const Command* current = nullptr;
    for (std::size_t start = 0, end; start < help.size(); start = end + 1) {
        end = help.find('\n', start);
        const std::string line = help.substr(start, end - start);
        if (line.rfind("Options:", 0) == 0) {
            break; // the program's own --help and --version
        }
        if (line.size() > 2 && line.rfind("  ", 0) == 0 && line[2] != ' ') {
            current = commandNamed(line.substr(2, line.find(' ', 2) - 2));
        }
        for (const std::string& name : mentioned(line)) {
            if (current == nullptr || !accepts(*current, name)) {
                refused.push_back(line);
            }
        }
    }
    CHECK_EQ(refused, std::vector<std::string>{});
}

TEST_CASE("cli options: no command takes an option twice") {
    std::vector<std::string> twice;
    for (const Command* command : commands()) {
        std::map<std::string, int> count;
        for (const Option& option : optionsOf(command->usage)) {
            if (++count[option.name] == 2) {
                twice.push_back(std::string(command->word) + " --" + option.name);
            }
        }
    }
    CHECK_EQ(twice, std::vector<std::string>{});
}

TEST_CASE("cli options: the help lays options out as the commands always have") {
    const Usage usage = {
        "usage: x\n\n",
        {{"Options:",
          {{"a", "N", "one line"},
           {"long-name", "VALUE|OTHER", "under a label\nthat leaves no room"},
           {"b", "X", kSeeNext},
           {"c", "X", "one line for both"},
           {"flag", nullptr, "two\nlines"},
           {"bare", "V", ""}}},
         {"Listed:", {{"p", "X", "unused"}, {"q", nullptr, "unused"}}, Layout::Listed, "as for y"},
         {"A paragraph wrapped at 79 columns, the names in it (",
          {{"r", "X", "unused"}, {"s", "X", "unused"}},
          Layout::Sentence,
          "), then the words after them."},
         {nullptr, {{"hidden", "X", ""}}, Layout::Unlisted}},
        "\nTail.\n",
        20};
    CHECK_EQ(helpText(usage),
             std::string(
                 "usage: x\n"
                 "\n"
                 "Options:\n"
                 "  --a N             one line\n"
                 "  --long-name VALUE|OTHER\n"
                 "                    under a label\n"
                 "                    that leaves no room\n"
                 "  --b, --c X        one line for both\n"
                 "  --flag            two\n"
                 "                    lines\n"
                 "  --bare V\n"
                 "\n"
                 "Listed:\n"
                 "  --p, --q          as for y\n"
                 "\n"
                 "A paragraph wrapped at 79 columns, the names in it (--r, --s), then the words\n"
                 "after them.\n"
                 "\n"
                 "Tail.\n"));
    std::vector<std::string> names;
    for (const Option& option : optionsOf(usage)) {
        names.push_back(option.name);
    }
    CHECK_EQ(names, (std::vector<std::string>{"a", "long-name", "b", "c", "flag", "bare", "p", "q",
                                              "r", "s", "hidden"}));
}

TEST_CASE("cli options: a table's options with a value take one, its flags none") {
    const OptionTable table = {{"n", "N", "a number"}, {"f", nullptr, "a flag"}};
    const Args args({"--n", "3", "--f", "word"}, table);
    CHECK_EQ(args.value("n"), std::optional<std::string>("3"));
    CHECK(args.flag("f"));
    CHECK_EQ(args.positional(), std::vector<std::string>{"word"});
    CHECK_THROWS_WITH(Args({"--f=1"}, table), UsageError, "option --f takes no value");
    CHECK_THROWS_WITH(Args({"--n"}, table), UsageError, "option --n needs a value");
    CHECK_THROWS_WITH(Args({"--x"}, table), UsageError, "unknown option --x");
}
