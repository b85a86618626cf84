// Batched forward passes without gradients: the logits for many encodings,
// shortest padding first (batches sorted by length), back in input order.
// Shared by the Trainer's evaluation and the Predictor, with the conversion
// of logits into Predictions.
// Shapes: N encodings, C classes.
#pragma once

#include "core/eval/predictions.h"
#include "core/model/classifier.h"
#include "core/text/encoder.h"

#include <torch/torch.h>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace issuebert {

struct InferenceOptions {
    int batchSize = 64;
    torch::Device device = torch::kCPU;
    bool bf16 = false; // CUDA autocast to bfloat16 (LibTorch 2.x builds only)
};

// Runs model (switched to eval mode; the caller restores train mode) over
// encodings. progress(done, total) after each batch; throws CancelledError when
// cancel is set between batches. Returns [N, C] float32 logits on the CPU.
torch::Tensor computeLogits(BertClassifierImpl& model, const std::vector<Encoding>& encodings,
                            const InferenceOptions& options,
                            const std::function<void(std::size_t, std::size_t)>& progress = {},
                            const std::atomic<bool>* cancel = nullptr);

// [N, C] logits as Predictions: softmax probabilities, the argmax class and its
// probability per row (no threshold applied). The one conversion the
// Trainer's evaluation and the Predictor share.
Predictions predictionsFromLogits(const torch::Tensor& logits, std::vector<std::string> labels);

} // namespace issuebert
