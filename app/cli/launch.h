// `--nproc N`: the launcher side of a data-parallel run on this machine. It
// starts N copies of this program, ranks 0 … N-1, with torchrun's variables,
// and waits for them; each copy joins the run through c10d (see
// core/train/distributed.h). The same binary runs under torchrun itself.
#pragma once

#include "app/cli/args.h"
#include "core/train/distributed.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace issuebert::cli {

// --nproc N and --dist-timeout SECONDS; work: what each process does ("trains
// on its share of every batch").
OptionTable processOptionTable(const char* work);

// A command's start in a data-parallel run. When args ask for --nproc N > 1
// and this process is not already one rank of a run: starts the N processes
// (launchLocalRun) and returns their exit code. Otherwise returns nullopt, with
// group joined when the environment makes this process one rank of a run
// (torchrun's variables, or this launcher's), and left empty for one process.
std::optional<int> launchOrJoin(const Args& args, const std::string& command,
                                std::unique_ptr<DistributedGroup>& group);

// The whole start of a command that can run as several processes: launches
// them (launchOrJoin), or runs work with the group joined (null for one
// process); what work throws is told to the other ranks, then rethrown.
int runAsProcesses(const Args& args, const std::string& command,
                   const std::function<int(DistributedGroup*)>& work);

// Runs `issuebert-cli COMMAND WORDS…` as nproc processes: RANK, WORLD_SIZE,
// LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1 and a free MASTER_PORT
// (or the caller's MASTER_PORT) set for each. Rank 0's output passes through;
// the others' standard output is dropped (their errors still reach standard
// error, each line prefixed "[rank R] "). Ctrl-C reaches every process, which
// stop together; a SIGTERM to the launcher is passed on to them, and should
// the launcher die, each rank gets a SIGHUP (a stop, as Ctrl-C). A rank that dies is named ("rank 1
// was killed by signal 9"); the others stop on their own within timeout, and any still running
// timeout + 10 s later are terminated. Returns 0 when every rank succeeded, else the exit code of
// the first rank that failed (1 for one killed).
int launchLocalRun(const std::string& command, const std::vector<std::string>& words, int nproc,
                   std::chrono::seconds timeout);

// words without the launcher's own options (--nproc N, --nproc=N).
std::vector<std::string> withoutLauncherOptions(const std::vector<std::string>& words);

} // namespace issuebert::cli
