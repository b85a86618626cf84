// Shared by the fuzz targets: the input as a file (the loaders read paths),
// and the checks that turn a broken promise into a crash libFuzzer reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace fuzz {

// Writes bytes to path, replacing it; aborts when it cannot.
void writeFile(const std::string& path, std::string_view bytes);

// A folder of this process's own under the temporary directory.
const std::string& workDir();

// Writes bytes to a file in workDir() (the same path every call, so the disk
// does not fill) and returns its path.
std::string writeInput(std::string_view bytes, const char* extension);

// Aborts with a message: libFuzzer saves the input that got here.
[[noreturn]] inline void fail(const char* what) {
    std::fprintf(stderr, "fuzz check failed: %s\n", what);
    std::abort();
}

inline void check(bool condition, const char* what) {
    if (!condition) {
        fail(what);
    }
}

// Whether text is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool validUtf8(std::string_view text);

} // namespace fuzz
