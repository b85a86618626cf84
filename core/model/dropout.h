// Dropout whose mask is drawn in parallel on the CPU. LibTorch 1.13's CPU
// dropout draws its mask with bernoulli_ from one Mersenne Twister, one
// element after another: 28 % of a bf16 training step on two cores. Here every
// element's keep/drop comes from a counter-based generator (Philox4x32-10,
// the one CUDA's curand uses) keyed by one 64-bit seed drawn from LibTorch's
// default CPU generator, so the mask
//   - does not depend on the number of threads,
//   - follows torch::manual_seed, and a resumed run that restores the
//     generator's state draws the same masks as an uninterrupted one.
// Like LibTorch's own CPU dropout, the mask is kept as 0 or 1/(1-p) in the
// input's dtype and multiplied in, so autograd and memory are the same.
// CUDA tensors take LibTorch's fused kernel.
#pragma once

#include <torch/torch.h>

#include <array>
#include <cstdint>

namespace issuebert {

// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
// SC 2011) with Random123's and curand's constants: four 32-bit words from a
// 128-bit counter and a 64-bit key.
std::array<std::uint32_t, 4> philox4x32(std::array<std::uint32_t, 4> counter, std::uint32_t key0,
                                        std::uint32_t key1);

// Which kernel draws masks on the CPU: Philox (always, in the program) or
// LibTorch's own serial one — for benchmarks that show what Philox is worth
// (train_bench --dropout libtorch). Process-wide.
enum class CpuDropoutKernel { Philox, LibTorch };
void setCpuDropoutKernel(CpuDropoutKernel kernel);

// x unchanged when !training or p == 0; zeros when p == 1.
torch::Tensor philoxDropout(const torch::Tensor& x, double p, bool training);

// LibTorch's own dropout (torch::dropout: bernoulli_ from the default
// generator), for the classifier head: the same draws, taken per batch row
// like philoxDropout's when a DropoutRows scope is active.
torch::Tensor batchDropout(const torch::Tensor& x, double p, bool training);

// While one lives on this thread, tensors given to philoxDropout and
// batchDropout are rows [first, first + rows) of a batch of `total` rows
// (dimension 0): their masks are those of the whole batch, cut to these rows.
// So N processes of a data-parallel run, each with its share of the batch,
// drop exactly what one process with the whole batch drops (and draw as much
// from the generator, so their states stay equal). A tensor with no rows
// still draws.
// batchDropout as a module, for heads built of modules (torch::nn::Dropout's
// place; no parameters, so saved weights keep their names).
class BatchDropoutImpl : public torch::nn::Cloneable<BatchDropoutImpl> {
public:
    explicit BatchDropoutImpl(double p) : m_p(p) {}
    void reset() override {}
    torch::Tensor forward(const torch::Tensor& x) { return batchDropout(x, m_p, is_training()); }
    double p() const { return m_p; }

private:
    double m_p;
};
TORCH_MODULE(BatchDropout);

class DropoutRows {
public:
    DropoutRows(std::int64_t first, std::int64_t total);
    ~DropoutRows();
    DropoutRows(const DropoutRows&) = delete;
    DropoutRows& operator=(const DropoutRows&) = delete;

private:
    std::int64_t m_previousFirst;
    std::int64_t m_previousTotal;
};

// The mask philoxDropout(x, p, true) multiplies by on the CPU: `shape` elements of
// `dtype`, element i is 1/(1-p) when Philox(seed, i) < (1-p)·2³², else 0.
// Exposed for tests (thread-count independence, drop rate).
// With first > 0 the mask starts at element `first` of the whole stream (a
// data-parallel rank's rows: DropoutRows).
torch::Tensor philoxDropoutMask(at::IntArrayRef shape, at::ScalarType dtype, double p,
                                std::uint64_t seed, std::uint64_t first = 0);

} // namespace issuebert
