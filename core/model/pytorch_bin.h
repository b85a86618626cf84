// Reads the tensors of a torch.save zip archive (pytorch_model.bin) without Python:
// a restricted unpickler that knows state dicts of tensors and nothing else.
#pragma once

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace issuebert {

// The name -> tensor entries of a state dict saved by torch.save (PyTorch >= 1.6,
// zip format), in the file's order, with their stored dtypes, contiguous.
// ModelError naming the file for anything else: the legacy pre-1.6 format, a
// pickle that holds other objects (a training checkpoint, a whole module), a
// corrupt archive. Unlike torch::pickle_load it runs no code it does not know.
std::vector<std::pair<std::string, torch::Tensor>> readPytorchBin(const std::string& path);

} // namespace issuebert
