// Batch tensors from encodings (see collate.h).
#include "core/model/collate.h"

#include <algorithm>

namespace issuebert {

Batch collate(const std::vector<Encoding>& encodings, const BatchIndices& indices,
              const std::vector<int>& labels, const torch::Device& device, std::int64_t padTo) {
    const auto rows = static_cast<std::int64_t>(indices.size());
    std::int64_t longest = padTo;
    for (const std::size_t i : indices) {
        longest = std::max(longest, static_cast<std::int64_t>(encodings[i].inputIds.size()));
    }
    const bool cuda = device.is_cuda();
    const auto options = torch::TensorOptions().dtype(torch::kInt64).pinned_memory(cuda);
    Batch batch;
    batch.inputIds = torch::zeros({rows, longest}, options);      // [B, T]
    batch.attentionMask = torch::zeros({rows, longest}, options); // [B, T]
    batch.tokenTypeIds = torch::zeros({rows, longest}, options);  // [B, T]
    auto* ids = batch.inputIds.data_ptr<std::int64_t>();
    auto* mask = batch.attentionMask.data_ptr<std::int64_t>();
    auto* types = batch.tokenTypeIds.data_ptr<std::int64_t>();
    for (std::int64_t r = 0; r < rows; ++r) {
        const Encoding& e = encodings[indices[static_cast<std::size_t>(r)]];
        const std::int64_t base = r * longest;
        for (std::size_t t = 0; t < e.inputIds.size(); ++t) {
            const auto at = base + static_cast<std::int64_t>(t);
            ids[at] = e.inputIds[t];
            mask[at] = t < e.attentionMask.size() ? e.attentionMask[t] : 1;
            types[at] = t < e.tokenTypeIds.size() ? e.tokenTypeIds[t] : 0;
            batch.realTokens += mask[at];
        }
    }
    if (!labels.empty()) {
        batch.labels = torch::empty({rows}, options); // [B]
        auto* out = batch.labels.data_ptr<std::int64_t>();
        for (std::int64_t r = 0; r < rows; ++r) {
            out[r] = labels[indices[static_cast<std::size_t>(r)]];
        }
    }
    if (device.type() != torch::kCPU) {
        batch.inputIds = batch.inputIds.to(device, /*non_blocking=*/true);
        batch.attentionMask = batch.attentionMask.to(device, true);
        batch.tokenTypeIds = batch.tokenTypeIds.to(device, true);
        if (batch.labels.defined()) {
            batch.labels = batch.labels.to(device, true);
        }
    }
    return batch;
}

} // namespace issuebert
