// Model inputs from Issues: the encoder applied to an issue's text (or its
// title and body as a pair), cleaned as the encoder's options say, one issue or
// many on several threads; and the token counts the Data page and auto max
// length read. Training, evaluation, prediction and `tokenize` all go through
// here, so they see the same text.
#pragma once

#include "core/data/issue.h"
#include "core/text/encoder.h"

#include <atomic>
#include <functional>
#include <vector>

namespace issuebert {

// Issue.text() or, with pairTitleBody, (title, body), cleaned by the encoder's
// options().cleanup.
Encoding encodeIssue(const Encoder& encoder, const Issue& issue);

// Encodes many issues on `threads` threads (0 = all cores); progress(done,
// total) is called from the calling thread. Throws CancelledError on cancel.
std::vector<Encoding> encodeAll(const Encoder& encoder, const std::vector<Issue>& issues,
                                int threads = 0,
                                const std::function<void(std::size_t, std::size_t)>& progress = {},
                                const std::atomic<bool>* cancel = nullptr);

// WordPiece token count of each issue's text after `cleanup` (no specials, no
// truncation): what the model sees, for the Data page's length histogram and
// the Train page's auto max length. Same threading and cancel as encodeAll.
std::vector<int> tokenLengths(const Tokenizer& tokenizer, const std::vector<Issue>& issues,
                              TextCleanup cleanup = {}, int threads = 0,
                              const std::function<void(std::size_t, std::size_t)>& progress = {},
                              const std::atomic<bool>* cancel = nullptr);

} // namespace issuebert
