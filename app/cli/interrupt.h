// Ctrl-C for the commands that run long: the first Ctrl-C (or SIGTERM) asks
// the work to stop at its next check, a second one ends the process at once.
// SIGHUP (the terminal closed, or a --nproc launcher gone) only ever asks.
#pragma once

#include <atomic>

namespace issuebert::cli {

// While it lives, SIGINT, SIGTERM and SIGHUP set the stop flag; the default
// handlers come back when it goes. One at a time: the flag is process-wide, as
// a signal handler can reach nothing else.
class InterruptGuard {
public:
    // Clears the flag and installs the handlers.
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    // The flag core's long work polls (LoadOptions::cancel, Trainer, Predictor).
    const std::atomic<bool>* flag() const;
    // True once Ctrl-C was pressed.
    bool stopped() const;
};

} // namespace issuebert::cli
