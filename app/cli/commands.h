// The subcommands of issuebert-cli. Each returns the process exit code and
// throws UsageError or issuebert::Error for main() to report.
#pragma once

#include "app/cli/args.h"
#include "app/cli/usage.h"

#include <span>

namespace issuebert::cli {

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInterrupted = 130; // 128 + SIGINT: stopped by Ctrl-C

// A subcommand: its word, its usage (the help `issuebert-cli WORD --help`
// prints, also after a usage error, and the options it accepts) and what runs
// it with the words after WORD, parsed by those options.
struct Command {
    const char* word;
    const Usage& usage;
    int (*run)(const Args& args);
};

// Every subcommand, in the order the program's help lists them.
std::span<const Command* const> commands();

// The program's help (`issuebert-cli --help`): each command's synopsis.
extern const char* const kProgramHelp;

// issuebert-cli data stats FILE [--mapping ROLE=FIELD,...] [--json]
extern const Command kDataCommand;
// issuebert-cli tokenize --model DIR [--max-len N] [--ids] (TEXT | --input FILE) [--json]
extern const Command kTokenizeCommand;
// issuebert-cli train --train FILE --out RUN_DIR [...] | --resume RUN_DIR
extern const Command kTrainCommand;
// issuebert-cli cv --data FILE --out DIR [--folds K] [--repeats R] [train options]
extern const Command kCvCommand;
// issuebert-cli model info (DIR | ID) [--json]
extern const Command kModelCommand;
// issuebert-cli evaluate --model DIR --data FILE [--json]
extern const Command kEvaluateCommand;
// issuebert-cli predict --model DIR --data FILE --out FILE.csv [--threshold P] [--submission FILE]
extern const Command kPredictCommand;
// issuebert-cli explain --model DIR --title T --body B [--class NAME] [--top N] [--json]
extern const Command kExplainCommand;

} // namespace issuebert::cli
