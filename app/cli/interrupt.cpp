// Ctrl-C handling for the CLI's long commands (see interrupt.h).
#include "app/cli/interrupt.h"

#include <csignal>

namespace issuebert::cli {

namespace {

// Set by the handler: only a lock-free atomic may be stored from one.
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void onInterrupt(int /*signal*/) {
    g_stop.store(true);
    // A second Ctrl-C ends the process at once.
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

// A hang-up (the terminal closed, or a --nproc launcher gone: every thread of
// it that dies sends one) asks for a stop as often as it comes, never more.
extern "C" void onHangup(int /*signal*/) {
    g_stop.store(true);
}

} // namespace

InterruptGuard::InterruptGuard() {
    g_stop.store(false);
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    std::signal(SIGHUP, onHangup);
}

InterruptGuard::~InterruptGuard() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    std::signal(SIGHUP, SIG_DFL);
}

const std::atomic<bool>* InterruptGuard::flag() const {
    return &g_stop;
}

bool InterruptGuard::stopped() const {
    return g_stop.load();
}

} // namespace issuebert::cli
