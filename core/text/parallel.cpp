// Chunked work over std::threads with progress on the caller's thread.
#include "core/text/parallel.h"

#include "core/io/errors.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace issuebert {

namespace {

// Most items one claim takes: small enough to balance and to notice cancel soon.
constexpr std::size_t kMaxChunk = 256;
// Least time between two progress calls.
constexpr auto kProgressInterval = std::chrono::milliseconds(50);

bool cancelled(const std::atomic<bool>* cancel) {
    return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

} // namespace

void parallelChunks(std::size_t count, int threads,
                    const std::function<void(std::size_t, std::size_t)>& work,
                    const std::function<void(std::size_t, std::size_t)>& progress,
                    const std::atomic<bool>* cancel) {
    std::size_t workers = threads > 0 ? static_cast<std::size_t>(threads)
                                      : std::max(1u, std::thread::hardware_concurrency());
    const std::size_t chunk = std::clamp<std::size_t>(count / (workers * 8), 1, kMaxChunk);
    workers = std::min(workers, std::max<std::size_t>(1, (count + chunk - 1) / chunk));

    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    // Claims and works chunks until none is left or cancel is set; afterChunk
    // runs after each.
    const auto claimChunks = [&](const auto& afterChunk) {
        while (!cancelled(cancel)) {
            const std::size_t begin = next.fetch_add(chunk);
            if (begin >= count) {
                break;
            }
            const std::size_t end = std::min(count, begin + chunk);
            work(begin, end);
            done.fetch_add(end - begin);
            afterChunk();
        }
    };

    auto lastReport = std::chrono::steady_clock::now();
    const auto report = [&](bool force) {
        const auto now = std::chrono::steady_clock::now();
        if (progress && (force || now - lastReport >= kProgressInterval)) {
            lastReport = now;
            progress(std::min(done.load(), count), count);
        }
    };

    report(true); // "0 of N" at once, so a caller can show the work has started
    if (workers == 1) {
        // One thread: work on the caller's, reporting between chunks.
        claimChunks([&] { report(false); });
    } else {
        std::mutex mutex;
        std::condition_variable wake;
        std::exception_ptr error; // guarded by mutex
        const auto loop = [&] {
            try {
                claimChunks([&] { wake.notify_one(); });
            } catch (...) {
                const std::lock_guard lock(mutex);
                if (!error) {
                    error = std::current_exception();
                }
                next.store(count); // the others stop at their next claim
            }
            wake.notify_one();
        };
        std::vector<std::thread> pool;
        pool.reserve(workers);
        for (std::size_t t = 0; t < workers; ++t) {
            pool.emplace_back(loop);
        }
        {
            std::unique_lock lock(mutex);
            while (done.load() < count && !error && !cancelled(cancel)) {
                wake.wait_for(lock, kProgressInterval);
                lock.unlock();
                report(false);
                lock.lock();
            }
        }
        for (std::thread& thread : pool) {
            thread.join();
        }
        if (error) {
            std::rethrow_exception(error);
        }
    }
    if (done.load() < count && cancelled(cancel)) {
        throw CancelledError();
    }
    report(true);
}

} // namespace issuebert
