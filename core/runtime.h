// Process-wide LibTorch set-up shared by the GUI, the CLI and the benchmarks.
#pragma once

#include "core/model/precision.h"

#include <string>

namespace issuebert {

// Sets LibTorch's intra-op threads to the core count (Debian's build starts
// with one; divided among the processes of a data-parallel run on this
// machine, LOCAL_WORLD_SIZE), flushes denormal floats to zero and tells glibc to keep freed
// memory for reuse. Call first thing in main, before any thread starts (the
// allocator and floating-point settings reach only threads made afterwards);
// safe to call again.
void initRuntime();

// LibTorch's OpenMP threads spin while they wait for work (libgomp's default
// "active" policy); with other programs on the cores — a desktop, a build, the
// GUI's own thread — spinning steals the time the work needs (MiniLM on 2 busy
// cores: 4.9 samples/s spinning against 9.0 passive). libgomp reads
// OMP_WAIT_POLICY once, when it loads, before main: so this starts the program
// again (execv of /proc/self/exe with argv) with it set to PASSIVE, unless the
// user set it. Returns only when nothing was done or the exec failed.
void preferPassiveOpenMP(char** argv);

// Hands the heap's free memory back to the system (glibc's malloc_trim):
// initRuntime() tells glibc to keep it, which makes every step fast but would
// hold a finished training job's gigabytes until exit. Call after a job.
void releaseFreeMemory();

// Threads LibTorch computes with after initRuntime().
int computeThreads();

// "CPU (2 threads)" or the CUDA device's name: what the status bar shows.
std::string deviceDescription();

// Whether LibTorch sees a CUDA device.
bool cudaAvailable();

// What a run asking for this precision computes in, and why, on the device
// "auto" (or cpu, when cpuOnly) resolves to here: precision.h's policy with
// this machine's facts.
PrecisionChoice precisionHere(Precision requested, bool cpuOnly = false);

// LibTorch's version, e.g. "1.13.1".
std::string torchVersion();

} // namespace issuebert
