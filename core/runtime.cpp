// LibTorch start-up: thread count, the C allocator's policy for large tensors,
// and the device description.
#include "core/runtime.h"

#include "core/train/distributed.h"

#include <torch/torch.h>

#include <cstdlib>
#include <thread>

#include <unistd.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace issuebert {

namespace {

// LibTorch allocates every CPU tensor with posix_memalign and frees it when
// the last reference goes; a BERT step allocates and frees hundreds of MiB of
// activations. glibc's defaults hand such blocks back to the kernel on free
// (blocks over 32 MiB are mmap'd and unmapped; the heap's free top is trimmed
// at twice the last block's size), so every step page-faults the same memory
// in again: at batch 32 × 256 tokens a third of the CPU time was the kernel's.
// Here freed memory stays in the process for the next step instead; the
// resident size stays at the peak a step needs, which it reaches anyway.
void keepFreedMemory() {
#ifdef __GLIBC__
    // No block gets its own mapping: large tensors come from the heap too,
    // where a freed one is reused by the next step.
    (void)mallopt(M_MMAP_MAX, 0);
    // Never shrink the heap (-1: no trimming).
    (void)mallopt(M_TRIM_THRESHOLD, -1);
    // Every thread allocates from the main heap. A thread's own arena is made
    // of mmap'd heaps of at most 64 MiB, so a tensor larger than that is
    // mapped and unmapped on every use whatever the settings above: training
    // runs on a worker thread. Takes effect for arenas created afterwards,
    // hence the call before any thread starts.
    (void)mallopt(M_ARENA_MAX, 1);
#endif
}

} // namespace

void preferPassiveOpenMP(char** argv) {
    if (std::getenv("OMP_WAIT_POLICY") != nullptr) {
        return;
    }
    if (setenv("OMP_WAIT_POLICY", "PASSIVE", 1) == 0) {
        execv("/proc/self/exe", argv);
    }
}

void releaseFreeMemory() {
#ifdef __GLIBC__
    // Measured after a MiniLM job: 4983 MiB resident down to 431 MiB in 0.59 s.
    (void)malloc_trim(0);
#endif
}

void initRuntime() {
    keepFreedMemory();
    // Denormal floats (below 1.2e-38) take the slow path of the x86 FPU:
    // fine-tuning with padded batches produced enough of them to make a step
    // 11x slower (train_bench, MiniLM, 32 x 128, 1.2 against 13 samples/s).
    // Flushing them to zero changes no result a classifier can tell apart.
    // The flag is per thread: LibTorch's pool threads start with the
    // caller's MXCSR, so set it before they are made; workers call this too.
    at::globalContext().setFlushDenormal(true);
    // The processes of a data-parallel run on this machine share its cores.
    const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
    int local = 1;
    try {
        if (const auto env = distributedEnvFromEnvironment()) {
            local = env->localWorldSize;
        }
    } catch (const std::exception&) {
        // A malformed variable: the run says so when it joins; here all cores.
    }
    at::set_num_threads(threadsPerProcess(static_cast<int>(cores), local));
}

int computeThreads() {
    return at::get_num_threads();
}

std::string deviceDescription() {
    if (torch::cuda::is_available()) {
        const auto count = torch::cuda::device_count();
        return "CUDA (" + std::to_string(count) + (count == 1 ? " device)" : " devices)");
    }
    const int threads = at::get_num_threads();
    return "CPU (" + std::to_string(threads) + (threads == 1 ? " thread)" : " threads)");
}

bool cudaAvailable() {
    return torch::cuda::is_available();
}

PrecisionChoice precisionHere(Precision requested, bool cpuOnly) {
    return choosePrecision(requested, !cpuOnly && cudaAvailable(), cpuFeatures(),
                           cudaAutocastAvailable());
}

std::string torchVersion() {
    return TORCH_VERSION;
}

} // namespace issuebert
