// The process group of a data-parallel run: c10d's TCPStore for the
// rendezvous (rank 0 hosts it) and ProcessGroupGloo for the collectives, as
// PyTorch's DistributedDataParallel uses them. Every collective waits at most
// the run's timeout; a process that died, hung or failed makes the others
// throw a DistributedError naming its rank.
#pragma once

#include "core/io/errors.h"
#include "core/train/distributed.h"

#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace issuebert {

// Another process of the run died, hung, failed or could not be reached.
class DistributedError : public Error {
public:
    explicit DistributedError(const std::string& message) : Error(ErrorKind::Io, message) {}
};

class DataParallel {
public:
    // Joins the run: waits up to timeout for every rank to arrive. A
    // DistributedError says what failed (rank 0's port in use, the master
    // unreachable, a rank that never came).
    DataParallel(const DistributedEnv& env, std::chrono::milliseconds timeout);
    ~DataParallel();
    DataParallel(const DataParallel&) = delete;
    DataParallel& operator=(const DataParallel&) = delete;

    int rank() const { return m_env.rank; }
    int size() const { return m_env.worldSize; }
    bool isMain() const { return m_env.rank == 0; }
    const DistributedEnv& env() const { return m_env; }
    // This rank's rows of n (shareOf).
    std::pair<std::size_t, std::size_t> share(std::size_t n) const {
        return shareOf(n, m_env.rank, m_env.worldSize);
    }

    // Rank 0's values of tensors (CPU or one device, any dtype) into every rank's.
    void broadcastFromMain(const std::vector<torch::Tensor>& tensors);
    // Each parameter's gradient replaced by its sum over the ranks, in buckets
    // of about 25 MB. A gradient undefined here but defined on another rank
    // counts as zeros and is defined afterwards; one no rank has stays undefined.
    void sumGradients(const std::vector<torch::Tensor>& params);
    // values summed over the ranks (small: losses, flags, counts).
    std::vector<double> sum(std::vector<double> values);
    // Every rank's rows (share(n) of n rows each, in rank order) on every rank:
    // local is [share rows, ...], the result [n, ...].
    torch::Tensor gatherRows(const torch::Tensor& local, std::size_t n);

    // Says, through the rendezvous store, that this rank failed and why: the
    // others name it in their error instead of only seeing it go.
    void reportFailure(const std::string& message) noexcept;

private:
    friend class GradientReducer;
    struct Impl;
    DistributedEnv m_env;
    std::unique_ptr<Impl> m_impl;
};

// Sums gradients across the ranks while the backward pass runs, as DDP's
// Reducer does: the parameters in buckets of about 25 MB (last layers first,
// as their gradients are ready first), each gradient a view of its bucket's
// flat buffer (autograd accumulates into it in place: no copies), and a hook
// after each parameter's accumulation that starts its bucket's sum when the
// bucket is complete. Buckets start in the same order on every rank.
class GradientReducer {
public:
    // params: those that receive gradients (the others keep none). rowSparse,
    // when defined and among them, is an embedding table whose gradient only
    // has rows where the step's tokens are: it stays out of the buckets and
    // only those rows are summed (arm's tokens).
    GradientReducer(DataParallel& group, const std::vector<torch::Tensor>& params,
                    const torch::Tensor& rowSparse = {});
    ~GradientReducer();
    GradientReducer(const GradientReducer&) = delete;
    GradientReducer& operator=(const GradientReducer&) = delete;

    // The next backward pass is the step's last (gradient accumulation): start
    // the sums as buckets fill. tokens: every token id of the whole step (all
    // ranks' rows, sorted, without repeats, padding included): the rows of
    // rowSparse's gradient that can be other than zero on some rank.
    void arm(const std::vector<std::int64_t>& tokens = {});
    // Starts any bucket not started yet and waits for every sum: the
    // gradients are then the step's, summed over the ranks.
    void finish();
    // Zeros every gradient (the buckets) for the next step.
    void zero();

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

} // namespace issuebert
