// One optimisation step: forward and backward over the step's micro-batches
// (gradient accumulation), gradient clipping, AdamW. The Trainer's inner loop
// and what tests/bench/train_bench times.
#pragma once

#include "core/model/classifier.h"
#include "core/model/collate.h"
#include "core/train/adamw.h"

#include <torch/torch.h>

#include <memory>
#include <utility>
#include <vector>

namespace issuebert {

class DataParallel;
class GradientReducer;

struct StepOptions {
    double weightDecay = 0.01;
    double layerDecay = 1.0;    // layer-wise learning-rate decay (layerDecayGroups); 1: none
    double maxGradNorm = 1.0;   // <= 0: no clipping
    bool bf16 = false;          // CUDA autocast
    torch::Tensor classWeights; // [C] float on the model's device, or undefined
};

struct StepResult {
    double loss = 0.0;     // mean over the micro-batches, weighted by their size
    double gradNorm = 0.0; // before clipping; 0 without clipping
    bool finite = true;    // false: the loss or a gradient was NaN or infinite; nothing was updated
};

// A data-parallel process's part of one micro-batch: which rows of the whole
// micro-batch it holds, and what the whole holds.
struct BatchShare {
    std::int64_t first = 0; // its first row in the whole micro-batch
    std::int64_t rows = 0;  // rows of the whole micro-batch
    double weight = 0.0;    // the whole's summed class weights (its rows without weights)
};

class StepRunner {
public:
    // model must already sit on its device; sets train mode.
    StepRunner(BertClassifierImpl& model, const StepOptions& options);
    ~StepRunner();

    // Forward + backward over every micro-batch, clip, AdamW with lr, zero
    // the gradients. A non-finite loss or gradient norm skips the update and
    // says so in the result.
    StepResult step(const std::vector<Batch>& microBatches, double lr);

    // One rank of a data-parallel run from now on: step() then takes this
    // process's rows of each micro-batch and their shares, and computes the
    // step of the whole batches — each rank's loss summed and divided by the
    // whole micro-batch's weight, the gradients summed over the ranks (so
    // clipping sees the global norm), the same update on every rank.
    void setDataParallel(DataParallel* group) { m_parallel = group; }
    // tokens: every token id of the step's whole micro-batches (sorted, no
    // repeats, padding's 0 included), so that only those rows of the word
    // embeddings' gradient are summed; empty: every row.
    StepResult step(const std::vector<Batch>& microBatches, const std::vector<BatchShare>& shares,
                    double lr, const std::vector<std::int64_t>& tokens = {});

    AdamW& optimizer() { return *m_optimizer; }

private:
    BertClassifierImpl* m_model;
    StepOptions m_options;
    std::unique_ptr<AdamW> m_optimizer;
    std::vector<torch::Tensor> m_params; // trainable, for clipping
    DataParallel* m_parallel = nullptr;
    // Made at the first data-parallel step, once it is known which
    // parameters receive gradients.
    std::unique_ptr<GradientReducer> m_reducer;

    // Clips and updates after the loss is known (lossSum: the step's).
    StepResult update(double lossSum, double lr);
    // Gradients cleared for the next step: undefined, or the reducer's buckets zeroed.
    void clearGradients();
};

// Gradient clipping as torch::nn::utils::clip_grad_norm_(params, maxNorm)
// decides it: the total L2 norm of the gradients and the coefficient
// min(1, maxNorm / (norm + 1e-6)) to multiply them by, computed as LibTorch
// computes them. The gradients are not touched.
std::pair<double, double> clippingOf(const std::vector<torch::Tensor>& params, double maxNorm);

// Cross-entropy of logits [B, C] against labels [B], weighted per class when
// weights is defined, as torch.nn.CrossEntropyLoss(weight=...): the weighted mean.
torch::Tensor classificationLoss(const torch::Tensor& logits, const torch::Tensor& labels,
                                 const torch::Tensor& weights);
// The weighted sum instead of the mean: sum of weight[label] · loss per row.
torch::Tensor classificationLossSum(const torch::Tensor& logits, const torch::Tensor& labels,
                                    const torch::Tensor& weights);

} // namespace issuebert
