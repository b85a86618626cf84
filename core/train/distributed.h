// Data-parallel training over several processes (c10d: Gloo on CPUs), the
// LibTorch-free part the app and the CLI see: where this process stands in a
// run, as torchrun's environment says it, and which rows of a batch it takes.
// The process group itself is core/train/data_parallel.h.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace issuebert {

class DataParallel;

// torchrun's conventions: RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE,
// MASTER_ADDR, MASTER_PORT. Rank 0 hosts the rendezvous store at
// masterAddr:masterPort.
struct DistributedEnv {
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;
    int localWorldSize = 1; // processes on this machine: they share its cores
    std::string masterAddr = "127.0.0.1";
    int masterPort = 29500;
};

// The run described by the environment variables getenv returns; nullopt when
// WORLD_SIZE is unset (one process). A DataError names the variable and its
// value when one is not a number in range (RANK must be below WORLD_SIZE).
std::optional<DistributedEnv>
distributedEnvFrom(const std::function<const char*(const char*)>& getenv);
std::optional<DistributedEnv> distributedEnvFromEnvironment();

// Whether this build has c10d's Gloo backend (LibTorch built with it and
// Gloo's headers present at build time).
bool distributedAvailable();

// How long a collective waits for the other processes before the run stops
// with a message naming the rank that did not answer.
inline constexpr std::chrono::seconds kDefaultDistributedTimeout{60};

// The rows [first, second) of n that rank takes of size processes: contiguous,
// in rank order, sizes differing by at most one (the first n % size ranks take
// one more). A rank may take none when n < size.
std::pair<std::size_t, std::size_t> shareOf(std::size_t n, int rank, int size);

// A TCP port on 127.0.0.1 that nothing listens on now (the system picks it),
// for a run of local processes; IoError when no socket can be had.
int freeLocalPort();

// A joined process group as the CLI and the app hold it, without LibTorch's
// headers: hand parallel() to Trainer::setDataParallel.
class DistributedGroup {
public:
    // Joins the run (DataParallel's constructor: DistributedError on failure).
    DistributedGroup(const DistributedEnv& env, std::chrono::milliseconds timeout);
    ~DistributedGroup();
    DistributedGroup(const DistributedGroup&) = delete;
    DistributedGroup& operator=(const DistributedGroup&) = delete;

    DataParallel* parallel() { return m_group.get(); }
    int rank() const;
    int size() const;
    bool isMain() const { return rank() == 0; }
    // Tells the other ranks why this one fails (DataParallel::reportFailure).
    void reportFailure(const std::string& message) noexcept;
    // Every rank's rows of a row-major matrix of width columns (shareOf(n)
    // rows each, in rank order) on every rank: n * width values.
    std::vector<float> gatherRows(const std::vector<float>& local, std::size_t n,
                                  std::size_t width);

private:
    std::unique_ptr<DataParallel> m_group;
};

// The threads each of localWorldSize processes on a machine of cores cores
// uses: the cores divided between them, at least one.
int threadsPerProcess(int cores, int localWorldSize);

} // namespace issuebert
