// Issue-report text made for the model: what GitHub hides or what only fills
// the token budget (template comments, unticked checklists, long code blocks,
// stack traces, URLs and paths) removed or shortened before tokenizing. Each
// step is a flag, so cross-validation can decide them one by one
// (docs/QUALITY.md). Applied by the Encoder to training and prediction alike.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace issuebert {

// The steps, as bits of TextCleanup::steps.
enum CleanupStep : unsigned {
    kCleanComments = 1U << 0,   // <!-- ... --> removed (GitHub hides them; templates fill them)
    kCleanChecklists = 1U << 1, // unticked "- [ ] ..." lines removed; ticked ones kept
    kCleanCode = 1U << 2,       // fenced code (``` or ~~~) cut to its first kCodeKeepBytes
    kCleanTraces = 1U << 3,     // runs of stack frames cut to their first kTraceKeepFrames
    kCleanUrls = 1U << 4,       // URLs to their host, long paths to their last two parts
};

// Code kept from each fenced block: enough to see the language and the gist.
inline constexpr std::size_t kCodeKeepBytes = 200;
// Stack frames kept from each run: the throwing frames say the most.
inline constexpr int kTraceKeepFrames = 3;
// Every step.
inline constexpr unsigned kCleanAll =
    kCleanComments | kCleanChecklists | kCleanCode | kCleanTraces | kCleanUrls;

struct TextCleanup {
    unsigned steps = 0; // CleanupStep bits; 0: text as it is
    bool operator==(const TextCleanup&) const = default;
};

// The text with the steps applied. Only ASCII syntax is matched, so valid
// UTF-8 stays valid. A removed part leaves a space, a shortened one " ... ".
std::string cleanIssueText(std::string_view text, TextCleanup cleanup);

// "none", "all" or the step words joined by commas ("comments,code"): the form
// config files, issuebert.json and the CLI use.
std::string cleanupName(TextCleanup cleanup);
// The inverse; nullopt for an unknown word. Words: none, all, comments,
// checklists, code, traces, urls.
std::optional<TextCleanup> parseCleanup(std::string_view words);

} // namespace issuebert
