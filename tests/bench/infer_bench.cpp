// Inference speed of BERT: samples/s for batch 1 and 32 at 128, 256 and 512
// tokens, forward only (eval mode, no autograd), in fp32 and under bf16
// autocast, for the default model (when it is in the cache) and a random
// bert-base-sized model, on the CPU and on CUDA when present; and the load
// time of a bert-base-sized (≈ 440 MB) model.safetensors.
// Usage: infer_bench [--no-base] [--seconds S] [--precision fp32|bf16|both]
#include "core/io/paths.h"
#include "core/model/autocast.h"
#include "core/model/model_folder.h"
#include "core/model/model_save.h"
#include "core/model/weights.h"
#include "core/runtime.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

using namespace issuebert;
namespace fs = std::filesystem;

namespace {

// Timing budget per measurement; an iteration slower than the budget runs once.
double gSeconds = 2.0;
// The precisions measured: fp32, bf16 autocast, or both.
std::vector<bool> gBf16{false, true};
// Timed loads of the 440 MB file; the best is reported.
constexpr int kLoadRepeats = 3;

double seconds(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

BertConfig bertBase() {
    BertConfig config; // the defaults are bert-base's: 12 layers, 768, 12 heads, 3072
    config.architectures = {"BertModel"};
    return config;
}

// One forward pass, waited for (on CUDA the kernels run asynchronously).
void forward(BertModel& model, const torch::Tensor& ids, const torch::Tensor& mask) {
    const auto out = model(ids, mask);
    (void)out.lastHiddenState.sum().item<float>();
}

void benchModel(const std::string& name, BertModel model, const torch::Device& device) {
    torch::NoGradGuard noGrad;
    model->eval();
    model->to(device);
    const int vocab = model->config().vocabSize;
    for (const bool bf16 : gBf16) {
        const AutocastScope autocast(device, bf16);
        for (const int tokens : {128, 256, 512}) {
            for (const int batch : {1, 32}) {
                const auto options = torch::TensorOptions().dtype(torch::kLong).device(device);
                const auto ids = torch::randint(1000, vocab, {batch, tokens}, options);
                const auto mask = torch::ones({batch, tokens}, options);
                // The first pass warms caches and allocators; when it alone is
                // over budget (bert-base, 32 × 512 on a laptop CPU) it is the measurement.
                auto start = std::chrono::steady_clock::now();
                forward(model, ids, mask);
                double elapsed = seconds(start);
                int iterations = 1;
                if (elapsed < gSeconds) {
                    iterations = 0;
                    start = std::chrono::steady_clock::now();
                    do {
                        forward(model, ids, mask);
                        ++iterations;
                        elapsed = seconds(start);
                    } while (elapsed < gSeconds);
                }
                const double perIteration = elapsed / iterations;
                std::printf("%-18s %-5s %-5s %5d %5d %10.1f %10.1f %6d\n", name.c_str(),
                            device.is_cuda() ? "cuda" : "cpu", bf16 ? "bf16" : "fp32", batch,
                            tokens, perIteration * 1e3, batch / perIteration, iterations);
                std::fflush(stdout);
            }
        }
    }
}

void benchLoad() {
    const fs::path dir = fs::temp_directory_path() / "issuebert-infer-bench";
    fs::remove_all(dir);
    {
        BertClassifier model(bertBase(),
                             ClassifierOptions{HeadKind::Linear, Pooling::Pooler, {"a", "b", "c"}});
        saveModelFolder(*model, std::string(ISSUEBERT_SOURCE_DIR) + "/tests/fixtures/minilm",
                        dir.string(), SaveOptions{});
    }
    const std::string file = (dir / "model.safetensors").string();
    (void)loadCheckpointTensors(file); // the page cache is warm from the save; make sure
    double bestRead = 1e9;
    double bestModel = 1e9;
    for (int i = 0; i < kLoadRepeats; ++i) {
        auto start = std::chrono::steady_clock::now();
        const auto tensors = loadCheckpointTensors(file);
        bestRead = std::min(bestRead, seconds(start));
        start = std::chrono::steady_clock::now();
        const ModelFolder folder = openModelFolder(dir.string());
        const auto model =
            loadClassifier(folder, defaultClassifierOptions(folder, {"a", "b", "c"}));
        bestModel = std::min(bestModel, seconds(start));
    }
    std::printf("\nload of a bert-base-sized model.safetensors (%.0f MB, fp32, warm page cache, "
                "best of %d):\n",
                static_cast<double>(fs::file_size(file)) / 1e6, kLoadRepeats);
    std::printf("  read + validate + copy all tensors   %7.3f s\n", bestRead);
    std::printf("  whole model (config, build, load)    %7.3f s\n", bestModel);
    fs::remove_all(dir);
}

} // namespace

int main(int argc, char** argv) {
    bool base = true;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--no-base") {
            base = false;
        } else if (arg == "--seconds" && i + 1 < argc) {
            gSeconds = std::stod(argv[++i]);
        } else if (arg == "--precision" && i + 1 < argc) {
            const std::string which = argv[++i];
            gBf16 = which == "fp32"   ? std::vector<bool>{false}
                    : which == "bf16" ? std::vector<bool>{true}
                                      : std::vector<bool>{false, true};
        } else {
            std::fprintf(stderr, "usage: infer_bench [--no-base] [--seconds S] "
                                 "[--precision fp32|bf16|both]\n");
            return 2;
        }
    }
    try {
        initRuntime();
        std::printf("LibTorch %s, %s\n\n", torchVersion().c_str(), deviceDescription().c_str());
        std::printf("%s; native bf16: %s\n\n", precisionHere(Precision::Auto).reason.c_str(),
                    describeCpuBf16(cpuFeatures()).c_str());
        std::printf("%-18s %-5s %-5s %5s %5s %10s %10s %6s\n", "model", "dev", "prec", "batch",
                    "seq", "ms/iter", "samples/s", "iters");
        std::vector<torch::Device> devices{torch::kCPU};
        if (torch::cuda::is_available()) {
            devices.emplace_back(torch::kCUDA);
        }
        const std::string minilm = defaultModelDir();
        for (const auto& device : devices) {
            if (fs::exists(fs::path(minilm) / "model.safetensors")) {
                benchModel("all-MiniLM-L6-v2", loadBertModel(openModelFolder(minilm)), device);
            } else if (device.is_cpu()) {
                std::printf("(the default model is not in %s: skipped)\n", minilm.c_str());
            }
            if (base) {
                benchModel("bert-base (random)", BertModel(bertBase()), device);
            }
        }
        benchLoad();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "infer_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
