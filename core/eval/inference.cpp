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

} // namespace issuebert
