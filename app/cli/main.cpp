// issuebert-cli: parses the command word and hands over to core through commands.h.
#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/io/errors.h"
#include "core/runtime.h"
#include "core/version.h"

#include <cstdio>
#include <iostream>

namespace {

constexpr const char* kUsage =
    R"(usage: issuebert-cli COMMAND [ARGS]

Commands:
  data stats FILE [--format F] [--id K] [--title K] [--body K] [--text K]
                  [--label K] [--map-label OLD=NEW]... [--json]
      Load a dataset (MachineHack JSON, JSON Lines, CSV, fastText) and print
      its statistics.
  tokenize --model DIR [--max-len N] [--ids] [--json] (TEXT... | --input FILE)
      Tokenize texts with a model's WordPiece vocabulary, one line per text.

Options:
  --help       show this help
  --version    print the version

Exit codes: 0 ok, 1 internal fault, 2 bad input.
)";

} // namespace

int main(int argc, char** argv) {
    using namespace issuebert;
    std::vector<std::string> words(argv + 1, argv + argc);
    if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
        std::fputs(kUsage, words.empty() ? stderr : stdout);
        return words.empty() ? cli::kExitBadInput : cli::kExitOk;
    }
    if (words[0] == "--version") {
        std::cout << "issuebert-cli " << kVersion << " (LibTorch " << torchVersion() << ")\n";
        return cli::kExitOk;
    }
    initRuntime();
    const std::string command = words[0];
    words.erase(words.begin());
    try {
        if (command == "data") {
            return cli::runData(words);
        }
        if (command == "tokenize") {
            return cli::runTokenize(words);
        }
        throw cli::UsageError("unknown command \"" + command + "\"");
    } catch (const cli::UsageError& e) {
        std::cerr << "issuebert-cli: " << e.what() << "\n\n" << kUsage;
        return cli::kExitBadInput;
    } catch (const Error& e) {
        std::cerr << "issuebert-cli: " << e.what() << '\n';
        return e.kind() == ErrorKind::Internal ? cli::kExitInternal : cli::kExitBadInput;
    } catch (const std::exception& e) {
        std::cerr << "issuebert-cli: internal error: " << e.what() << '\n';
        return cli::kExitInternal;
    }
}
