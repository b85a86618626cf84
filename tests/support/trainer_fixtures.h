// The Trainer tests' fixtures (tests/core/test_trainer*.cpp): a tiny BERT
// (hidden 32, 2 layers, the real uncased vocabulary), a separable dataset,
// options for a quick run, a listener that records what a run reports.
// Header-only; include after LibTorch's headers (it brings tests/support/unit.h).
#pragma once

#include "core/data/dataset.h"
#include "core/train/trainer.h"
#include "tests/support/unit.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace trainer_fixtures {

using namespace issuebert;
namespace fs = std::filesystem;

// The tiny random BERT fixture beside the MiniLM vocabulary: a "pretrained" model folder.
inline std::string tinyModel(const unit::TempDir& temp) {
    const fs::path dir = temp.path() / "tiny-model";
    fs::create_directories(dir);
    for (const char* name : {"config.json", "model.safetensors"}) {
        fs::copy_file(unit::sourcePath("tests/fixtures/model/tiny") / name, dir / name);
    }
    for (const char* name : {"vocab.txt", "tokenizer_config.json", "special_tokens_map.json"}) {
        fs::copy_file(unit::sourcePath("tests/fixtures/minilm") / name, dir / name);
    }
    return dir.string();
}

// Three classes told apart by their keywords, amid shared filler words.
inline Dataset separable(int perClass, std::uint64_t seed = 7) {
    const std::vector<std::vector<std::string>> keywords{
        {"crash", "error", "broken", "fails", "exception"},
        {"add", "support", "feature", "allow", "option"},
        {"how", "why", "question", "help", "understand"}};
    const std::vector<std::string> filler{"the",  "window", "file",  "when",  "user",
                                          "page", "open",   "after", "build", "server",
                                          "data", "list",   "new",   "on"};
    std::mt19937 generator(static_cast<unsigned>(seed));
    Dataset dataset;
    dataset.path = "separable.json";
    dataset.labels = LabelSet::machineHack();
    for (int i = 0; i < perClass * 3; ++i) {
        const int label = i % 3;
        std::ostringstream body;
        const int words = 4 + static_cast<int>(generator() % 12);
        for (int w = 0; w < words; ++w) {
            const bool key = generator() % 3 == 0;
            const auto& pool = key ? keywords[static_cast<std::size_t>(label)] : filler;
            body << pool[generator() % pool.size()] << ' ';
        }
        body << keywords[static_cast<std::size_t>(label)][generator() % 5];
        Issue issue;
        issue.id = std::to_string(i + 1);
        issue.title = "issue " + std::to_string(i);
        issue.body = body.str();
        issue.label = label;
        dataset.issues.push_back(issue);
    }
    return dataset;
}

inline TrainOptions tinyOptions(const std::string& model, const fs::path& out) {
    TrainOptions options;
    options.trainPath = "separable.json";
    options.model = model;
    options.outDir = out.string();
    options.encoder.maxLength = 32;
    options.batchSize = 8;
    options.epochs = 10;
    options.learningRate = 5e-3;
    options.warmupFraction = 0.1;
    options.valFraction = 0.25;
    options.seed = 11;
    return options;
}

// Records what a run reports.
struct Recorder : TrainingListener {
    std::vector<StepEvent> steps;
    std::vector<EvalEvent> evals;
    std::vector<EpochEvent> epochs;
    std::vector<CheckpointEvent> checkpoints;
    std::vector<FinishedEvent> finished;
    std::vector<std::string> messages;
    std::atomic<bool>* cancel = nullptr;
    long long cancelAtStep = -1;

    void onStep(const StepEvent& e) override {
        steps.push_back(e);
        if (cancel != nullptr && e.step == cancelAtStep) {
            cancel->store(true);
        }
    }
    void onEvaluation(const EvalEvent& e) override { evals.push_back(e); }
    void onEpochEnd(const EpochEvent& e) override { epochs.push_back(e); }
    void onCheckpoint(const CheckpointEvent& e) override { checkpoints.push_back(e); }
    void onFinished(const FinishedEvent& e) override { finished.push_back(e); }
    void onMessage(const std::string& text) override { messages.push_back(text); }
};

inline std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline int countLines(const std::string& text, const std::string& fragment) {
    int count = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        count += line.find(fragment) != std::string::npos ? 1 : 0;
    }
    return count;
}

} // namespace trainer_fixtures
