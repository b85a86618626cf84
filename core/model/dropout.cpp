#include "core/model/dropout.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <array>
#include <atomic>
#include <cmath>
#include <mutex>

namespace issuebert {

namespace {

using Block = std::array<std::uint32_t, 4>;

} // namespace

Block philox4x32(Block counter, std::uint32_t key0, std::uint32_t key1) {
    constexpr std::uint64_t kMul0 = 0xD2511F53U;
    constexpr std::uint64_t kMul1 = 0xCD9E8D57U;
    constexpr std::uint32_t kWeyl0 = 0x9E3779B9U;
    constexpr std::uint32_t kWeyl1 = 0xBB67AE85U;
    for (int round = 0; round < 10; ++round) {
        const std::uint64_t p0 = kMul0 * counter[0];
        const std::uint64_t p1 = kMul1 * counter[2];
        counter = {static_cast<std::uint32_t>(p1 >> 32) ^ counter[1] ^ key0,
                   static_cast<std::uint32_t>(p1),
                   static_cast<std::uint32_t>(p0 >> 32) ^ counter[3] ^ key1,
                   static_cast<std::uint32_t>(p0)};
        key0 += kWeyl0;
        key1 += kWeyl1;
    }
    return counter;
}

namespace {

// out[i] from element offset + i of the stream: element e is word e % 4 of
// block e / 4.
template <typename T>
void fillMask(T* out, std::int64_t n, std::uint64_t threshold, T kept, std::uint64_t seed,
              std::uint64_t offset) {
    const auto key0 = static_cast<std::uint32_t>(seed);
    const auto key1 = static_cast<std::uint32_t>(seed >> 32);
    const auto firstBlock = static_cast<std::int64_t>(offset / 4);
    const auto lead = static_cast<std::int64_t>(offset % 4); // words before out[0] in its block
    const std::int64_t blocks = (lead + n + 3) / 4;
    // Grain of 2048 blocks (8192 elements): small tensors stay on one thread.
    at::parallel_for(0, blocks, 2048, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t b = begin; b < end; ++b) {
            const auto index = static_cast<std::uint64_t>(firstBlock + b);
            const Block r = philox4x32({static_cast<std::uint32_t>(index),
                                        static_cast<std::uint32_t>(index >> 32), 0U, 0U},
                                       key0, key1);
            for (std::int64_t j = 0; j < 4; ++j) {
                const std::int64_t i = b * 4 + j - lead;
                if (i >= 0 && i < n) {
                    out[i] = r[static_cast<std::size_t>(j)] < threshold ? kept : T(0);
                }
            }
        }
    });
}

// The DropoutRows in effect on this thread: total 0 when none.
thread_local std::int64_t rowsFirst = 0;
thread_local std::int64_t rowsTotal = 0;

std::atomic<CpuDropoutKernel> cpuKernel{CpuDropoutKernel::Philox};

std::uint64_t drawSeed() {
    auto generator = at::detail::getDefaultCPUGenerator();
    const std::lock_guard<std::mutex> lock(generator.mutex());
    return at::check_generator<at::CPUGeneratorImpl>(generator)->random64();
}

} // namespace

torch::Tensor philoxDropoutMask(at::IntArrayRef shape, at::ScalarType dtype, double p,
                                std::uint64_t seed, std::uint64_t first) {
    TORCH_CHECK(p >= 0.0 && p < 1.0, "dropout probability must be in [0, 1), got ", p);
    auto mask = torch::empty(shape, torch::TensorOptions().dtype(dtype));
    // keep when r < (1 - p)·2³², r uniform over [0, 2³²)
    const auto threshold = static_cast<std::uint64_t>(std::ldexp(1.0 - p, 32));
    const double scale = 1.0 / (1.0 - p);
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kBFloat16, at::kHalf, dtype, "issuebert_dropout", [&] {
        fillMask<scalar_t>(mask.data_ptr<scalar_t>(), mask.numel(), threshold,
                           static_cast<scalar_t>(scale), seed, first);
    });
    return mask;
}

void setCpuDropoutKernel(CpuDropoutKernel kernel) {
    cpuKernel.store(kernel);
}

torch::Tensor philoxDropout(const torch::Tensor& x, double p, bool training) {
    if (!training || p == 0.0) {
        return x;
    }
    if (!x.device().is_cpu() || p >= 1.0 || cpuKernel.load() == CpuDropoutKernel::LibTorch ||
        !at::isFloatingType(x.scalar_type())) {
        return torch::dropout(x, p, training);
    }
    const std::uint64_t seed = drawSeed();
    std::uint64_t first = 0;
    if (rowsTotal > 0 && x.dim() > 0 && x.size(0) > 0) {
        first = static_cast<std::uint64_t>(rowsFirst) *
                static_cast<std::uint64_t>(x.numel() / x.size(0));
    }
    return x * philoxDropoutMask(x.sizes(), x.scalar_type(), p, seed, first);
}

torch::Tensor batchDropout(const torch::Tensor& x, double p, bool training) {
    if (!training || p == 0.0 || rowsTotal == 0 || x.dim() == 0 || !x.device().is_cpu() ||
        p >= 1.0) {
        return torch::dropout(x, p, training);
    }
    // torch::dropout's CPU arithmetic (bernoulli_, then divide, then
    // multiply) over the whole batch's shape, cut to this process's rows.
    auto shape = x.sizes().vec();
    shape[0] = rowsTotal;
    auto noise = torch::empty(shape, x.options());
    noise.bernoulli_(1.0 - p);
    noise.div_(1.0 - p);
    return x * noise.narrow(0, rowsFirst, x.size(0));
}

DropoutRows::DropoutRows(std::int64_t first, std::int64_t total)
    : m_previousFirst(rowsFirst), m_previousTotal(rowsTotal) {
    rowsFirst = first;
    rowsTotal = total;
}

DropoutRows::~DropoutRows() {
    rowsFirst = m_previousFirst;
    rowsTotal = m_previousTotal;
}

} // namespace issuebert
