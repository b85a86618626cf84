// Fine-tuning speed: samples/s and tokens/s of whole training steps (forward,
// backward, clipping, AdamW) through the Trainer's own StepRunner, for the
// default model and a bert-base-sized config, at 128 and 150 tokens, on the
// CPU and on CUDA when present. The same work as tests/reference/train_loop.py
// (same model, data, batch, length, padding), so the two compare side by side.
//
// Usage: train_bench [--data FILE] [--models minilm,bert-base] [--seq-lens 128,150]
//                    [--paddings max_length,longest,bucket] [--batch-size 32]
//                    [--steps 20] [--base-steps 5] [--warmup-steps 3]
//                    [--devices cpu,cuda] [--precision fp32|bf16] [--keep-denormals]
//                    [--dropout philox|libtorch] [--json]
// padding: max_length pads every batch to the length (the tutorial's, and what
// the Python loop does by default), longest pads each batch of consecutive
// issues to its longest member, bucket is the Trainer's: shuffled length buckets.
#include "core/data/issue_encoding.h"
#include "core/data/loader.h"
#include "core/io/paths.h"
#include "core/model/batcher.h"
#include "core/model/collate.h"
#include "core/model/dropout.h"
#include "core/model/model_folder.h"
#include "core/runtime.h"
#include "core/text/encoder.h"
#include "core/text/tokenizer.h"
#include "core/train/train_step.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

using namespace issuebert;
namespace fs = std::filesystem;

namespace {

struct Settings {
    std::string data = std::string(ISSUEBERT_SOURCE_DIR) + "/resources/sample/train.json";
    std::vector<std::string> models{"minilm", "bert-base"};
    std::vector<int> lengths{128, 150};
    std::vector<std::string> paddings{"max_length", "bucket"};
    std::vector<std::string> devices{"cpu", "cuda"};
    int batchSize = 32;
    int steps = 20;
    int baseSteps = 5; // bert-base steps take seconds each on a laptop CPU
    int warmupSteps = 3;
    bool bf16 = false;
    bool json = false;
};

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> items;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        if (!item.empty()) {
            items.push_back(item);
        }
    }
    return items;
}

BertConfig bertBase() {
    BertConfig config; // the defaults are bert-base's: 12 layers, 768, 12 heads, 3072
    config.architectures = {"BertForSequenceClassification"};
    return config;
}

double seconds(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// The batches of one run: as many as warmup + timed steps, cycling over the data.
std::vector<BatchIndices> batchesFor(const std::string& padding, const std::vector<int>& lengths,
                                     int batchSize, int count) {
    std::vector<BatchIndices> plan;
    if (padding == "bucket") {
        plan = planBatches(lengths, {batchSize, true, true, 42}, 0);
    } else {
        plan = planBatches(lengths, {batchSize, false, false, 42}, 0);
    }
    // Full batches only, so every step does the same amount of work per sample.
    std::vector<BatchIndices> full;
    for (const auto& batch : plan) {
        if (static_cast<int>(batch.size()) == batchSize) {
            full.push_back(batch);
        }
    }
    std::vector<BatchIndices> out;
    for (int i = 0; i < count && !full.empty(); ++i) {
        out.push_back(full[static_cast<std::size_t>(i) % full.size()]);
    }
    return out;
}

void bench(const Settings& s, const std::string& modelName, const torch::Device& device, int length,
           const std::string& padding, const std::vector<Issue>& issues,
           const std::vector<int>& labels) {
    const std::string vocabDir = fs::exists(fs::path(defaultModelDir()) / "vocab.txt")
                                     ? defaultModelDir()
                                     : std::string(ISSUEBERT_SOURCE_DIR) + "/tests/fixtures/minilm";
    const Tokenizer tokenizer = Tokenizer::fromModelDir(vocabDir);
    EncoderOptions encoderOptions;
    encoderOptions.maxLength = length;
    encoderOptions.padToMaxLength = padding == "max_length";
    const auto encodings = encodeAll(Encoder(tokenizer, encoderOptions), issues);
    std::vector<int> lengths;
    for (const auto& e : encodings) {
        lengths.push_back(static_cast<int>(e.inputIds.size()));
    }
    const std::vector<std::string> classes{"bug", "feature", "question"};
    torch::manual_seed(42);
    BertClassifier model{nullptr};
    if (modelName == "minilm") {
        const auto folder = openModelFolder(defaultModelDir());
        model = loadClassifier(folder, {HeadKind::Linear, Pooling::Pooler, classes});
    } else {
        model = BertClassifier(bertBase(),
                               ClassifierOptions{HeadKind::Linear, Pooling::Pooler, classes});
    }
    model->to(device);
    StepOptions stepOptions;
    stepOptions.bf16 = s.bf16; // autocast on CUDA and on the CPU alike
    StepRunner runner(*model, stepOptions);
    const int steps = modelName == "bert-base" ? s.baseSteps : s.steps;
    const auto plan = batchesFor(padding, lengths, s.batchSize, s.warmupSteps + steps);
    std::vector<Batch> batches;
    for (const auto& indices : plan) {
        batches.push_back(collate(encodings, indices, labels, device));
    }
    const auto sync = [&] {
        if (device.is_cuda()) {
            torch::cuda::synchronize();
        }
    };
    for (int i = 0; i < s.warmupSteps; ++i) {
        runner.step({batches[static_cast<std::size_t>(i)]}, 2e-5);
    }
    sync();
    long long tokens = 0;
    long long padded = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = s.warmupSteps; i < s.warmupSteps + steps; ++i) {
        const Batch& batch = batches[static_cast<std::size_t>(i)];
        runner.step({batch}, 2e-5);
        tokens += batch.realTokens;
        padded += batch.inputIds.numel();
    }
    sync();
    const double elapsed = seconds(start);
    const double samplesPerSecond = static_cast<double>(steps) * s.batchSize / elapsed;
    const double tokensPerSecond = static_cast<double>(tokens) / elapsed;
    const char* deviceName = device.is_cuda() ? "cuda" : "cpu";
    const char* precision = stepOptions.bf16 ? "bf16" : "fp32";
    if (s.json) {
        std::printf(
            "{\"impl\":\"issuebert\",\"model\":\"%s\",\"device\":\"%s\",\"precision\":\"%s\","
            "\"seq_len\":%d,\"batch_size\":%d,\"padding\":\"%s\",\"steps\":%d,"
            "\"samples_per_second\":%.3f,\"tokens_per_second\":%.1f,\"padding_fraction\":%.4f,"
            "\"torch\":\"%s\",\"threads\":%d}\n",
            modelName.c_str(), deviceName, precision, length, s.batchSize, padding.c_str(), steps,
            samplesPerSecond, tokensPerSecond,
            1.0 - static_cast<double>(tokens) / static_cast<double>(std::max(1LL, padded)),
            torchVersion().c_str(), computeThreads());
    } else {
        std::printf("%-10s %-5s %-5s %5d %5d %-11s %6d %10.2f %11.0f %8.1f%%\n", modelName.c_str(),
                    deviceName, precision, length, s.batchSize, padding.c_str(), steps,
                    samplesPerSecond, tokensPerSecond,
                    100.0 * (1.0 - static_cast<double>(tokens) /
                                       static_cast<double>(std::max(1LL, padded))));
    }
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
    Settings s;
    bool keepDenormals = false; // initRuntime flushes them; this shows what that is worth
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool hasValue = i + 1 < argc;
        if (arg == "--data" && hasValue) {
            s.data = argv[++i];
        } else if (arg == "--models" && hasValue) {
            s.models = splitList(argv[++i]);
        } else if (arg == "--seq-lens" && hasValue) {
            s.lengths.clear();
            for (const auto& item : splitList(argv[++i])) {
                s.lengths.push_back(std::stoi(item));
            }
        } else if (arg == "--paddings" && hasValue) {
            s.paddings = splitList(argv[++i]);
        } else if (arg == "--devices" && hasValue) {
            s.devices = splitList(argv[++i]);
        } else if (arg == "--batch-size" && hasValue) {
            s.batchSize = std::stoi(argv[++i]);
        } else if (arg == "--steps" && hasValue) {
            s.steps = std::stoi(argv[++i]);
        } else if (arg == "--base-steps" && hasValue) {
            s.baseSteps = std::stoi(argv[++i]);
        } else if (arg == "--warmup-steps" && hasValue) {
            s.warmupSteps = std::stoi(argv[++i]);
        } else if (arg == "--precision" && hasValue) {
            s.bf16 = std::string(argv[++i]) == "bf16";
        } else if (arg == "--keep-denormals") {
            keepDenormals = true;
        } else if (arg == "--dropout" && hasValue) {
            // libtorch: LibTorch's serial CPU masks, to show what Philox is worth
            const std::string kernel = argv[++i];
            setCpuDropoutKernel(kernel == "libtorch" ? CpuDropoutKernel::LibTorch
                                                     : CpuDropoutKernel::Philox);
        } else if (arg == "--json") {
            s.json = true;
        } else {
            std::fprintf(stderr, "usage: train_bench [--data FILE] [--models minilm,bert-base] "
                                 "[--seq-lens 128,150] [--paddings max_length,longest,bucket] "
                                 "[--batch-size N] [--steps N] [--base-steps N] [--warmup-steps N] "
                                 "[--devices cpu,cuda] [--precision fp32|bf16] [--keep-denormals] "
                                 "[--dropout philox|libtorch] [--json]\n");
            return 2;
        }
    }
    try {
        initRuntime();
        if (keepDenormals) {
            at::globalContext().setFlushDenormal(false);
        }
        const Dataset dataset = loadDataset(s.data, {});
        std::vector<int> labels;
        for (const auto& issue : dataset.issues) {
            labels.push_back(issue.labelled() ? issue.label % 3 : 0);
        }
        if (!s.json) {
            std::printf("LibTorch %s, %s; data %s (%zu issues)\n\n", torchVersion().c_str(),
                        deviceDescription().c_str(), s.data.c_str(), dataset.issues.size());
            std::printf("%-10s %-5s %-5s %5s %5s %-11s %6s %10s %11s %9s\n", "model", "dev", "prec",
                        "seq", "batch", "padding", "steps", "samples/s", "tokens/s", "padding");
        }
        for (const auto& deviceName : s.devices) {
            if (deviceName == "cuda" && !torch::cuda::is_available()) {
                continue;
            }
            const torch::Device device =
                deviceName == "cuda" ? torch::Device(torch::kCUDA) : torch::kCPU;
            for (const auto& model : s.models) {
                if (model == "minilm" &&
                    !fs::exists(fs::path(defaultModelDir()) / "model.safetensors")) {
                    std::printf("(the default model is not in %s: run scripts/fetch-model.sh)\n",
                                defaultModelDir().c_str());
                    continue;
                }
                for (const int length : s.lengths) {
                    for (const auto& padding : s.paddings) {
                        bench(s, model, device, length, padding, dataset.issues, labels);
                    }
                }
            }
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "train_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
