// The precision policy and bf16 detection (see precision.h).
#include "core/model/precision.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <cstdint>

namespace issuebert {

const char* precisionName(Precision value) {
    switch (value) {
    case Precision::Auto:
        return "auto";
    case Precision::Float32:
        return "fp32";
    case Precision::BFloat16:
        return "bf16";
    }
    return "auto";
}

std::optional<Precision> parsePrecision(const std::string& word) {
    // The long names too, as --save-dtype takes them.
    if (word == "float32") {
        return Precision::Float32;
    }
    if (word == "bfloat16") {
        return Precision::BFloat16;
    }
    for (Precision value : {Precision::Auto, Precision::Float32, Precision::BFloat16}) {
        if (word == precisionName(value)) {
            return value;
        }
    }
    return std::nullopt;
}

namespace {

CpuFeatures detectCpuFeatures() {
    CpuFeatures features;
#if defined(__x86_64__) || defined(__i386__)
    unsigned eax = 0;
    unsigned ebx = 0;
    unsigned ecx = 0;
    unsigned edx = 0;
    if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0 || (ecx & (1U << 27U)) == 0) {
        return features; // no OSXSAVE: the OS enables no extended register state
    }
    // The register state the operating system saves and restores (XCR0).
    std::uint32_t xcr0Low = 0;
    std::uint32_t xcr0High = 0;
    __asm__ volatile("xgetbv" : "=a"(xcr0Low), "=d"(xcr0High) : "c"(0));
    const std::uint64_t xcr0 = (static_cast<std::uint64_t>(xcr0High) << 32U) | xcr0Low;
    // SSE, AVX, opmask, ZMM upper halves, ZMM16-31.
    const std::uint64_t avx512State = 0x2U | 0x4U | 0x20U | 0x40U | 0x80U;
    const std::uint64_t amxState = (1ULL << 17U) | (1ULL << 18U); // XTILECFG, XTILEDATA
    if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) {
        return features;
    }
    const unsigned maxSubleaf = eax;
    const bool avx512f = (ebx & (1U << 16U)) != 0;
    const bool amxTile = (edx & (1U << 24U)) != 0;
    const bool amxBf16 = (edx & (1U << 22U)) != 0;
    features.amxbf16 = amxTile && amxBf16 && (xcr0 & amxState) == amxState;
    if (maxSubleaf >= 1 && __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) != 0) {
        const bool avx512bf16 = (eax & (1U << 5U)) != 0;
        features.avx512bf16 = avx512f && avx512bf16 && (xcr0 & avx512State) == avx512State;
    }
#endif
    return features;
}

} // namespace

const CpuFeatures& cpuFeatures() {
    static const CpuFeatures features = detectCpuFeatures();
    return features;
}

std::string describeCpuBf16(const CpuFeatures& features) {
    if (features.avx512bf16 && features.amxbf16) {
        return "AVX512-BF16 and AMX-BF16";
    }
    if (features.avx512bf16) {
        return "AVX512-BF16";
    }
    if (features.amxbf16) {
        return "AMX-BF16";
    }
    return "no native bf16";
}

PrecisionChoice choosePrecision(Precision requested, bool cuda, const CpuFeatures& cpu,
                                bool cudaAutocast) {
    if (requested == Precision::Float32) {
        return {false, "fp32, as asked"};
    }
    const bool asked = requested == Precision::BFloat16;
    if (cuda) {
        if (!cudaAutocast) {
            return {false, "fp32, as bf16 autocast on CUDA needs LibTorch 2"};
        }
        return {true, asked ? "bf16 autocast on CUDA, as asked" : "bf16 autocast on CUDA"};
    }
    if (cpu.nativeBf16()) {
        return {true, std::string(asked ? "bf16 autocast, as asked; the processor has "
                                        : "bf16 autocast, as the processor has ") +
                          describeCpuBf16(cpu)};
    }
    if (asked) {
        return {true, "bf16 autocast, as asked; this processor has no native bf16 (AVX512-BF16 "
                      "or AMX-BF16), so it runs slower than fp32"};
    }
    return {false, "fp32, as the processor has no native bf16 (AVX512-BF16 or AMX-BF16)"};
}

} // namespace issuebert
