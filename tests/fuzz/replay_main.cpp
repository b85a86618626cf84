// A fuzz target as a plain program, for ./test.sh: every input under the given
// folders runs through LLVMFuzzerTestOneInput, then a bounded burst of random
// mutations of them (bit flips, byte edits, cut and repeated ranges, splices,
// JSON and pickle tokens). No coverage guidance: that is libFuzzer's, in the
// long runs of scripts/fuzz.sh. Built with the sanitizers of the asan preset;
// ctest runs it with leak detection on and allocations capped at 2 GB
// (tests/CMakeLists.txt), so a crash, a leak, undefined behaviour or a huge
// allocation fails the test.
//
//   replay_TARGET [--seconds S] [--runs N] [--seed K] PATH...
//
// Each input is written to $TMPDIR/issuebert-replay-TARGET.input before it
// runs: after a crash that file holds it (commit it to the corpus, add a test).
#include "support.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

// Tokens a mutation may insert: JSON's and pickle's (torch.save's opcodes).
const std::vector<std::string>& tokens() {
    static const std::vector<std::string> list = {"{",
                                                  "}",
                                                  "[",
                                                  "]",
                                                  "\"",
                                                  ":",
                                                  ",",
                                                  "null",
                                                  "true",
                                                  "1e999",
                                                  "-1",
                                                  "\\u0000",
                                                  "\\ud800",
                                                  "\n",
                                                  "\r\n",
                                                  "\t",
                                                  "\xff",
                                                  "\xc3\xa9",
                                                  "\xf0\x9f\x90\x9b",
                                                  "\x80\x02",
                                                  "(",
                                                  "t",
                                                  "R",
                                                  "\x93",
                                                  "q\x01",
                                                  "h\x01",
                                                  "J\xff\xff\xff\xff",
                                                  "\x85",
                                                  "\x86",
                                                  std::string("X\x00\x00\x00\x80", 5),
                                                  "]a",
                                                  "}s"};
    return list;
}

std::string mutate(const std::vector<std::string>& inputs, std::mt19937_64& random) {
    std::string data = inputs[random() % inputs.size()];
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int edit = 0; edit < edits; ++edit) {
        const std::size_t at = data.empty() ? 0 : random() % (data.size() + 1);
        switch (random() % 8) {
        case 0: // flip a bit
            if (!data.empty()) {
                data[random() % data.size()] ^= static_cast<char>(1u << (random() % 8));
            }
            break;
        case 1: // set a byte to an interesting value
            if (!data.empty()) {
                static const unsigned char values[] = {0, 1, 0x7f, 0x80, 0xff, '0', '9', ' '};
                data[random() % data.size()] = static_cast<char>(values[random() % 8]);
            }
            break;
        case 2: // insert random bytes
            data.insert(at, std::string(1 + random() % 8, static_cast<char>(random())));
            break;
        case 3: // cut a range
            if (at < data.size()) {
                data.erase(at, 1 + random() % std::min<std::size_t>(64, data.size() - at));
            }
            break;
        case 4: // repeat a range
            if (at < data.size()) {
                const std::string range = data.substr(at, 1 + random() % 32);
                data.insert(at, range + range);
            }
            break;
        case 5: { // splice another input's tail
            const std::string& other = inputs[random() % inputs.size()];
            if (!other.empty()) {
                data = data.substr(0, at) + other.substr(random() % other.size());
            }
            break;
        }
        case 6: // truncate
            data.resize(at);
            break;
        default: // a token
            data.insert(at, tokens()[random() % tokens().size()]);
            break;
        }
    }
    constexpr std::size_t kLargest = 1 << 20;
    if (data.size() > kLargest) {
        data.resize(kLargest);
    }
    return data;
}

std::string readAll(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

} // namespace

int main(int argc, char** argv) {
    double seconds = 20;
    long long runs = 1'000'000;
    unsigned long long seed = 1;
    std::vector<fs::path> paths;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if ((arg == "--seconds" || arg == "--runs" || arg == "--seed") && i + 1 < argc) {
            const std::string value = argv[++i];
            if (arg == "--seconds") {
                seconds = std::stod(value);
            } else if (arg == "--runs") {
                runs = std::stoll(value);
            } else {
                seed = std::stoull(value);
            }
        } else {
            paths.emplace_back(arg);
        }
    }
    std::vector<std::string> inputs;
    for (const auto& path : paths) {
        if (fs::is_directory(path)) {
            std::vector<fs::path> files;
            for (const auto& entry : fs::recursive_directory_iterator(path)) {
                if (entry.is_regular_file()) {
                    files.push_back(entry.path());
                }
            }
            std::sort(files.begin(), files.end());
            for (const auto& file : files) {
                inputs.push_back(readAll(file));
            }
        } else {
            inputs.push_back(readAll(path));
        }
    }
    if (inputs.empty()) {
        std::cerr << "replay: no inputs under the given paths\n";
        return 2;
    }
    const std::string name = fs::path(argv[0]).filename().string();
    const std::string current =
        (fs::temp_directory_path() / ("issuebert-" + name + ".input")).string();
    const auto run = [&](const std::string& data) {
        fuzz::writeFile(current, data);
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
    };
    std::cout << name << ": " << inputs.size() << " inputs; each is saved to " << current
              << " before it runs" << std::endl;
    for (const auto& input : inputs) {
        run(input);
    }
    std::mt19937_64 random(seed);
    const auto start = std::chrono::steady_clock::now();
    const auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    long long mutated = 0;
    while (mutated < runs && elapsed() < seconds) {
        run(mutate(inputs, random));
        ++mutated;
    }
    std::cout << name << ": " << inputs.size() << " inputs and " << mutated << " mutations (seed "
              << seed << ") in " << static_cast<int>(elapsed()) << " s: no crash" << std::endl;
    std::error_code ignored;
    fs::remove(current, ignored);
    fs::remove_all(fuzz::workDir(), ignored);
    return 0;
}
