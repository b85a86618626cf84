// The precision policy (bf16 autocast where it runs natively) and the autocast
// scope on the CPU.
#include "core/model/autocast.h"
#include "core/model/precision.h"

#include <torch/torch.h>

#include <fstream>
#include <string>

#include "tests/support/unit.h"

using namespace issuebert;

namespace {

constexpr CpuFeatures kNoBf16{};
constexpr CpuFeatures kAvx512Bf16{true, false};
constexpr CpuFeatures kAmx{false, true};

} // namespace

TEST_CASE("precision: auto is bf16 exactly on processors with native bf16, fp32 elsewhere") {
    const auto cpu = [](const CpuFeatures& features) {
        return choosePrecision(Precision::Auto, false, features, true);
    };
    CHECK(cpu(kAvx512Bf16).bf16);
    CHECK(cpu(kAmx).bf16);
    CHECK(!cpu(kNoBf16).bf16);
    CHECK_EQ(cpu(kAvx512Bf16).reason,
             std::string("bf16 autocast, as the processor has AVX512-BF16"));
    CHECK_EQ(cpu(kAmx).reason, std::string("bf16 autocast, as the processor has AMX-BF16"));
    CHECK_EQ(cpu(kNoBf16).reason,
             std::string("fp32, as the processor has no native bf16 (AVX512-BF16 or AMX-BF16)"));
}

TEST_CASE("precision: fp32 asked is fp32 everywhere; bf16 asked runs anywhere, saying when it is "
          "slow") {
    for (const bool cuda : {false, true}) {
        for (const CpuFeatures& features : {kNoBf16, kAvx512Bf16}) {
            const PrecisionChoice fp32 = choosePrecision(Precision::Float32, cuda, features, true);
            CHECK(!fp32.bf16);
            CHECK_EQ(fp32.reason, std::string("fp32, as asked"));
        }
    }
    const PrecisionChoice emulated = choosePrecision(Precision::BFloat16, false, kNoBf16, true);
    CHECK(emulated.bf16);
    CHECK(emulated.reason.find("runs slower than fp32") != std::string::npos);
    const PrecisionChoice native = choosePrecision(Precision::BFloat16, false, kAvx512Bf16, true);
    CHECK(native.bf16);
    CHECK(native.reason.find("slower") == std::string::npos);
}

TEST_CASE("precision: CUDA autocasts under auto with LibTorch 2, and runs fp32 with 1.13") {
    CHECK(choosePrecision(Precision::Auto, true, kNoBf16, true).bf16);
    CHECK(choosePrecision(Precision::BFloat16, true, kNoBf16, true).bf16);
    const PrecisionChoice old = choosePrecision(Precision::BFloat16, true, kAvx512Bf16, false);
    CHECK(!old.bf16);
    CHECK(old.reason.find("needs LibTorch 2") != std::string::npos);
    // The processor's features do not matter on CUDA.
    CHECK_EQ(choosePrecision(Precision::Auto, true, kAvx512Bf16, true).reason,
             std::string("bf16 autocast on CUDA"));
}

TEST_CASE("precision: names and words round-trip, long names too") {
    for (const Precision value : {Precision::Auto, Precision::Float32, Precision::BFloat16}) {
        CHECK(parsePrecision(precisionName(value)) == value);
    }
    CHECK(parsePrecision("float32") == Precision::Float32);
    CHECK(parsePrecision("bfloat16") == Precision::BFloat16);
    CHECK(!parsePrecision("fp16").has_value());
    CHECK(!parsePrecision("BF16").has_value());
}

TEST_CASE("precision: this processor's bf16 features agree with /proc/cpuinfo") {
    std::ifstream in("/proc/cpuinfo");
    if (!in) {
        SKIP("no /proc/cpuinfo here");
    }
    std::string flags;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("flags", 0) == 0) {
            flags = line + " ";
            break;
        }
    }
    if (flags.empty()) {
        SKIP("/proc/cpuinfo lists no flags (not x86)");
    }
    const auto has = [&](const std::string& flag) {
        return flags.find(" " + flag + " ") != std::string::npos;
    };
    CHECK_EQ(cpuFeatures().avx512bf16, has("avx512_bf16"));
    CHECK_EQ(cpuFeatures().amxbf16, has("amx_bf16"));
    CHECK_EQ(describeCpuBf16(cpuFeatures()) == "no native bf16",
             !has("avx512_bf16") && !has("amx_bf16"));
}

TEST_CASE("autocast: on the CPU a scope runs matrix products in bf16 and leaves fp32 behind") {
    const torch::Tensor a = torch::randn({4, 8});
    const torch::Tensor b = torch::randn({8, 3});
    CHECK(torch::matmul(a, b).scalar_type() == torch::kFloat32);
    {
        const AutocastScope scope(torch::Device(torch::kCPU), true);
        CHECK(torch::matmul(a, b).scalar_type() == torch::kBFloat16);
        {
            const AutocastScope off(torch::Device(torch::kCPU), false); // a no-op
            CHECK(torch::matmul(a, b).scalar_type() == torch::kBFloat16);
        }
        {
            const AutocastScope nested(torch::Device(torch::kCPU), true);
            CHECK(torch::matmul(a, b).scalar_type() == torch::kBFloat16);
        }
        // Leaving the inner scope keeps the outer one on.
        CHECK(torch::matmul(a, b).scalar_type() == torch::kBFloat16);
        const torch::Tensor exact = torch::matmul(a.to(torch::kFloat64), b.to(torch::kFloat64));
        const double error =
            (torch::matmul(a, b).to(torch::kFloat64) - exact).abs().max().item<double>();
        CHECK(error > 0.0);
        CHECK(error < 0.1);
    }
    CHECK(torch::matmul(a, b).scalar_type() == torch::kFloat32);
    {
        const AutocastScope off(torch::Device(torch::kCPU), false);
        CHECK(torch::matmul(a, b).scalar_type() == torch::kFloat32);
    }
}
