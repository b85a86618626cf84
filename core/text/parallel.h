// Splits index ranges over worker threads for the encoder's bulk functions,
// with progress reported from the calling thread and a cancel flag.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>

namespace issuebert {

// Calls work(begin, end) over chunks of [0, count) on `threads` threads (0 =
// all cores); progress(done, count) runs on the calling thread: once before
// any work, then at most every 50 ms, and once at the end. Throws CancelledError once *cancel is
// set, and rethrows the first exception a worker threw.
void parallelChunks(std::size_t count, int threads,
                    const std::function<void(std::size_t, std::size_t)>& work,
                    const std::function<void(std::size_t, std::size_t)>& progress,
                    const std::atomic<bool>* cancel);

} // namespace issuebert
