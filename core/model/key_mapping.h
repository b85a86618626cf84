// Checkpoint tensors into a module by name: keys with or without the `bert.`
// prefix, and the legacy LayerNorm names gamma/beta.
#pragma once

#include "core/model/load_report.h"

#include <torch/torch.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace issuebert {

// "…LayerNorm.gamma" → "…LayerNorm.weight", "…beta" → "…bias"; other keys unchanged.
std::string canonicalKey(const std::string& key);

// Copies tensors into module's parameters and buffers (converting dtype and
// device). A checkpoint key matches a model key as it is, with `bert.` added
// or with `bert.` removed. Buffers Hugging Face does not persist
// (embeddings.position_ids, embeddings.token_type_ids) are skipped silently.
// A shape mismatch is a ModelError naming checkpointPath and the key, unless
// mayResize(modelKey) allows it: that weight then keeps its fresh values and is
// reported as resized.
LoadReport loadStateDict(torch::nn::Module& module,
                         const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                         const std::string& checkpointPath, const std::string& modelName,
                         const std::function<bool(const std::string&)>& mayResize = {});

} // namespace issuebert
