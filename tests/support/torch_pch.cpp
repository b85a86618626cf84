// Hosts the precompiled torch/torch.h that the core tests using LibTorch
// reuse (tests/CMakeLists.txt); it compiles nothing of its own.
