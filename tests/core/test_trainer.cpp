// The Trainer end to end on a tiny BERT (hidden 32, 2 layers, the real
// uncased vocabulary): it learns, is deterministic, stops early, keeps the
// best checkpoint and refuses bad input. Stopping and resuming:
// test_trainer_resume.cpp.
#include "core/io/errors.h"
#include "core/model/collate.h"
#include "core/model/model_folder.h"
#include "core/model/saved_settings.h"
#include "core/model/weights.h"
#include "core/train/checkpoint.h"
#include "core/train/metrics_log.h"
#include "core/train/train_step.h"
#include "core/train/trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <new>
#include <random>
#include <sstream>

#include "tests/support/trainer_fixtures.h"
#include "tests/support/unit.h"

using namespace issuebert;
namespace fs = std::filesystem;

using namespace trainer_fixtures;

TEST_CASE("train: a tiny model learns a separable dataset to at least 95% validation accuracy") {
    unit::TempDir temp;
    const auto options = tinyOptions(tinyModel(temp), temp.path() / "run");
    Recorder recorder;
    const FinishedEvent result = Trainer(options).run({separable(40), {}}, recorder);
    CHECK_EQ(runOutcomeName(result.outcome), std::string("finished"));
    CHECK(result.bestScore >= 0.95);
    CHECK_EQ(recorder.epochs.size(), std::size_t{10});
    CHECK_EQ(recorder.evals.size(), std::size_t{10});
    CHECK(recorder.evals.back().metrics.accuracy >= 0.95);
    CHECK(recorder.steps.front().loss > recorder.steps.back().loss);
    // 90 training issues in batches of 8: 12 steps an epoch.
    CHECK_EQ(recorder.steps.back().step, 120LL);
    CHECK_EQ(recorder.steps.back().totalSteps, 120LL);
    // Warmup from 0, peak, then decay to the last step's small rate.
    CHECK_EQ(recorder.steps.front().learningRate, 0.0);
    CHECK(recorder.steps.back().learningRate < options.learningRate * 0.05);

    // best/ is a Hugging Face folder with the labels and the metrics it was chosen for.
    const auto best = openModelFolder(result.bestPath);
    CHECK_EQ(folderLabels(best), (std::vector<std::string>{"bug", "feature", "question"}));
    CHECK(best.saved.has_value());
    CHECK(best.saved->metricsJson.find("\"accuracy\"") != std::string::npos);
    CHECK_EQ(best.saved->encoder.maxLength, 32);
    // metrics.jsonl holds the same stream.
    const std::string log = readFile(temp.path() / "run" / "metrics.jsonl");
    CHECK_EQ(countLines(log, "\"event\":\"step\""), 120);
    CHECK_EQ(countLines(log, "\"event\":\"eval\""), 10);
    CHECK_EQ(countLines(log, "\"event\":\"finished\""), 1);
    CHECK(fs::exists(temp.path() / "run" / "config.json"));
    CHECK(fs::exists(temp.path() / "run" / "last" / "trainer_state.json"));
    CHECK(recorder.epochs.front().paddingFraction >= 0.0 &&
          recorder.epochs.front().paddingFraction < 0.6);
}

TEST_CASE("train: the same seed and data give the same metrics; another seed does not") {
    unit::TempDir temp;
    const std::string model = tinyModel(temp);
    const auto runWith = [&](const std::string& name, std::uint64_t seed) {
        auto options = tinyOptions(model, temp.path() / name);
        options.epochs = 2;
        options.seed = seed;
        Recorder recorder;
        Trainer(options).run({separable(20), {}}, recorder);
        return recorder.evals.back().loss;
    };
    const double first = runWith("a", 5);
    CHECK_EQ(runWith("b", 5), first);
    CHECK(runWith("c", 6) != first);
}

TEST_CASE("train: balanced class weights are n / (classes x n_class) of the training issues, "
          "said in the log, and change the loss") {
    unit::TempDir temp;
    const std::string model = tinyModel(temp);
    // 20 feature and 20 question issues, 5 bug: weights 45 / (3 x 5) = 3 and 45 / 60 = 0.75.
    Dataset data = separable(20);
    std::vector<Issue> kept;
    int bugs = 0;
    for (const Issue& issue : data.issues) {
        if (issue.label != 0 || ++bugs <= 5) {
            kept.push_back(issue);
        }
    }
    data.issues = kept;
    const auto runWith = [&](const std::string& name, ClassWeighting weighting, Recorder& r) {
        auto options = tinyOptions(model, temp.path() / name);
        options.valFraction = 0.0;
        options.epochs = 1;
        options.classWeights = weighting;
        Trainer(options).run({data, {}}, r);
    };
    Recorder plain;
    Recorder balanced;
    runWith("plain", ClassWeighting::None, plain);
    runWith("balanced", ClassWeighting::Balanced, balanced);
    const auto says = [](const Recorder& r, const std::string& words) {
        return std::any_of(r.messages.begin(), r.messages.end(), [&](const std::string& m) {
            return m.find(words) != std::string::npos;
        });
    };
    CHECK(says(balanced, "Class weights (balanced): bug 3.00, feature 0.75, question 0.75"));
    CHECK(!says(plain, "Class weights"));
    CHECK(plain.steps.front().loss != balanced.steps.front().loss);
}

TEST_CASE("train: bf16 autocast on the CPU learns as fp32 does, keeps fp32 weights and says so") {
    unit::TempDir temp;
    const std::string model = tinyModel(temp);
    const auto runWith = [&](const std::string& name, Precision precision, Recorder& recorder) {
        auto options = tinyOptions(model, temp.path() / name);
        options.device = DeviceChoice::Cpu;
        options.precision = precision;
        options.epochs = 10;
        return Trainer(options).run({separable(40), {}}, recorder);
    };
    Recorder fp32;
    Recorder bf16;
    const FinishedEvent exact = runWith("fp32", Precision::Float32, fp32);
    const FinishedEvent fast = runWith("bf16", Precision::BFloat16, bf16);
    // The run says what it computes in (also where the processor has no
    // native bf16: asked for, it runs anyway, slower).
    const auto says = [](const Recorder& r, const std::string& words) {
        return std::any_of(r.messages.begin(), r.messages.end(), [&](const std::string& m) {
            return m.find(words) != std::string::npos;
        });
    };
    CHECK(says(fp32, "fp32, as asked"));
    CHECK(says(bf16, "bf16 autocast, as asked"));
    // The first step (the same weights, the same batch) differs by bf16's
    // rounding only; later steps drift apart, and both runs learn.
    CHECK(fp32.steps.front().loss != bf16.steps.front().loss);
    CHECK(std::abs(fp32.steps.front().loss - bf16.steps.front().loss) < 0.02);
    CHECK(bf16.steps.back().loss < bf16.steps.front().loss);
    CHECK(fast.bestScore >= 0.95);
    CHECK(exact.bestScore >= 0.95);
    // best/ is saved in fp32 (the master weights), as it is after an fp32 run.
    const auto tensors = loadCheckpointTensors(fast.bestPath + "/model.safetensors");
    for (const auto& [name, tensor] : tensors) {
        if (tensor.scalar_type() != torch::kFloat32) {
            unit::fail(name + " is not saved in fp32", __FILE__, __LINE__);
        }
    }
}

TEST_CASE("train: early stopping ends the run after `patience` evaluations without improvement") {
    unit::TempDir temp;
    auto options = tinyOptions(tinyModel(temp), temp.path() / "run");
    options.learningRate = 1e-9; // nothing improves after the first evaluation
    options.evalEverySteps = 1;
    options.patience = 2;
    Recorder recorder;
    const FinishedEvent result = Trainer(options).run({separable(20), {}}, recorder);
    CHECK_EQ(runOutcomeName(result.outcome), std::string("early_stopped"));
    CHECK_EQ(recorder.evals.size(), std::size_t{3});
    CHECK(recorder.evals[0].improved);
    CHECK(!recorder.evals[1].improved && !recorder.evals[2].improved);
    CHECK_EQ(recorder.evals[2].badEvaluations, 2);
    // best/ was written once, by the first evaluation, and still holds its metrics.
    int bestSaves = 0;
    for (const auto& c : recorder.checkpoints) {
        bestSaves += c.kind == CheckpointKind::Best ? 1 : 0;
    }
    CHECK_EQ(bestSaves, 1);
    CHECK_EQ(result.bestEpoch, 1);
    CHECK(fs::exists(fs::path(result.bestPath) / "model.safetensors"));
}

TEST_CASE("train: auto epochs, learning rate and max length are resolved for the data and the "
          "model, said, and kept in config.json and the saved model") {
    unit::TempDir temp;
    auto options = tinyOptions(tinyModel(temp), temp.path() / "run");
    options.epochs = kAutoEpochs;
    options.learningRate = kAutoLearningRate;
    options.patience = 1; // the epochs are what config.json says, not how many ran
    Recorder recorder;
    options.encoder.maxLength = kAutoMaxLength;
    Trainer(options).run({separable(20), {}}, recorder);
    // 45 training issues in batches of 8: 6 steps an epoch, so the most epochs.
    const TrainOptions saved = readRunOptions(options.outDir);
    CHECK_EQ(saved.epochs, kAutoMaxEpochs);
    // The issues are at most 20 words: the shortest auto length.
    CHECK_EQ(saved.encoder.maxLength, kAutoMaxLengthMin);
    const bool saidLength =
        std::any_of(recorder.messages.begin(), recorder.messages.end(), [](auto& line) {
            return line.find("Max length (auto): 64, which fits 100.0% of the training issues") !=
                   std::string::npos;
        });
    CHECK(saidLength);
    const auto savedModel = readSavedSettings((fs::path(options.outDir) / "best").string());
    CHECK(savedModel.has_value() && savedModel->encoder.maxLength == 64);
    // The tiny model is 32 wide: 1e-4 x 384 / 32.
    CHECK_NEAR(saved.learningRate, 1.2e-3, 1e-12);
    const bool said =
        std::any_of(recorder.messages.begin(), recorder.messages.end(), [](auto& line) {
            return line.find("Epochs (auto): 10") != std::string::npos &&
                   line.find("learning rate (auto): 0.0012") != std::string::npos;
        });
    CHECK(said);
}

TEST_CASE("train: auto validation on a small dataset trains on every issue, says why, and "
          "keeps 0 in config.json") {
    unit::TempDir temp;
    auto options = tinyOptions(tinyModel(temp), temp.path() / "run");
    options.valFraction = kAutoValFraction;
    options.epochs = 2;
    Recorder recorder;
    const FinishedEvent result = Trainer(options).run({separable(20), {}}, recorder);
    // 60 issues: a 10 % split would hold 2 per class, far below 30.
    CHECK(recorder.evals.empty());
    CHECK_EQ(result.bestEpoch, 2);
    const auto said = [&](const std::string& text) {
        return std::any_of(recorder.messages.begin(), recorder.messages.end(),
                           [&](auto& line) { return line.find(text) != std::string::npos; });
    };
    CHECK(said("Validation (auto): none; 10 % of 60 issues would be 2.0 per class"));
    CHECK(said("Training on 60 issues, no validation"));
    CHECK_EQ(readRunOptions(options.outDir).valFraction, 0.0);
}

TEST_CASE("train: a separate validation file is used as it is, its labels matched by name") {
    unit::TempDir temp;
    auto options = tinyOptions(tinyModel(temp), temp.path() / "run");
    options.epochs = 1;
    Dataset validation = separable(5, 3);
    validation.path = "val.json";
    Recorder recorder;
    Trainer(options).run({separable(10), validation}, recorder);
    CHECK_EQ(recorder.evals.back().metrics.count, 15LL);

    Dataset foreign = separable(2);
    foreign.path = "val.json";
    foreign.labels = LabelSet({"bug", "feature", "enhancement"});
    options.outDir = (temp.path() / "run2").string();
    CHECK_THROWS_WITH(
        Trainer(options).run({separable(10), foreign}, recorder), DataError,
        "val.json: record 3: label \"enhancement\" does not occur in the training data");
}

TEST_CASE("train: bad input is refused before training, naming the file, record or setting") {
    unit::TempDir temp;
    const std::string model = tinyModel(temp);
    auto options = tinyOptions(model, temp.path() / "run");
    Recorder recorder;

    Dataset unlabelled = separable(5);
    unlabelled.issues[4].label = kNoLabel;
    CHECK_THROWS_WITH(Trainer(options).run({unlabelled, {}}, recorder), DataError,
                      "separable.json: record 5: issue \"5\" has no label");

    Dataset oneClass = separable(5);
    for (auto& issue : oneClass.issues) {
        issue.label = 0;
    }
    CHECK_THROWS_WITH(Trainer(options).run({oneClass, {}}, recorder), DataError,
                      "at least two classes");

    auto bad = options;
    bad.learningRate = 0.0;
    bad.batchSize = 0;
    CHECK_THROWS_WITH(Trainer{bad}, DataError, "invalid training settings");

    options.outDir = (temp.path() / "twice").string();
    options.epochs = 1;
    Trainer(options).run({separable(5), {}}, recorder);
    CHECK_THROWS_WITH(Trainer(options).run({separable(5), {}}, recorder), DataError,
                      "a training run is already there");
}

TEST_CASE(
    "train: a NaN loss stops the step without touching the weights, and the run fails clearly") {
    unit::TempDir temp;
    const std::string model = tinyModel(temp);
    // A checkpoint whose encoder holds a NaN: every loss is NaN.
    const fs::path poisoned = temp.path() / "poisoned";
    fs::copy(model, poisoned);
    {
        auto folder = openModelFolder(model);
        auto classifier = loadClassifier(
            folder, {HeadKind::Linear, Pooling::Cls, {"bug", "feature", "question"}});
        {
            torch::NoGradGuard noGrad;
            classifier->bert->embeddings->LayerNorm->weight[0] =
                std::numeric_limits<float>::quiet_NaN();
        }
        fs::remove_all(poisoned);
        saveModelFolder(*classifier, model, poisoned.string(), {});

        StepRunner runner(*classifier, {});
        std::vector<Encoding> encodings(2);
        encodings[0].inputIds = {101, 2000, 102};
        encodings[1].inputIds = {101, 102};
        const auto before = classifier->classifier->weight.clone();
        const auto result = runner.step({collate(encodings, {0, 1}, {0, 1}, torch::kCPU)}, 1e-3);
        CHECK(!result.finite);
        CHECK(torch::equal(before, classifier->classifier->weight));
    }
    auto options = tinyOptions(poisoned.string(), temp.path() / "run");
    Recorder recorder;
    const FinishedEvent result = Trainer(options).run({separable(10), {}}, recorder);
    CHECK_EQ(runOutcomeName(result.outcome), std::string("failed"));
    CHECK(result.message.find("the loss became NaN at step 1") != std::string::npos);
    CHECK(result.message.find("lower the learning rate") != std::string::npos);
}

TEST_CASE("train: layer-wise learning-rate decay moves each layer by its share of the rate") {
    unit::TempDir temp;
    const std::string model = tinyModel(temp);
    std::vector<Encoding> encodings(2);
    encodings[0].inputIds = {101, 2000, 2001, 102};
    encodings[1].inputIds = {101, 2003, 102};
    // Adam's first update moves every parameter element with a gradient by
    // the learning rate (m / sqrt(v) = ±1), so the largest move of each
    // tensor is its group's learning rate.
    const auto largestMoves = [&](double layerDecay) {
        auto folder = openModelFolder(model);
        auto classifier = loadClassifier(
            folder, {HeadKind::Linear, Pooling::Mean, {"bug", "feature", "question"}});
        StepOptions stepOptions;
        stepOptions.weightDecay = 0.0;
        stepOptions.maxGradNorm = 0.0;
        stepOptions.layerDecay = layerDecay;
        StepRunner runner(*classifier, stepOptions);
        std::map<std::string, torch::Tensor> before;
        for (const auto& item : classifier->named_parameters()) {
            before[item.key()] = item.value().detach().clone();
        }
        runner.step({collate(encodings, {0, 1}, {0, 2}, torch::kCPU)}, 1e-3);
        std::map<std::string, double> moves;
        for (const auto& item : classifier->named_parameters()) {
            moves[item.key()] =
                (item.value().detach() - before[item.key()]).abs().max().item<double>();
        }
        return moves;
    };
    const auto decayed = largestMoves(0.5);
    CHECK_NEAR(decayed.at("classifier.weight"), 1e-3, 1e-5);
    CHECK_NEAR(decayed.at("bert.encoder.layer.1.output.dense.weight"), 1e-3, 1e-5);
    CHECK_NEAR(decayed.at("bert.encoder.layer.0.output.dense.weight"), 5e-4, 5e-6);
    CHECK_NEAR(decayed.at("bert.embeddings.LayerNorm.weight"), 2.5e-4, 2.5e-6);
    CHECK_NEAR(decayed.at("bert.embeddings.word_embeddings.weight"), 2.5e-4, 2.5e-6);
    // Without decay every layer moves by the full rate.
    const auto plain = largestMoves(1.0);
    CHECK_NEAR(plain.at("bert.encoder.layer.0.output.dense.weight"), 1e-3, 1e-5);
    CHECK_NEAR(plain.at("bert.embeddings.LayerNorm.weight"), 1e-3, 1e-5);

    CHECK_EQ(layerLearningRateScale("bert.encoder.layer.11.attention.self.query.weight", 12, 0.8),
             1.0);
    CHECK_NEAR(layerLearningRateScale("bert.encoder.layer.0.output.dense.bias", 12, 0.8),
               std::pow(0.8, 11), 1e-12);
    CHECK_NEAR(layerLearningRateScale("bert.embeddings.position_embeddings.weight", 12, 0.8),
               std::pow(0.8, 12), 1e-12);
    CHECK_EQ(layerLearningRateScale("bert.pooler.dense.weight", 12, 0.8), 1.0);
}

TEST_CASE("train: validation fraction 0 trains on every issue, evaluates nothing and keeps the "
          "last epoch's model") {
    unit::TempDir temp;
    auto options = tinyOptions(tinyModel(temp), temp.path() / "run");
    options.valFraction = 0.0;
    options.epochs = 3;
    Recorder recorder;
    const FinishedEvent result = Trainer(options).run({separable(20), {}}, recorder);
    CHECK_EQ(runOutcomeName(result.outcome), std::string("finished"));
    CHECK(recorder.evals.empty());
    const bool said =
        std::any_of(recorder.messages.begin(), recorder.messages.end(), [](auto& line) {
            return line.find("Training on 60 issues, no validation") != std::string::npos;
        });
    CHECK(said);
    CHECK(result.message.find("the last epoch's model is kept") != std::string::npos);
    CHECK_EQ(result.bestEpoch, 3);
    CHECK(!result.bestPath.empty());
    CHECK(fs::exists(fs::path(result.bestPath) / "model.safetensors"));
    // best/ was last written after the final step.
    long long lastBest = -1;
    for (const auto& c : recorder.checkpoints) {
        lastBest = c.kind == CheckpointKind::Best ? c.step : lastBest;
    }
    CHECK_EQ(lastBest, recorder.steps.back().step);
}
