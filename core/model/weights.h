// Checkpoint files, whatever their format: model.safetensors, pytorch_model.bin,
// or a sharded checkpoint's index. Core-internal (LibTorch).
#pragma once

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace issuebert {

// Every tensor of a checkpoint file, in the file's order. The format is told by
// the content: a safetensors file, a torch.save zip archive (pytorch_model.bin),
// or a sharded checkpoint's *.index.json (the shards named in its weight_map,
// beside it). toFloat32 upcasts F16, BF16 and F64 tensors for CPU work; integer
// tensors keep their dtype. ModelError naming the file for anything unreadable.
std::vector<std::pair<std::string, torch::Tensor>> loadCheckpointTensors(const std::string& path,
                                                                         bool toFloat32 = true);

// The checkpoint file of a Hugging Face model folder: model.safetensors, else
// pytorch_model.bin, else a sharded one's index (model.safetensors.index.json,
// pytorch_model.bin.index.json). ModelError naming the folder when none is there.
std::string findCheckpointFile(const std::string& modelDir);

} // namespace issuebert
