// Tokenizer throughput: MB/s and tokens/s on one thread and on all cores, and
// the time to tokenize and encode 150,000 MachineHack-sized issues.
// Usage: tokenize_bench [FILE] [--model DIR]
#include "core/data/issue_encoding.h"
#include "core/text/encoder.h"
#include "core/text/tokenizer.h"

#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

using namespace issuebert;

namespace {

// Issues in the MachineHack-sized run, and their average size in bytes.
constexpr std::size_t kIssues = 150000;
constexpr std::size_t kIssueBytes = 650;
// Timed repetitions; the best is reported.
constexpr int kRepeats = 3;

double seconds(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

std::vector<std::string> readLines(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

// A stand-in corpus when the real one is absent: issue-like text with code,
// punctuation and some non-ASCII.
std::vector<std::string> syntheticLines() {
    const char* const parts[] = {
        "The app crashes when I open the settings page after updating to v2.3.1. ",
        "Steps to reproduce: 1. Click `File > Open` 2. Select a *.json file. ",
        "Traceback (most recent call last): File \"main.py\", line 42, in <module> ",
        "It would be great to support dark mode on macOS — currently it’s bright. ",
        "How do I configure the proxy? I tried HTTP_PROXY=http://localhost:8080/ ",
        "std::vector<int> v{1, 2, 3}; for (auto& x : v) { x *= 2; } ",
        "Ошибка при запуске: 文件未找到 (file not found), naïve café résumé. "};
    std::vector<std::string> lines;
    unsigned state = 12345;
    for (int i = 0; i < 4000; ++i) {
        std::string line;
        const int pieces = 2 + static_cast<int>((state = state * 1103515245u + 12345u) >> 16) % 12;
        for (int p = 0; p < pieces; ++p) {
            line += parts[((state = state * 1103515245u + 12345u) >> 16) % std::size(parts)];
        }
        lines.push_back(line);
    }
    return lines;
}

// Cuts the corpus into n issues of about kIssueBytes each (200 to 1,100
// bytes, cut at spaces), a title of the first few words and a body.
std::vector<Issue> machineHackIssues(const std::vector<std::string>& lines, std::size_t n) {
    std::string corpus;
    for (const std::string& line : lines) {
        corpus += line;
        corpus += ' ';
    }
    std::vector<Issue> issues;
    issues.reserve(n);
    std::size_t at = 0;
    unsigned state = 7;
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t want =
            kIssueBytes - 450 + ((state = state * 1103515245u + 12345u) >> 8) % 901;
        if (at + want >= corpus.size()) {
            at = 0;
        }
        std::size_t end = corpus.find(' ', at + want);
        end = end == std::string::npos ? corpus.size() : end;
        const std::string text = corpus.substr(at, end - at);
        at = end + 1;
        const std::size_t titleEnd = std::min(text.size(), text.find(' ', 60));
        issues.push_back({std::to_string(i), text.substr(0, titleEnd),
                          titleEnd < text.size() ? text.substr(titleEnd + 1) : "", 0});
    }
    return issues;
}

} // namespace

int main(int argc, char** argv) {
    try {
        std::string file = std::string(ISSUEBERT_SOURCE_DIR) +
                           "/../shared/data/ticket-tagger/issues-en.fasttext.txt";
        std::string model = std::string(ISSUEBERT_SOURCE_DIR) + "/tests/fixtures/minilm";
        bool fileGiven = false;
        for (int i = 1; i < argc; ++i) {
            const std::string arg = argv[i];
            if (arg == "--model" && i + 1 < argc) {
                model = argv[++i];
            } else {
                file = arg;
                fileGiven = true;
            }
        }
        std::vector<std::string> lines;
        if (fileGiven || std::filesystem::exists(file)) {
            lines = readLines(file);
            std::printf("corpus: %s (%zu lines)\n", file.c_str(), lines.size());
        } else {
            lines = syntheticLines();
            std::printf("corpus: synthetic (%zu lines; %s is absent)\n", lines.size(),
                        file.c_str());
        }
        const Tokenizer tokenizer = Tokenizer::fromModelDir(model);
        std::size_t bytes = 0;
        for (const auto& line : lines) {
            bytes += line.size();
        }
        const double mb = static_cast<double>(bytes) / 1e6;
        const unsigned cores = std::max(1u, std::thread::hardware_concurrency());

        double best = 1e9;
        std::size_t tokens = 0;
        std::vector<std::int32_t> ids;
        for (int r = 0; r < kRepeats; ++r) {
            const auto start = std::chrono::steady_clock::now();
            tokens = 0;
            for (const auto& line : lines) {
                ids.clear();
                tokenizer.encodeIds(line, ids);
                tokens += ids.size();
            }
            best = std::min(best, seconds(start));
        }
        std::printf("1 thread:   %.2f MB in %.3f s = %.1f MB/s, %.2f M tokens/s (%zu tokens)\n", mb,
                    best, mb / best, static_cast<double>(tokens) / best / 1e6, tokens);

        std::vector<Issue> asIssues;
        asIssues.reserve(lines.size());
        for (const auto& line : lines) {
            asIssues.push_back({"", "", line, 0});
        }
        best = 1e9;
        for (int r = 0; r < kRepeats; ++r) {
            const auto start = std::chrono::steady_clock::now();
            tokenLengths(tokenizer, asIssues, {}, 0);
            best = std::min(best, seconds(start));
        }
        std::printf("%u threads:  %.1f MB/s, %.2f M tokens/s (tokenLengths)\n", cores, mb / best,
                    static_cast<double>(tokens) / best / 1e6);

        const std::vector<Issue> issues = machineHackIssues(lines, kIssues);
        std::size_t issueBytes = 0;
        for (const auto& issue : issues) {
            issueBytes += issue.title.size() + 1 + issue.body.size();
        }
        EncoderOptions options;
        options.maxLength = 150;
        const Encoder encoder(tokenizer, options);
        const auto start = std::chrono::steady_clock::now();
        const std::vector<Encoding> encodings = encodeAll(encoder, issues, 0);
        const double elapsed = seconds(start);
        std::size_t truncated = 0;
        for (const auto& e : encodings) {
            truncated += e.truncated ? 1 : 0;
        }
        std::printf("encodeAll:  %zu issues (avg %zu bytes, %zu truncated at 150) on %u threads "
                    "in %.2f s (%.1f MB/s)\n",
                    issues.size(), issueBytes / issues.size(), truncated, cores, elapsed,
                    static_cast<double>(issueBytes) / 1e6 / elapsed);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tokenize_bench: %s\n", e.what());
        return 1;
    }
}
