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

// Every subcommand, in the order the help lists them.
const Command* const kCommands[] = {
    &issuebert::cli::kDataCommand,    &issuebert::cli::kTokenizeCommand,
    &issuebert::cli::kModelCommand,   &issuebert::cli::kTrainCommand,
    &issuebert::cli::kCvCommand,      &issuebert::cli::kEvaluateCommand,
    &issuebert::cli::kPredictCommand, &issuebert::cli::kExplainCommand};

constexpr const char* kUsage =
    R"(usage: issuebert-cli COMMAND [ARGS]

Commands:
  data stats FILE [--format F] [--mapping ROLE=FIELD,...] [--map-label OLD=NEW]...
                  [--json]
      Load a dataset (MachineHack JSON, JSON Lines, CSV, fastText) and print
      its statistics.
  tokenize --model DIR [--max-len N] [--ids] [--json] (TEXT... | --input FILE)
      Tokenize texts with a model's WordPiece vocabulary, one line per text.
  model info (DIR | ID) [--json]
      Show a model: architecture, parameters, vocabulary, labels, and where
      it was found (a folder, the Hugging Face cache or IssueBERT's cache).

  train --train FILE --out RUN_DIR [--val FILE] [--model DIR|ID] [settings...]
  train --resume RUN_DIR
      Fine-tune a model on labelled issues; the best model lands in
      RUN_DIR/best. Ctrl-C stops and keeps it; --resume continues.
  cv --data FILE --out DIR [--folds K] [--repeats R] [train settings...] [--json]
      Cross-validate a training recipe: per-fold and mean ± std macro-F1 and
      accuracy on held-out stratified folds, with training time.
  evaluate --model DIR --data FILE [--json]
      Score a fine-tuned model on a labelled file: accuracy, log loss,
      per-class precision/recall/F1 and the confusion matrix.
  predict --model DIR --data FILE --out FILE.csv [--threshold P]
          [--submission FILE.csv] [--json]
      Write every issue's predicted class and probabilities to a CSV (and
      MachineHack's submission layout); print counts and, if labelled, accuracy.
  explain --model DIR --title T --body B [--class NAME] [--top N] [--json]
      Classify one issue and show the words that pushed it towards a class.

Options:
  --help       show this help; COMMAND --help shows a command's options
  --version    print the version

Exit codes: 0 ok, 1 internal fault, 2 bad input, 130 stopped by Ctrl-C.
)";

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
        std::fputs(kUsage, words.empty() ? stderr : stdout);
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
    const auto found = std::find_if(std::begin(kCommands), std::end(kCommands),
                                    [&](const Command* c) { return words[0] == c->word; });
    if (found == std::end(kCommands)) {
        std::cerr << "issuebert-cli: unknown command " << quote(words[0]) << "\n\n" << kUsage;
        return cli::kExitBadInput;
    }
    const Command& command = **found;
    words.erase(words.begin());
    if (asksForHelp(words)) {
        std::fputs(command.help, stdout);
        return cli::kExitOk;
    }
    initRuntime();
    try {
        return command.run(words);
    } catch (const cli::UsageError& e) {
        std::cerr << "issuebert-cli: " << terminalSafe(e.what()) << "\n\n" << command.help;
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
