// Process-wide LibTorch set-up shared by the GUI, the CLI and the benchmarks.
#pragma once

#include <string>

namespace issuebert {

// Sets LibTorch's intra-op threads to the core count (Debian's build starts
// with one), flushes denormal floats to zero and tells glibc to keep freed
// memory for reuse. Call first thing in main, before any thread starts (the
// allocator and floating-point settings reach only threads made afterwards);
// safe to call again.
void initRuntime();

// Threads LibTorch computes with after initRuntime().
int computeThreads();

// "CPU (2 threads)" or the CUDA device's name: what the status bar shows.
std::string deviceDescription();

// LibTorch's version, e.g. "1.13.1".
std::string torchVersion();

} // namespace issuebert
