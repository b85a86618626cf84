// The subcommands of issuebert-cli. Each returns the process exit code and
// throws UsageError or issuebert::Error for main() to report.
#pragma once

#include <string>
#include <vector>

namespace issuebert::cli {

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInterrupted = 130; // 128 + SIGINT: stopped by Ctrl-C

// A subcommand: its word, its help text (`issuebert-cli WORD --help`, and after
// a usage error) and what runs it with the words after WORD.
struct Command {
    const char* word;
    const char* help;
    int (*run)(const std::vector<std::string>& words);
};

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
