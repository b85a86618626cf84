// Tensors for one batch: ids, mask and token types padded to the batch's
// longest member, and the labels.
// Shapes: B batch, T the longest member's tokens.
#pragma once

#include "core/model/batcher.h"
#include "core/text/encoder.h"

#include <torch/torch.h>

#include <vector>

namespace issuebert {

struct Batch {
    torch::Tensor inputIds;      // [B, T] int64
    torch::Tensor attentionMask; // [B, T] int64, 1 real, 0 padding
    torch::Tensor tokenTypeIds;  // [B, T] int64
    torch::Tensor labels;        // [B] int64; undefined when labels is empty
    long long realTokens = 0;    // unpadded tokens in the batch
};

// encodings must be unpadded (EncoderOptions::padToMaxLength = false) or
// padded alike; labels, when not empty, is indexed like encodings. The
// tensors are built on the CPU and moved to device (non-blocking from pinned
// memory on CUDA). padTo > 0 pads to at least that many tokens (a
// data-parallel rank's rows, padded as the whole batch is).
Batch collate(const std::vector<Encoding>& encodings, const BatchIndices& indices,
              const std::vector<int>& labels, const torch::Device& device, std::int64_t padTo = 0);

} // namespace issuebert
