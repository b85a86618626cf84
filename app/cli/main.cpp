// issuebert-cli: parses the command word and hands over to core through commands.h.
#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/io/errors.h"
#include "core/runtime.h"
#include "core/version.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace {

using issuebert::cli::Command;

// True when the words ask for help (before a "--" that ends the options).
bool asksForHelp(const std::vector<std::string>& words) {
    const auto end = std::find(words.begin(), words.end(), "--");
    return std::any_of(words.begin(), end,
                       [](const std::string& w) { return w == "--help" || w == "-h"; });
}

// The commands that run the model for long enough to matter.
bool computes(const std::string& word) {
    return word == "train" || word == "evaluate" || word == "predict" || word == "explain";
}

} // namespace

int main(int argc, char** argv) {
    using namespace issuebert;
    std::vector<std::string> words(argv + 1, argv + argc);
    if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
        std::fputs(cli::kProgramHelp, words.empty() ? stderr : stdout);
        return words.empty() ? cli::kExitBadInput : cli::kExitOk;
    }
    if (words[0] == "--version") {
        std::cout << "issuebert-cli " << kVersion << " (LibTorch " << torchVersion() << ")\n";
        return cli::kExitOk;
    }
    if (computes(words[0])) {
        // Spinning OpenMP threads halve throughput on shared cores (runtime.h).
        preferPassiveOpenMP(argv);
    }
    const auto all = cli::commands();
    const auto found =
        std::find_if(all.begin(), all.end(), [&](const Command* c) { return words[0] == c->word; });
    if (found == all.end()) {
        std::cerr << "issuebert-cli: unknown command " << quote(words[0]) << "\n\n"
                  << cli::kProgramHelp;
        return cli::kExitBadInput;
    }
    const Command& command = **found;
    words.erase(words.begin());
    if (asksForHelp(words)) {
        std::cout << cli::helpText(command.usage);
        return cli::kExitOk;
    }
    initRuntime();
    try {
        // Parsed by the options its help lists, and by no others.
        return command.run(cli::Args(words, cli::optionsOf(command.usage)));
    } catch (const cli::UsageError& e) {
        std::cerr << "issuebert-cli: " << terminalSafe(e.what()) << "\n\n"
                  << cli::helpText(command.usage);
        return cli::kExitBadInput;
    } catch (const Error& e) {
        // Long work throws CancelledError only when Ctrl-C asked it to stop.
        if (e.kind() == ErrorKind::Cancelled) {
            std::cerr << "issuebert-cli: stopped by Ctrl-C\n";
            return cli::kExitInterrupted;
        }
        std::cerr << "issuebert-cli: " << terminalSafe(e.what()) << '\n';
        return e.kind() == ErrorKind::Internal ? cli::kExitInternal : cli::kExitBadInput;
    } catch (const std::exception& e) {
        std::cerr << "issuebert-cli: internal error: " << terminalSafe(e.what()) << '\n';
        return cli::kExitInternal;
    }
}
