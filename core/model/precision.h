// Which precision a forward and backward pass compute in, and why: one policy
// for training, evaluation, prediction, attribution and cross-validation.
// bf16 autocast (bf16 matrix products, fp32 weights, optimizer state, loss
// and softmax) is chosen automatically on CUDA with LibTorch 2 and on
// processors with native bf16 (AVX512-BF16 or AMX-BF16, read from CPUID and
// the operating system's enabled register state, never guessed); fp32
// elsewhere. LibTorch-free.
#pragma once

#include <optional>
#include <string>

namespace issuebert {

enum class Precision {
    Auto, // bf16 autocast where the device runs it natively, fp32 elsewhere
    Float32,
    BFloat16, // anywhere; on a processor without native bf16 it is slower than fp32
};

const char* precisionName(Precision value); // "auto" / "fp32" / "bf16"
// "auto", "fp32" or "float32", "bf16" or "bfloat16"; nullopt otherwise.
std::optional<Precision> parsePrecision(const std::string& word);

// What the processor offers for bf16, as the CPU reports it and the
// operating system enables it.
struct CpuFeatures {
    bool avx512bf16 = false; // AVX512-BF16 (dot products of bf16 pairs)
    bool amxbf16 = false;    // AMX-BF16 tiles
    bool nativeBf16() const { return avx512bf16 || amxbf16; }
};

// This processor's, read once (x86-64; elsewhere none is reported).
const CpuFeatures& cpuFeatures();
// "AVX512-BF16 and AMX-BF16", "AVX512-BF16", or "no native bf16".
std::string describeCpuBf16(const CpuFeatures& features);

struct PrecisionChoice {
    bool bf16 = false;
    std::string reason; // one line for logs, the status bar and the app's device section
};

// Whether this LibTorch build autocasts on CUDA (LibTorch 2; defined in
// autocast.cpp, which sees the version).
bool cudaAutocastAvailable();

// The policy. `cudaAutocast` is whether this LibTorch build autocasts on CUDA
// (LibTorch 2); the CPU's autocast exists in every supported version.
PrecisionChoice choosePrecision(Precision requested, bool cuda, const CpuFeatures& cpu,
                                bool cudaAutocast);

} // namespace issuebert
