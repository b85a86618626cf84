// c10d's TCPStore and ProcessGroupGloo behind DataParallel (see
// data_parallel.h). Built without them (ISSUEBERT_HAVE_C10D unset) every run
// is one process and joining a group says why it cannot.
#include "core/train/data_parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>

#ifdef ISSUEBERT_HAVE_C10D
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/function_hook.h>
#include <torch/csrc/autograd/variable.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <mutex>
#endif

namespace issuebert {

DistributedGroup::DistributedGroup(const DistributedEnv& env, std::chrono::milliseconds timeout)
    : m_group(std::make_unique<DataParallel>(env, timeout)) {}

DistributedGroup::~DistributedGroup() = default;

int DistributedGroup::rank() const {
    return m_group->rank();
}

int DistributedGroup::size() const {
    return m_group->size();
}

void DistributedGroup::reportFailure(const std::string& message) noexcept {
    m_group->reportFailure(message);
}

std::vector<float> DistributedGroup::gatherRows(const std::vector<float>& local, std::size_t n,
                                                std::size_t width) {
    const auto columns = static_cast<std::int64_t>(width);
    const auto rows = static_cast<std::int64_t>(local.size()) / std::max<std::int64_t>(1, columns);
    const auto mine = torch::tensor(local, torch::kFloat32).view({rows, columns});
    const auto all = m_group->gatherRows(mine, n).contiguous();
    const auto* data = all.data_ptr<float>();
    return std::vector<float>(data, data + all.numel());
}

#ifdef ISSUEBERT_HAVE_C10D

namespace {

// A rank's sign of life in the store, and how often it is given.
constexpr auto kBeatInterval = std::chrono::milliseconds(250);
// Buckets of gradients reduced together: fewer, larger messages.
constexpr std::int64_t kBucketBytes = 25LL * 1024 * 1024;

std::string beatKey(int rank) {
    return "issuebert/beat/" + std::to_string(rank);
}
std::string failedKey(int rank) {
    return "issuebert/failed/" + std::to_string(rank);
}

std::string where(const DistributedEnv& env) {
    return env.masterAddr + ":" + std::to_string(env.masterPort);
}

c10::intrusive_ptr<c10d::TCPStore> connectStore(const DistributedEnv& env, bool server,
                                                std::chrono::milliseconds timeout) {
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(env.masterPort);
    options.isServer = server;
    options.numWorkers = server ? c10::optional<std::size_t>(env.worldSize) : c10::nullopt;
    options.waitWorkers = false;
    options.timeout = timeout;
    return c10::make_intrusive<c10d::TCPStore>(env.masterAddr, options);
}

// The network device Gloo's pairs use: the interface GLOO_SOCKET_IFNAME names
// (as in PyTorch), loopback for a run on this machine, else the host's name.
std::shared_ptr<::gloo::transport::Device> glooDevice(const DistributedEnv& env) {
    if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname != nullptr && *ifname) {
        return c10d::ProcessGroupGloo::createDeviceForInterface(ifname);
    }
    if (env.masterAddr == "127.0.0.1" || env.masterAddr == "localhost") {
        return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
    }
    return c10d::ProcessGroupGloo::createDefaultDevice();
}

} // namespace

struct DataParallel::Impl {
    DistributedEnv env;
    std::chrono::milliseconds timeout;
    c10::intrusive_ptr<c10d::TCPStore> store; // rank 0: the server
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
    // The heartbeat: its own client, so a collective's wait never delays it.
    c10::intrusive_ptr<c10d::TCPStore> beatStore;
    std::atomic<bool> stopBeating{false};
    std::thread beater;

    void beat() {
        while (!stopBeating.load()) {
            try {
                beatStore->add(beatKey(env.rank), 1);
            } catch (const std::exception&) {
                return; // the store is gone: the collectives will say so
            }
            std::this_thread::sleep_for(kBeatInterval);
        }
    }

    // Why a collective failed, with the rank to blame: one that said it
    // failed, else one whose heartbeat stopped, else rank 0 when the store it
    // hosts is gone.
    std::string diagnose(const std::string& what) {
        const std::string self = "rank " + std::to_string(env.rank) + " stops";
        try {
            c10::intrusive_ptr<c10d::TCPStore> probe = connectStore(env, false, timeout);
            for (int r = 0; r < env.worldSize; ++r) {
                if (r != env.rank && probe->check({failedKey(r)})) {
                    const auto bytes = probe->get(failedKey(r));
                    return "rank " + std::to_string(r) +
                           " failed: " + std::string(bytes.begin(), bytes.end()) + " (" + self +
                           ")";
                }
            }
            std::vector<std::int64_t> before(static_cast<std::size_t>(env.worldSize));
            for (int r = 0; r < env.worldSize; ++r) {
                before[static_cast<std::size_t>(r)] = probe->add(beatKey(r), 0);
            }
            std::this_thread::sleep_for(kBeatInterval * 6);
            for (int r = 0; r < env.worldSize; ++r) {
                if (r != env.rank &&
                    probe->add(beatKey(r), 0) == before[static_cast<std::size_t>(r)]) {
                    return "rank " + std::to_string(r) +
                           " stopped answering: its process died or hung (" + self + "; " + what +
                           ")";
                }
            }
        } catch (const std::exception&) {
            if (env.rank != 0) {
                return "rank 0 is gone: the rendezvous store it hosts at " + where(env) +
                       " does not answer (" + self + "; " + what + ")";
            }
        }
        return "a collective operation failed or took longer than " +
               std::to_string(timeout.count() / 1000) + " s (" + self + "): " + what;
    }

    // Waits for work; a failure becomes a DistributedError naming the rank.
    void wait(const c10::intrusive_ptr<c10d::Work>& work) {
        try {
            work->wait(timeout);
        } catch (const std::exception& e) {
            throw DistributedError(diagnose(e.what()));
        }
    }

    template <class Start>
    c10::intrusive_ptr<c10d::Work> start(Start&& startWork) {
        try {
            return startWork();
        } catch (const std::exception& e) {
            throw DistributedError(diagnose(e.what()));
        }
    }
};

DataParallel::DataParallel(const DistributedEnv& env, std::chrono::milliseconds timeout)
    : m_env(env), m_impl(std::make_unique<Impl>()) {
    Impl& d = *m_impl;
    d.env = env;
    d.timeout = timeout;
    try {
        d.store = connectStore(env, env.rank == 0, timeout);
    } catch (const std::exception& e) {
        throw DistributedError(
            env.rank == 0
                ? "rank 0 cannot host the rendezvous store at " + where(env) +
                      " (is the port in use? choose another MASTER_PORT): " + e.what()
                : "rank " + std::to_string(env.rank) +
                      " cannot reach rank 0's rendezvous store at " + where(env) + " within " +
                      std::to_string(timeout.count() / 1000) + " s: " + e.what());
    }
    try {
        auto options = c10d::ProcessGroupGloo::Options::create(timeout);
        options->devices.push_back(glooDevice(env));
        d.group =
            c10::make_intrusive<c10d::ProcessGroupGloo>(d.store, env.rank, env.worldSize, options);
        d.beatStore = connectStore(env, false, timeout);
    } catch (const std::exception& e) {
        throw DistributedError("rank " + std::to_string(env.rank) + " could not join the " +
                               std::to_string(env.worldSize) + " processes at " + where(env) +
                               " within " + std::to_string(timeout.count() / 1000) +
                               " s: " + e.what());
    }
    d.beater = std::thread([&d] { d.beat(); });
}

DataParallel::~DataParallel() {
    m_impl->stopBeating = true;
    if (m_impl->beater.joinable()) {
        m_impl->beater.join();
    }
}

void DataParallel::reportFailure(const std::string& message) noexcept {
    try {
        m_impl->beatStore->set(failedKey(m_env.rank),
                               std::vector<std::uint8_t>(message.begin(), message.end()));
    } catch (...) {
        // The store is gone too: the others will find this rank silent.
    }
}

void DataParallel::broadcastFromMain(const std::vector<torch::Tensor>& tensors) {
    torch::NoGradGuard noGrad;
    for (const auto& tensor : tensors) {
        std::vector<at::Tensor> one{tensor.contiguous()};
        m_impl->wait(m_impl->start([&] { return m_impl->group->broadcast(one); }));
        if (!one.front().is_same(tensor)) {
            tensor.copy_(one.front());
        }
    }
}

void DataParallel::sumGradients(const std::vector<torch::Tensor>& params) {
    torch::NoGradGuard noGrad;
    // Which parameters have a gradient on some rank: a parameter no rank
    // computed one for (a pooler the head does not read) keeps none, as in
    // one process, so the optimizer leaves it alone.
    std::vector<double> has(params.size());
    for (std::size_t p = 0; p < params.size(); ++p) {
        has[p] = params[p].grad().defined() ? 1.0 : 0.0;
    }
    has = sum(std::move(has));
    // Buckets of same-dtype gradients, flattened, reduced, copied back.
    std::vector<torch::Tensor> grads;
    for (std::size_t p = 0; p < params.size(); ++p) {
        if (has[p] == 0.0) {
            continue;
        }
        const auto& param = params[p];
        if (!param.grad().defined()) {
            param.mutable_grad() = torch::zeros_like(param);
        }
        grads.push_back(param.grad());
    }
    std::size_t i = 0;
    while (i < grads.size()) {
        std::vector<torch::Tensor> bucket{grads[i]};
        std::int64_t bytes = grads[i].numel() * grads[i].element_size();
        std::size_t j = i + 1;
        for (; j < grads.size() && grads[j].scalar_type() == grads[i].scalar_type() &&
               grads[j].device() == grads[i].device() && bytes < kBucketBytes;
             ++j) {
            bucket.push_back(grads[j]);
            bytes += grads[j].numel() * grads[j].element_size();
        }
        std::vector<torch::Tensor> flat;
        flat.reserve(bucket.size());
        for (const auto& grad : bucket) {
            flat.push_back(grad.reshape({-1}));
        }
        std::vector<at::Tensor> joined{torch::cat(flat)};
        m_impl->wait(m_impl->start([&] { return m_impl->group->allreduce(joined); }));
        std::int64_t offset = 0;
        for (auto& grad : bucket) {
            grad.copy_(joined.front().narrow(0, offset, grad.numel()).view_as(grad));
            offset += grad.numel();
        }
        i = j;
    }
}

std::vector<double> DataParallel::sum(std::vector<double> values) {
    std::vector<at::Tensor> one{torch::tensor(values, torch::kFloat64)};
    m_impl->wait(m_impl->start([&] { return m_impl->group->allreduce(one); }));
    const auto* data = one.front().data_ptr<double>();
    return std::vector<double>(data, data + values.size());
}

torch::Tensor DataParallel::gatherRows(const torch::Tensor& local, std::size_t n) {
    torch::NoGradGuard noGrad;
    // Gloo gathers equal shapes: every share padded to the largest.
    const auto largest = static_cast<std::int64_t>(shareOf(n, 0, size()).second);
    auto shape = local.sizes().vec();
    shape[0] = largest;
    auto padded = torch::zeros(shape, local.options());
    padded.narrow(0, 0, local.size(0)).copy_(local);
    std::vector<std::vector<at::Tensor>> outputs(1);
    for (int r = 0; r < size(); ++r) {
        outputs.front().push_back(torch::empty_like(padded));
    }
    std::vector<at::Tensor> inputs{padded};
    m_impl->wait(m_impl->start([&] { return m_impl->group->allgather(outputs, inputs); }));
    std::vector<torch::Tensor> rows;
    for (int r = 0; r < size(); ++r) {
        const auto [first, last] = shareOf(n, r, size());
        rows.push_back(outputs.front()[static_cast<std::size_t>(r)].narrow(
            0, 0, static_cast<std::int64_t>(last - first)));
    }
    return torch::cat(rows);
}

struct GradientReducer::Impl {
    struct Bucket {
        torch::Tensor flat;      // the gradients of its parameters, end to end
        std::size_t params = 0;  // how many
        std::size_t pending = 0; // not yet accumulated in this backward pass
        c10::intrusive_ptr<c10d::Work> work;
    };

    DataParallel::Impl* group = nullptr;
    std::vector<Bucket> buckets;
    torch::Tensor rowSparse;           // an embedding table summed by rows, or undefined
    torch::Tensor rows;                // the rows this step sums: int64 [R]
    std::vector<std::size_t> bucketOf; // by parameter
    // The accumulators autograd keeps only weakly: held, so the hooks stay.
    std::vector<std::shared_ptr<torch::autograd::Node>> accumulators;
    std::vector<std::uintptr_t> hookKeys;
    std::mutex mutex; // the hooks may run on autograd's threads
    bool armed = false;
    std::size_t nextToStart = 0;

    void start(std::size_t b) {
        std::vector<at::Tensor> one{buckets[b].flat};
        buckets[b].work = group->start([&] { return group->group->allreduce(one); });
    }
    // Starts the complete buckets in index order, from the next one on.
    void startReady() {
        while (nextToStart < buckets.size() && buckets[nextToStart].pending == 0) {
            start(nextToStart++);
        }
    }
    void ready(std::size_t param) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (!armed) {
            return;
        }
        Bucket& bucket = buckets[bucketOf[param]];
        if (bucket.pending > 0) {
            --bucket.pending;
        }
        startReady();
    }
};

namespace {

// After autograd has accumulated a parameter's gradient: its bucket may be complete.
class ReadyHook : public torch::autograd::FunctionPostHook {
public:
    ReadyHook(GradientReducer::Impl* reducer, std::size_t param)
        : m_reducer(reducer), m_param(param) {}
    torch::autograd::variable_list
    operator()(const torch::autograd::variable_list& outputs,
               const torch::autograd::variable_list& /*inputs*/) override {
        m_reducer->ready(m_param);
        return outputs;
    }

private:
    GradientReducer::Impl* m_reducer;
    std::size_t m_param;
};

} // namespace

GradientReducer::GradientReducer(DataParallel& group, const std::vector<torch::Tensor>& all,
                                 const torch::Tensor& rowSparse)
    : m_impl(std::make_unique<Impl>()) {
    Impl& d = *m_impl;
    d.group = group.m_impl.get();
    std::vector<torch::Tensor> params;
    for (const auto& param : all) {
        if (rowSparse.defined() && param.is_same(rowSparse)) {
            d.rowSparse = param; // summed by rows in finish()
            param.mutable_grad() = torch::zeros_like(param);
        } else {
            params.push_back(param);
        }
    }
    d.bucketOf.assign(params.size(), 0);
    // Last parameters first: backward reaches them first.
    std::vector<std::vector<std::size_t>> members;
    std::int64_t bytes = 0;
    for (std::size_t k = params.size(); k-- > 0;) {
        const std::int64_t size = params[k].numel() * params[k].element_size();
        const bool sameKind =
            !members.empty() &&
            params[members.back().front()].scalar_type() == params[k].scalar_type() &&
            params[members.back().front()].device() == params[k].device();
        if (!sameKind || (bytes > 0 && bytes + size > kBucketBytes)) {
            members.emplace_back();
            bytes = 0;
        }
        members.back().push_back(k);
        bytes += size;
    }
    torch::NoGradGuard noGrad;
    for (std::size_t b = 0; b < members.size(); ++b) {
        std::int64_t total = 0;
        for (const std::size_t k : members[b]) {
            total += params[k].numel();
        }
        Impl::Bucket bucket;
        bucket.flat = torch::zeros({total}, params[members[b].front()].options());
        bucket.params = members[b].size();
        std::int64_t offset = 0;
        for (const std::size_t k : members[b]) {
            const torch::Tensor& param = params[k];
            param.mutable_grad() = bucket.flat.narrow(0, offset, param.numel()).view_as(param);
            offset += param.numel();
            d.bucketOf[k] = b;
        }
        d.buckets.push_back(std::move(bucket));
    }
    for (std::size_t k = 0; k < params.size(); ++k) {
        auto accumulator = torch::autograd::impl::grad_accumulator(params[k]);
        d.hookKeys.push_back(accumulator->add_post_hook(std::make_unique<ReadyHook>(&d, k)));
        d.accumulators.push_back(std::move(accumulator));
    }
}

GradientReducer::~GradientReducer() {
    for (std::size_t k = 0; k < m_impl->accumulators.size(); ++k) {
        m_impl->accumulators[k]->del_post_hook(m_impl->hookKeys[k]);
    }
}

void GradientReducer::arm(const std::vector<std::int64_t>& tokens) {
    Impl& d = *m_impl;
    const std::lock_guard<std::mutex> lock(d.mutex);
    if (d.rowSparse.defined()) {
        // Without the tokens every row is summed.
        d.rows = tokens.empty() ? torch::arange(d.rowSparse.size(0), torch::kInt64)
                                : torch::tensor(tokens, torch::kInt64);
        d.rows = d.rows.to(d.rowSparse.device());
    }
    d.armed = true;
    d.nextToStart = 0;
    for (auto& bucket : d.buckets) {
        bucket.pending = bucket.params;
        bucket.work.reset();
    }
}

void GradientReducer::finish() {
    Impl& d = *m_impl;
    {
        const std::lock_guard<std::mutex> lock(d.mutex);
        // A parameter this pass did not reach leaves its bucket incomplete:
        // start the rest, in order.
        while (d.nextToStart < d.buckets.size()) {
            d.start(d.nextToStart++);
        }
        d.armed = false;
    }
    // The embedding table: only the rows some rank's tokens reached (the
    // others are zero everywhere, so their sum is too).
    torch::Tensor picked;
    c10::intrusive_ptr<c10d::Work> rowsWork;
    if (d.rowSparse.defined()) {
        torch::NoGradGuard noGrad;
        std::vector<at::Tensor> one{d.rowSparse.grad().index_select(0, d.rows)};
        rowsWork = d.group->start([&] { return d.group->group->allreduce(one); });
        picked = one.front();
    }
    for (auto& bucket : d.buckets) {
        d.group->wait(bucket.work);
        bucket.work.reset();
    }
    if (rowsWork) {
        d.group->wait(rowsWork);
        torch::NoGradGuard noGrad;
        d.rowSparse.mutable_grad().index_copy_(0, d.rows, picked);
    }
}

void GradientReducer::zero() {
    Impl& d = *m_impl;
    for (auto& bucket : d.buckets) {
        bucket.flat.zero_();
    }
    if (d.rowSparse.defined()) {
        torch::NoGradGuard noGrad;
        // Only the summed rows can be other than zero.
        if (d.rows.defined()) {
            d.rowSparse.mutable_grad().index_fill_(0, d.rows, 0.0);
        } else {
            d.rowSparse.mutable_grad().zero_();
        }
    }
}

bool distributedAvailable() {
    return true;
}

#else // no c10d in this build

struct DataParallel::Impl {};

DataParallel::DataParallel(const DistributedEnv& env, std::chrono::milliseconds /*timeout*/)
    : m_env(env) {
    throw DistributedError("this build of IssueBERT has no c10d (LibTorch's distributed "
                           "engine with Gloo): it trains in one process only");
}
DataParallel::~DataParallel() = default;
void DataParallel::reportFailure(const std::string& /*message*/) noexcept {}
void DataParallel::broadcastFromMain(const std::vector<torch::Tensor>& /*tensors*/) {}
void DataParallel::sumGradients(const std::vector<torch::Tensor>& /*params*/) {}
std::vector<double> DataParallel::sum(std::vector<double> values) {
    return values;
}
torch::Tensor DataParallel::gatherRows(const torch::Tensor& local, std::size_t /*n*/) {
    return local;
}
struct GradientReducer::Impl {};
GradientReducer::GradientReducer(DataParallel& /*group*/,
                                 const std::vector<torch::Tensor>& /*params*/,
                                 const torch::Tensor& /*rowSparse*/) {}
GradientReducer::~GradientReducer() = default;
void GradientReducer::arm(const std::vector<std::int64_t>& /*tokens*/) {}
void GradientReducer::finish() {}
void GradientReducer::zero() {}
bool distributedAvailable() {
    return false;
}

#endif

} // namespace issuebert
