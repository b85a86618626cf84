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

// issuebert-cli data stats FILE [--mapping ...] [--json]
int runData(const std::vector<std::string>& words);
// issuebert-cli tokenize --model DIR [--max-len N] [--ids] (TEXT | --input FILE) [--json]
int runTokenize(const std::vector<std::string>& words);

} // namespace issuebert::cli
