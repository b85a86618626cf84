// Batched no-grad forward passes (see inference.h).
#include "core/eval/inference.h"

#include "core/io/errors.h"
#include "core/model/autocast.h"
#include "core/model/collate.h"

#include <vector>

namespace issuebert {

torch::Tensor computeLogits(BertClassifierImpl& model, const std::vector<Encoding>& encodings,
                            const InferenceOptions& options,
                            const std::function<void(std::size_t, std::size_t)>& progress,
                            const std::atomic<bool>* cancel) {
    torch::NoGradGuard noGrad;
    model.eval();
    const auto count = static_cast<std::int64_t>(encodings.size());
    auto logits = torch::empty({count, model.numLabels()}, torch::kFloat32); // [N, C]
    std::vector<int> lengths(encodings.size());
    for (std::size_t i = 0; i < encodings.size(); ++i) {
        lengths[i] = static_cast<int>(encodings[i].inputIds.size());
    }
    const AutocastScope autocast(options.device, options.bf16);
    std::size_t done = 0;
    for (const auto& indices : planSortedBatches(lengths, options.batchSize)) {
        if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
            throw CancelledError();
        }
        const Batch batch = collate(encodings, indices, {}, options.device);
        const auto out = model.forward(batch.inputIds, batch.attentionMask, batch.tokenTypeIds)
                             .to(torch::kCPU, torch::kFloat32); // [B, C]
        std::vector<std::int64_t> rows(indices.begin(), indices.end());
        logits.index_copy_(0, torch::tensor(rows, torch::kInt64), out);
        done += indices.size();
        if (progress) {
            progress(done, encodings.size());
        }
    }
    return logits;
}

Predictions predictionsFromLogits(const torch::Tensor& logits, std::vector<std::string> labels) {
    if (logits.dim() != 2 || logits.size(1) != static_cast<std::int64_t>(labels.size())) {
        throw ModelError(
            "the model gives " + std::to_string(logits.dim() == 2 ? logits.size(1) : 0) +
            " class scores per issue but names " + std::to_string(labels.size()) + " classes");
    }
    const auto probs = torch::softmax(logits.to(torch::kCPU, torch::kFloat32), 1).contiguous();
    const auto [confidence, predicted] = probs.max(1); // [N], [N]
    Predictions out;
    out.labels = std::move(labels);
    const float* p = probs.data_ptr<float>();
    out.probabilities.assign(p, p + probs.numel());
    const auto c = confidence.contiguous();
    out.confidence.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    const auto argmax = predicted.contiguous();
    out.predicted.assign(argmax.data_ptr<std::int64_t>(),
                         argmax.data_ptr<std::int64_t>() + argmax.numel());
    return out;
}

} // namespace issuebert
