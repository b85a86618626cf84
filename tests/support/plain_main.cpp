// Runs the registered test cases without Qt (ISSUEBERT_BUILD_GUI=OFF builds).
// Usage: test [FRAGMENT]  runs the cases whose name contains FRAGMENT.
#include "tests/support/unit.h"

#include <cstdio>
#include <exception>
#include <string>

namespace {

enum class Outcome { Pass, Fail, Skip };
Outcome g_outcome = Outcome::Pass;

} // namespace

namespace unit {

void fail(const std::string& message, const char* file, int line) {
    g_outcome = Outcome::Fail;
    std::printf("FAIL!  %s:%d: %s\n", file, line, message.c_str());
}

void skip(const std::string& message, const char* file, int line) {
    if (g_outcome == Outcome::Pass) {
        g_outcome = Outcome::Skip;
    }
    std::printf("SKIP   %s:%d: %s\n", file, line, message.c_str());
}

} // namespace unit

int main(int argc, char** argv) {
    const std::string filter = argc > 1 ? argv[1] : "";
    int passed = 0;
    int failed = 0;
    int skipped = 0;
    for (const auto& test : unit::registry()) {
        if (!filter.empty() && std::string(test.name).find(filter) == std::string::npos) {
            continue;
        }
        g_outcome = Outcome::Pass;
        try {
            test.fn();
        } catch (const std::exception& e) {
            unit::fail(std::string("unexpected exception: ") + e.what(), "", 0);
        }
        const char* tag = g_outcome == Outcome::Pass   ? "PASS  "
                          : g_outcome == Outcome::Fail ? "FAIL! "
                                                       : "SKIP  ";
        std::printf("%s %s\n", tag, test.name);
        std::fflush(stdout);
        (g_outcome == Outcome::Pass ? passed : g_outcome == Outcome::Fail ? failed : skipped)++;
    }
    std::printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed == 0 ? 0 : 1;
}
