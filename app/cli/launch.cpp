// Starting and watching the local ranks of a data-parallel run (see launch.h).
#include "app/cli/launch.h"

#include "app/cli/commands.h"

#include "core/io/errors.h"
#include "core/train/distributed.h"

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <iostream>
#include <map>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace issuebert::cli {

namespace {

// Set by the launcher's SIGTERM handler.
volatile std::sig_atomic_t terminateRequested = 0;

struct Rank {
    int rank = 0;
    pid_t pid = -1;
    int errorPipe = -1;  // the read end of its standard error (ranks > 0)
    std::string pending; // a partial line of it
};

// The environment of rank: this process's, with the run's variables set.
std::vector<std::string> environmentOf(int rank, int nproc, int port) {
    const std::map<std::string, std::string> run = {
        {"RANK", std::to_string(rank)},       {"WORLD_SIZE", std::to_string(nproc)},
        {"LOCAL_RANK", std::to_string(rank)}, {"LOCAL_WORLD_SIZE", std::to_string(nproc)},
        {"MASTER_ADDR", "127.0.0.1"},         {"MASTER_PORT", std::to_string(port)},
    };
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry(*e);
        if (run.count(entry.substr(0, entry.find('='))) == 0) {
            env.push_back(entry);
        }
    }
    for (const auto& [name, value] : run) {
        env.push_back(name + "=" + value);
    }
    return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) {
        out.push_back(s.data());
    }
    out.push_back(nullptr);
    return out;
}

// Forwards what rank r wrote to standard error, a whole line at a time.
void forwardErrors(Rank& r, bool flushAll) {
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(r.errorPipe, buffer, sizeof buffer);
        if (n <= 0) {
            break;
        }
        r.pending.append(buffer, static_cast<std::size_t>(n));
    }
    std::size_t newline = 0;
    while ((newline = r.pending.find('\n')) != std::string::npos) {
        std::cerr << "[rank " << r.rank << "] " << r.pending.substr(0, newline + 1);
        r.pending.erase(0, newline + 1);
    }
    if (flushAll && !r.pending.empty()) {
        std::cerr << "[rank " << r.rank << "] " << r.pending << '\n';
        r.pending.clear();
    }
}

std::string describeStatus(int rank, int status) {
    if (WIFSIGNALED(status)) {
        const int signal = WTERMSIG(status);
        const char* name = ::strsignal(signal);
        return "rank " + std::to_string(rank) + " was killed by signal " + std::to_string(signal) +
               (name != nullptr ? std::string(" (") + name + ")" : std::string());
    }
    return "rank " + std::to_string(rank) + " exited with code " +
           std::to_string(WEXITSTATUS(status));
}

} // namespace

OptionTable processOptionTable(const char* work) {
    static std::deque<std::string> help; // Option keeps the text's address
    help.push_back(std::string("N processes on this machine, each\n") + work +
                   " (c10d with Gloo;\nthe cores divided between them). Under torchrun\n"
                   "(RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT set)\n"
                   "the processes come from it");
    return {{"nproc", "N", help.back().c_str()},
            {"dist-timeout", "SECONDS",
             "how long a process waits for the others before the run stops,\n"
             "naming the rank that did not answer (default 60)"}};
}

std::optional<int> launchOrJoin(const Args& args, const std::string& command,
                                std::unique_ptr<DistributedGroup>& group) {
    const auto timeout = std::chrono::seconds(args.intValue(
        "dist-timeout", static_cast<int>(kDefaultDistributedTimeout.count()), 1, 24 * 3600));
    const std::optional<DistributedEnv> env = distributedEnvFromEnvironment();
    const int nproc = args.intValue("nproc", 1, 1, 1024);
    if (nproc > 1 && !env) {
        if (!distributedAvailable()) {
            throw UsageError("--nproc: this build of issuebert-cli has no c10d (LibTorch's "
                             "distributed engine with Gloo); it runs in one process");
        }
        return launchLocalRun(command, withoutLauncherOptions(args.words()), nproc, timeout);
    }
    if (env && env->worldSize > 1) {
        group = std::make_unique<DistributedGroup>(*env, timeout);
    }
    return std::nullopt;
}

int runAsProcesses(const Args& args, const std::string& command,
                   const std::function<int(DistributedGroup*)>& work) {
    std::unique_ptr<DistributedGroup> group;
    if (const auto launched = launchOrJoin(args, command, group)) {
        return *launched;
    }
    try {
        return work(group.get());
    } catch (const std::exception& e) {
        if (group) {
            group->reportFailure(e.what());
        }
        throw;
    }
}

std::vector<std::string> withoutLauncherOptions(const std::vector<std::string>& words) {
    std::vector<std::string> kept;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (words[i] == "--nproc") {
            ++i; // and its value
            continue;
        }
        if (words[i].rfind("--nproc=", 0) == 0) {
            continue;
        }
        kept.push_back(words[i]);
    }
    return kept;
}

int launchLocalRun(const std::string& command, const std::vector<std::string>& words, int nproc,
                   std::chrono::seconds timeout) {
    int port = 0;
    if (const char* given = std::getenv("MASTER_PORT"); given != nullptr && *given) {
        port = std::atoi(given);
    }
    if (port <= 0 || port > 65535) {
        port = freeLocalPort();
    }
    std::vector<std::string> argv = {"/proc/self/exe", command};
    argv.insert(argv.end(), words.begin(), words.end());
    // Ctrl-C goes to every rank (one process group, the terminal's); the
    // launcher itself waits for them to stop. A SIGTERM sent to the launcher
    // alone is passed on to them (they stop as on Ctrl-C).
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    struct sigaction onTerm {};
    onTerm.sa_handler = [](int) { terminateRequested = 1; };
    struct sigaction oldInt {};
    struct sigaction oldTerm {};
    terminateRequested = 0;
    ::sigaction(SIGINT, &ignore, &oldInt);
    ::sigaction(SIGTERM, &onTerm, &oldTerm);
    const pid_t launcher = ::getpid();

    std::vector<Rank> ranks(static_cast<std::size_t>(nproc));
    for (int rank = 0; rank < nproc; ++rank) {
        Rank& r = ranks[static_cast<std::size_t>(rank)];
        r.rank = rank;
        int pipeEnds[2] = {-1, -1};
        if (rank > 0 && ::pipe(pipeEnds) != 0) {
            throw IoError(std::string("cannot start rank ") + std::to_string(rank) + ": " +
                          std::strerror(errno));
        }
        auto env = environmentOf(rank, nproc, port);
        auto args = argv;
        auto envp = pointers(env);
        auto argp = pointers(args);
        const pid_t pid = ::fork();
        if (pid < 0) {
            throw IoError(std::string("cannot start rank ") + std::to_string(rank) + ": " +
                          std::strerror(errno));
        }
        if (pid == 0) {
            ::sigaction(SIGINT, &oldInt, nullptr);
            ::sigaction(SIGTERM, &oldTerm, nullptr);
            // Should the launcher be killed, each rank is told to stop (SIGHUP,
            // one per thread of the launcher: a stop, last/ kept, never more)
            // instead of training on unwatched.
            ::prctl(PR_SET_PDEATHSIG, SIGHUP);
            if (::getppid() != launcher) {
                std::_Exit(1);
            }
            if (rank > 0) {
                // A launcher gone closes the pipe: writing to it must fail, not kill.
                ::signal(SIGPIPE, SIG_IGN);
                const int devnull = ::open("/dev/null", O_WRONLY);
                ::dup2(devnull, STDOUT_FILENO);
                ::dup2(pipeEnds[1], STDERR_FILENO);
                ::close(pipeEnds[0]);
                ::close(pipeEnds[1]);
            }
            ::execve("/proc/self/exe", argp.data(), envp.data());
            std::_Exit(127);
        }
        r.pid = pid;
        if (rank > 0) {
            ::close(pipeEnds[1]);
            r.errorPipe = pipeEnds[0];
            ::fcntl(r.errorPipe, F_SETFL, O_NONBLOCK);
        }
    }

    int exitCode = 0;
    int running = nproc;
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    bool terminated = false;
    bool forwarded = false;
    while (running > 0) {
        if (terminateRequested != 0 && !forwarded) {
            forwarded = true;
            for (const Rank& r : ranks) {
                if (r.pid > 0) {
                    ::kill(r.pid, SIGTERM);
                }
            }
        }
        for (Rank& r : ranks) {
            if (r.errorPipe >= 0) {
                forwardErrors(r, false);
            }
            if (r.pid < 0) {
                continue;
            }
            int status = 0;
            const pid_t done = ::waitpid(r.pid, &status, WNOHANG);
            if (done != r.pid) {
                continue;
            }
            r.pid = -1;
            --running;
            if (r.errorPipe >= 0) {
                forwardErrors(r, true);
            }
            const bool failed = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
            if (failed && exitCode == 0) {
                exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
                // Ctrl-C stops every rank with 130; each says so itself.
                const bool interrupted = WIFEXITED(status) && WEXITSTATUS(status) == 130;
                if (WIFSIGNALED(status) || (r.rank > 0 && !interrupted)) {
                    std::cerr << "issuebert-cli: " << describeStatus(r.rank, status) << '\n';
                }
                // The others notice within the timeout; then they are stopped.
                deadline = std::chrono::steady_clock::now() + timeout + std::chrono::seconds(10);
            }
        }
        if (running > 0 && !terminated && std::chrono::steady_clock::now() > deadline) {
            terminated = true;
            for (const Rank& r : ranks) {
                if (r.pid > 0) {
                    std::cerr << "issuebert-cli: rank " << r.rank
                              << " did not stop on its own; terminating it\n";
                    ::kill(r.pid, SIGKILL);
                }
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (Rank& r : ranks) {
        if (r.errorPipe >= 0) {
            ::close(r.errorPipe);
        }
    }
    ::sigaction(SIGINT, &oldInt, nullptr);
    ::sigaction(SIGTERM, &oldTerm, nullptr);
    return exitCode;
}

} // namespace issuebert::cli
