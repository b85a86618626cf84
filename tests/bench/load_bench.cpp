// Dataset loading speed and memory: writes a ~100 MB MachineHack-style
// train.json of 150,000 issues (fixed seed), then loads it in a fresh process
// so the peak RSS (VmHWM) is the loader's alone.
// Usage: load_bench            generate into a temporary folder, load, delete
//        load_bench FILE       load FILE if it exists, else generate it there and load it
#include "core/data/loader.h"
#include "core/data/stats.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using namespace issuebert;

// The benchmark's dataset size: MachineHack's train.json holds about this many issues.
constexpr int kIssues = 150000;
// Fixed seed: every run writes the same file.
constexpr unsigned kSeed = 20240601;
// Marks the re-executed loading process; it deletes a generated temporary file.
constexpr const char* kRemoveFlag = "--remove-after-load";

const std::vector<std::string> kWords = {
    "the",           "app",      "crashes",     "when",    "I",
    "click",         "on",       "button",      "after",   "update",
    "version",       "error",    "null",        "pointer", "feature",
    "request",       "support",  "for",         "dark",    "mode",
    "please",        "add",      "option",      "to",      "configure",
    "timeout",       "how",      "can",         "use",     "this",
    "with",          "docker",   "kubernetes",  "windows", "linux",
    "macOS",         "expected", "behavior",    "actual",  "steps",
    "reproduce",     "log",      "stack",       "trace",   "memory",
    "leak",          "slow",     "performance", "API",     "endpoint",
    "returns",       "500",      "instead",     "of",      "200",
    "build",         "fails",    "compile",     "warning", "deprecated",
    "documentation", "unclear",  "example",     "missing", "question",
    "about",         "config",   "file",        "path",    "résumé",
    "naïve",         "日本語",   "emoji",       "🚀",       "works",
    "fine",          "but",      "not",         "in",      "production",
    "thanks",        "a",        "is",
};

const std::vector<std::string> kLogLines = {
    "2020-06-23 10:37:09.033 ERROR [main] java.lang.NullPointerException",
    "    at com.example.app.Service.handle(Service.java:142)",
    "Traceback (most recent call last):\n  File \"app.py\", line 12, in <module>",
    "npm ERR! code ELIFECYCLE\nnpm ERR! errno 1",
    "[WARN] Deprecated config key \"timeout\" used; see https://example.com/docs",
    "panic: runtime error: index out of range [3] with length 3",
    "E/AndroidRuntime( 1234): FATAL EXCEPTION: main\tProcess: com.example",
};

// Appends text as the inside of a JSON string, non-ASCII as \uXXXX the way
// Python's json.dump writes it.
void appendJsonString(std::string& out, const std::string& text) {
    static const char* const kHex = "0123456789abcdef";
    const auto u16 = [&](unsigned v) {
        out += "\\u";
        for (int s = 12; s >= 0; s -= 4) {
            out += kHex[(v >> s) & 15];
        }
    };
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += static_cast<char>(c);
            } else if (c == '\n') {
                out += "\\n";
            } else if (c == '\r') {
                out += "\\r";
            } else if (c == '\t') {
                out += "\\t";
            } else {
                out += static_cast<char>(c);
            }
            ++i;
            continue;
        }
        const int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        unsigned cp = c & (len == 4 ? 0x07u : len == 3 ? 0x0Fu : 0x1Fu);
        for (int k = 1; k < len; ++k) {
            cp = (cp << 6) |
                 (static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]) & 0x3Fu);
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            u16(0xD800 + (cp >> 10));
            u16(0xDC00 + (cp & 0x3FF));
        } else {
            u16(cp);
        }
        i += static_cast<std::size_t>(len);
    }
}

std::string sentence(std::mt19937_64& rng, int words) {
    std::string out;
    for (int w = 0; w < words; ++w) {
        out += (w ? " " : "") + kWords[rng() % kWords.size()];
    }
    return out;
}

// A body of roughly `target` characters: prose, markdown headings, code and logs.
std::string body(std::mt19937_64& rng, std::size_t target) {
    std::string out;
    while (out.size() < target) {
        switch (rng() % 8) {
        case 0:
            out += "### Steps to reproduce\r\n1. " + sentence(rng, 6) + "\r\n2. " +
                   sentence(rng, 5) + "\r\n\r\n";
            break;
        case 1:
            out += "```\n" + kLogLines[rng() % kLogLines.size()] + "\n" +
                   kLogLines[rng() % kLogLines.size()] + "\n```\n";
            break;
        case 2:
            out += "See https://github.com/example/repo/issues/" + std::to_string(rng() % 9999) +
                   " and `config.yaml`. ";
            break;
        default:
            out += sentence(rng, 8 + static_cast<int>(rng() % 30)) + ". ";
            break;
        }
    }
    return out;
}

long long generate(const std::string& path) {
    std::mt19937_64 rng(kSeed);
    // Body lengths are log-normal like real issues: median ~330, a long tail to 40,000.
    std::lognormal_distribution<double> length(std::log(330.0), 1.0);
    std::ofstream file(path, std::ios::binary);
    std::string record;
    std::string title;
    std::string text;
    file << "[\n";
    for (int i = 0; i < kIssues; ++i) {
        const auto target = static_cast<std::size_t>(std::min(40000.0, length(rng)));
        const double u = static_cast<double>(rng() % 1000) / 1000.0;
        const int label = u < 0.45 ? 0 : u < 0.85 ? 1 : 2;
        // One issue in 200 repeats the previous one, as reposted issues do.
        if (i == 0 || rng() % 200 != 0) {
            title = sentence(rng, 3 + static_cast<int>(rng() % 12));
            text = rng() % 50 == 0 ? std::string() : body(rng, target);
        }
        record = "  {\"Title\": \"";
        appendJsonString(record, title);
        record += "\", \"Body\": \"";
        appendJsonString(record, text);
        record += "\", \"Label\": " + std::to_string(label) + "}";
        record += i + 1 < kIssues ? ",\n" : "\n";
        file << record;
    }
    file << "]\n";
    file.close();
    return static_cast<long long>(std::filesystem::file_size(path));
}

// A "VmHWM:" style line of /proc/self/status, in MiB.
double statusMiB(const char* key) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(key, 0) == 0) {
            return std::stod(line.substr(std::string(key).size())) / 1024.0;
        }
    }
    return 0.0;
}

double seconds(Clock::time_point from) {
    return std::chrono::duration<double>(Clock::now() - from).count();
}

int load(const std::string& path) {
    const double mib = static_cast<double>(std::filesystem::file_size(path)) / (1024.0 * 1024.0);
    const double rssBefore = statusMiB("VmRSS:");
    auto start = Clock::now();
    const Dataset dataset = loadDataset(path);
    const double loadSeconds = seconds(start);
    const double peak = statusMiB("VmHWM:");
    start = Clock::now();
    const DatasetStats stats = computeStats(dataset);
    const double statsSeconds = seconds(start);
    std::printf("file          %s\n", path.c_str());
    std::printf("file size     %.1f MiB\n", mib);
    std::printf("rows          %lld (", stats.rows);
    for (const auto& [name, count] : stats.labelCounts) {
        std::printf(" %s %lld", name.c_str(), count);
    }
    std::printf(" )\n");
    std::printf("load          %.3f s, %.1f MiB/s\n", loadSeconds, mib / loadSeconds);
    std::printf("RSS           %.1f MiB before loading, peak %.1f MiB while loading "
                "(%.2f x the file)\n",
                rssBefore, peak, peak / mib);
    std::printf("computeStats  %.3f s (duplicates %lld, median length %lld)\n", statsSeconds,
                stats.duplicateTexts, stats.lengthPercentiles[2].second);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    try {
        const std::string given = argc > 1 ? argv[1] : "";
        if (!given.empty() && std::filesystem::is_regular_file(given)) {
            const int rc = load(given);
            if (argc > 2 && std::string(argv[2]) == kRemoveFlag) {
                std::filesystem::remove_all(std::filesystem::path(given).parent_path());
            }
            return rc;
        }
        std::string path = given;
        bool temporary = false;
        if (path.empty()) {
            auto dir = std::filesystem::temp_directory_path() /
                       ("issuebert-load-bench-" + std::to_string(::getpid()));
            std::filesystem::create_directories(dir);
            path = (dir / "train.json").string();
            temporary = true;
        }
        const auto start = Clock::now();
        const long long bytes = generate(path);
        std::printf("generated     %s: %d issues, %.1f MiB in %.1f s\n", path.c_str(), kIssues,
                    static_cast<double>(bytes) / (1024.0 * 1024.0), seconds(start));
        std::fflush(stdout);
        // Load in a fresh process image so VmHWM does not include the generator.
        std::vector<char*> args = {argv[0], path.data()};
        std::string flag = kRemoveFlag;
        if (temporary) {
            args.push_back(flag.data());
        }
        args.push_back(nullptr);
        ::execv("/proc/self/exe", args.data());
        std::perror("execv");
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "load_bench: %s\n", e.what());
        return 1;
    }
}
