// Issues through the encoder (issue_encoding.h).
#include "core/data/issue_encoding.h"

#include "core/text/parallel.h"

#include <cstdint>

namespace issuebert {

Encoding encodeIssue(const Encoder& encoder, const Issue& issue) {
    const EncoderOptions& options = encoder.options();
    if (options.cleanup.steps == 0U) {
        return options.pairTitleBody ? encoder.encodePair(issue.title, issue.body)
                                     : encoder.encode(issue.text());
    }
    if (options.pairTitleBody) {
        return encoder.encodePair(cleanIssueText(issue.title, options.cleanup),
                                  cleanIssueText(issue.body, options.cleanup));
    }
    return encoder.encode(cleanIssueText(issue.text(), options.cleanup));
}

std::vector<Encoding> encodeAll(const Encoder& encoder, const std::vector<Issue>& issues,
                                int threads,
                                const std::function<void(std::size_t, std::size_t)>& progress,
                                const std::atomic<bool>* cancel) {
    std::vector<Encoding> out(issues.size());
    parallelChunks(
        issues.size(), threads,
        [&](std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i) {
                out[i] = encodeIssue(encoder, issues[i]);
            }
        },
        progress, cancel);
    return out;
}

std::vector<int> tokenLengths(const Tokenizer& tokenizer, const std::vector<Issue>& issues,
                              TextCleanup cleanup, int threads,
                              const std::function<void(std::size_t, std::size_t)>& progress,
                              const std::atomic<bool>* cancel) {
    std::vector<int> out(issues.size());
    parallelChunks(
        issues.size(), threads,
        [&](std::size_t begin, std::size_t end) {
            thread_local std::vector<std::int32_t> ids; // reused: no allocation per issue
            for (std::size_t i = begin; i < end; ++i) {
                ids.clear();
                if (cleanup.steps == 0U) {
                    tokenizer.encodeIds(issues[i].text(), ids);
                } else {
                    tokenizer.encodeIds(cleanIssueText(issues[i].text(), cleanup), ids);
                }
                out[i] = static_cast<int>(ids.size());
            }
        },
        progress, cancel);
    return out;
}

} // namespace issuebert
