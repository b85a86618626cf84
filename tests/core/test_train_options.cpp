// Training options: the defaults are usable, each bad value is named in one
// line, and config.json gives back every field it was written from.
#include "core/io/errors.h"
#include "core/train/train_options.h"
#include "tests/support/unit.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <functional>

using namespace issuebert;

namespace {

// Options a user could start from: the defaults plus the two required paths.
TrainOptions usable() {
    TrainOptions options;
    options.trainPath = "data/train.json";
    options.outDir = "runs/first";
    return options;
}

// The problems of usable() changed by edit.
std::vector<std::string> problemsWith(const std::function<void(TrainOptions&)>& edit) {
    TrainOptions options = usable();
    edit(options);
    return validateOptions(options);
}

// True when exactly one problem is reported and it contains fragment.
bool onlyProblem(const std::vector<std::string>& problems, const std::string& fragment) {
    return problems.size() == 1 && problems[0].find(fragment) != std::string::npos;
}

// Options with every field off its default.
TrainOptions everyFieldChanged() {
    TrainOptions o;
    o.trainPath = "/data/issues train.jsonl";
    o.valPath = "/data/val.csv";
    o.model = "bert-base-uncased";
    o.outDir = "/runs/ü";
    o.valFraction = 0.25;
    o.maxRecords = 5000;
    o.encoder.maxLength = 256;
    o.encoder.truncation = Truncation::Head;
    o.encoder.pairTitleBody = true;
    o.encoder.cleanup.steps = kCleanComments | kCleanCode;
    o.head = HeadKind::Mlp;
    o.pooling = Pooling::Mean;
    o.dropout = 0.3;
    o.epochs = 7;
    o.batchSize = 16;
    o.gradAccumulation = 4;
    o.learningRate = 3.3e-5;
    o.warmupFraction = 0.06;
    o.weightDecay = 0.05;
    o.layerDecay = 0.75;
    o.maxGradNorm = 0.0;
    o.classWeights = ClassWeighting::Balanced;
    o.seed = 18446744073709551615ULL;
    o.evalEverySteps = 250;
    o.stopMetric = StopMetric::MacroF1;
    o.patience = 0;
    o.saveDtype = SaveDtype::BFloat16;
    o.device = DeviceChoice::Cuda;
    o.precision = Precision::BFloat16;
    return o;
}

} // namespace

TEST_CASE("options: the defaults with the two paths are usable") {
    CHECK_EQ(validateOptions(usable()), std::vector<std::string>{});
    const TrainOptions defaults;
    CHECK_EQ(defaults.encoder.maxLength, kAutoMaxLength);
    CHECK(defaults.encoder.truncation == Truncation::HeadTail);
    CHECK_EQ(defaults.epochs, kAutoEpochs);
    CHECK_EQ(defaults.batchSize, 32);
    CHECK_EQ(defaults.learningRate, kAutoLearningRate);
    CHECK(defaults.stopMetric == StopMetric::MacroF1);
}

TEST_CASE("options: auto epochs reach the target steps, within 1 and the most epochs") {
    // 2,214 issues in batches of 32: 70 steps an epoch, 4 epochs for 250 steps.
    CHECK_EQ(autoEpochs(2214, 32, 1), 4);
    // Gradient accumulation makes fewer steps an epoch: more epochs.
    CHECK_EQ(autoEpochs(2214, 32, 2), 8);
    // 1,350 issues (1,500 less validation): 43 steps an epoch, 6 epochs.
    CHECK_EQ(autoEpochs(1350, 32, 1), 6);
    // 150,000 issues: one epoch is already 4,688 steps.
    CHECK_EQ(autoEpochs(150000, 32, 1), 1);
    // 150 issues (50 per class): 5 steps an epoch, capped.
    CHECK_EQ(autoEpochs(150, 32, 1), kAutoMaxEpochs);
    CHECK_EQ(autoEpochs(0, 32, 1), kAutoMaxEpochs);
}

TEST_CASE("options: the auto learning rate scales with the model's width") {
    CHECK_NEAR(autoLearningRate(384), 1e-4, 1e-15);
    CHECK_NEAR(autoLearningRate(768), 5e-5, 1e-15);
    TrainOptions o;
    const TrainOptions r = resolveAuto(o, 2214, 384);
    CHECK_EQ(r.epochs, 4);
    CHECK_NEAR(r.learningRate, 1e-4, 1e-15);
    // Explicit values are kept.
    o.epochs = 2;
    o.learningRate = 3e-5;
    const TrainOptions kept = resolveAuto(o, 2214, 384);
    CHECK_EQ(kept.epochs, 2);
    CHECK_NEAR(kept.learningRate, 3e-5, 1e-15);
}

TEST_CASE("options: missing paths are named") {
    const auto problems = validateOptions(TrainOptions{});
    CHECK_EQ(problems.size(), std::size_t{2});
    CHECK(problems[0].find("training file") != std::string::npos);
    CHECK(problems[1].find("output folder") != std::string::npos);
}

TEST_CASE("options: each bad value gives its own line") {
    CHECK(onlyProblem(problemsWith([](auto& o) { o.encoder.maxLength = 8; }),
                      "max length 8 must be between 16 and 512"));
    CHECK(onlyProblem(problemsWith([](auto& o) { o.encoder.maxLength = 513; }),
                      "max length 513 must be between 16 and 512"));
    CHECK(onlyProblem(problemsWith([](auto& o) { o.batchSize = 0; }),
                      "batch size 0 must be between 1 and 4096"));
    CHECK(onlyProblem(problemsWith([](auto& o) { o.batchSize = 4097; }), "batch size 4097"));
    CHECK(onlyProblem(problemsWith([](auto& o) { o.epochs = -1; }),
                      "epochs -1 must be between 0 and 1000"));
    CHECK(onlyProblem(problemsWith([](auto& o) { o.gradAccumulation = 2000; }),
                      "gradient accumulation 2000 must be between 1 and 1024"));
    CHECK(onlyProblem(problemsWith([](auto& o) { o.learningRate = -1; }),
                      "learning rate -1 must be above 0 and at most 1 (0: auto)"));
    CHECK(onlyProblem(problemsWith([](auto& o) { o.learningRate = 2; }), "learning rate 2"));
    CHECK(onlyProblem(problemsWith([](auto& o) { o.learningRate = std::nan(""); }),
                      "learning rate nan"));
    CHECK(onlyProblem(problemsWith([](auto& o) { o.warmupFraction = 1; }),
                      "warmup fraction 1 must be at least 0 and below 1"));
    CHECK(onlyProblem(problemsWith([](auto& o) { o.weightDecay = -0.1; }),
                      "weight decay -0.1 must be at least 0"));
    CHECK(onlyProblem(problemsWith([](auto& o) { o.dropout = 1; }), "dropout 1 must be below 1"));
    CHECK(onlyProblem(problemsWith([](auto& o) { o.valFraction = 0.95; }),
                      "validation fraction 0.95 must be between 0 and 0.9"));
    CHECK(onlyProblem(problemsWith([](auto& o) { o.patience = -1; }), "patience -1"));
    CHECK(onlyProblem(problemsWith([](auto& o) { o.evalEverySteps = -5; }),
                      "evaluate every -5 steps"));
    CHECK(onlyProblem(problemsWith([](auto& o) { o.maxRecords = -1; }), "max records -1"));
    CHECK(onlyProblem(problemsWith([](auto& o) { o.maxGradNorm = INFINITY; }),
                      "max gradient norm inf"));
}

TEST_CASE("options: several bad values give several lines") {
    const auto problems = problemsWith([](auto& o) {
        o.epochs = -1;
        o.batchSize = 0;
        o.learningRate = -1;
    });
    CHECK_EQ(problems.size(), std::size_t{3});
}

TEST_CASE("options: validation fraction 0 is training without validation, with or without a "
          "file") {
    CHECK(problemsWith([](auto& o) { o.valFraction = 0; }).empty());
    CHECK(problemsWith([](auto& o) {
              o.valFraction = 0;
              o.valPath = "val.json";
          }).empty());
    CHECK(onlyProblem(problemsWith([](auto& o) { o.valFraction = -0.1; }),
                      "validation fraction -0.1 must be between 0 and"));
}

TEST_CASE("options: auto validation splits off 10 % from 30 issues per class on average, "
          "none below; it is the default and reads and writes as \"auto\"") {
    CHECK_EQ(TrainOptions{}.valFraction, kAutoValFraction);
    CHECK_EQ(autoValFraction(900, 3), 0.1); // 300 per class: 30 per class held out
    CHECK_EQ(autoValFraction(899, 3), 0.0);
    CHECK_EQ(autoValFraction(300, 3), 0.0); // 100 per class
    CHECK_EQ(autoValFraction(150'000, 3), 0.1);
    CHECK_EQ(autoValFraction(600, 2), 0.1);
    CHECK(problemsWith([](auto& o) { o.valFraction = kAutoValFraction; }).empty());
    const std::string text = trainOptionsToJson(TrainOptions{});
    CHECK(text.find("\"val_fraction\": \"auto\"") != std::string::npos);
    CHECK_EQ(trainOptionsFromJson(text, "config.json").valFraction, kAutoValFraction);
    CHECK_EQ(trainOptionsFromJson(R"({"val_fraction": 0.2})", "config.json").valFraction, 0.2);
    CHECK_THROWS_WITH(trainOptionsFromJson(R"({"val_fraction": "most"})", "s.json"), DataError,
                      "s.json: key \"val_fraction\": expected a number");
}

TEST_CASE("options: auto max length fits 80 % of the issues whole, in multiples of 32 from 64 "
          "to 256") {
    CHECK(problemsWith([](auto& o) { o.encoder.maxLength = kAutoMaxLength; }).empty());
    CHECK_EQ(autoMaxLength({}), 256);
    CHECK_EQ(autoMaxLength({5, 10, 12, 20, 9}), 64); // short issues: the least
    // Five issues: the fourth longest must fit, 200 tokens + [CLS] + [SEP] -> 224.
    CHECK_EQ(autoMaxLength({300, 10, 200, 20, 30}), 224);
    CHECK_EQ(autoMaxLength({94, 94, 94, 94, 400}), 96);
    CHECK_EQ(autoMaxLength({95, 95, 95, 95, 400}), 128); // 97 does not fit in 96
    CHECK_EQ(autoMaxLength({1000, 2000, 3000}), 256);    // long issues: the most
}

TEST_CASE("options: layer-wise learning-rate decay is above 0 and at most 1") {
    CHECK(problemsWith([](auto& o) { o.layerDecay = 0.8; }).empty());
    CHECK(problemsWith([](auto& o) { o.layerDecay = 1.0; }).empty());
    CHECK(onlyProblem(problemsWith([](auto& o) { o.layerDecay = 0.0; }),
                      "layer-wise learning-rate decay 0 must be above 0 and at most 1"));
    CHECK(onlyProblem(problemsWith([](auto& o) { o.layerDecay = 1.5; }),
                      "layer-wise learning-rate decay 1.5 must be above 0"));
}

TEST_CASE("options: edge values are accepted") {
    CHECK(problemsWith([](auto& o) {
              o.encoder.maxLength = 16;
              o.batchSize = 4096;
              o.epochs = 1000;
              o.gradAccumulation = 1024;
              o.learningRate = 1;
              o.warmupFraction = 0;
              o.weightDecay = 0;
              o.dropout = 0;
              o.valFraction = 0.9;
              o.patience = 0;
              o.maxGradNorm = -1;
              // bf16 runs on any device (on a CPU without native bf16, slowly).
              o.precision = Precision::BFloat16;
          }).empty());
}

TEST_CASE("options: choice names parse back, unknown words do not") {
    for (auto v : {ClassWeighting::None, ClassWeighting::Balanced}) {
        CHECK(parseClassWeighting(classWeightingName(v)) == v);
    }
    for (auto v : {StopMetric::Accuracy, StopMetric::MacroF1}) {
        CHECK(parseStopMetric(stopMetricName(v)) == v);
    }
    for (auto v : {DeviceChoice::Auto, DeviceChoice::Cpu, DeviceChoice::Cuda}) {
        CHECK(parseDeviceChoice(deviceChoiceName(v)) == v);
    }
    for (auto v : {Precision::Auto, Precision::Float32, Precision::BFloat16}) {
        CHECK(parsePrecision(precisionName(v)) == v);
    }
    CHECK_EQ(std::string(stopMetricName(StopMetric::MacroF1)), std::string("macro_f1"));
    CHECK_EQ(std::string(precisionName(Precision::BFloat16)), std::string("bf16"));
    CHECK(!parseDeviceChoice("tpu"));
    CHECK(!parsePrecision("fp16"));
    CHECK(!parseStopMetric("f1"));
    CHECK(!parseClassWeighting("Balanced"));
}

TEST_CASE("options: config.json gives back every field") {
    const TrainOptions o = everyFieldChanged();
    const TrainOptions r = trainOptionsFromJson(trainOptionsToJson(o), "config.json");
    CHECK_EQ(r.trainPath, o.trainPath);
    CHECK_EQ(r.valPath, o.valPath);
    CHECK_EQ(r.model, o.model);
    CHECK_EQ(r.outDir, o.outDir);
    CHECK_EQ(r.valFraction, o.valFraction);
    CHECK_EQ(r.maxRecords, o.maxRecords);
    CHECK_EQ(r.encoder.maxLength, o.encoder.maxLength);
    CHECK(r.encoder.truncation == Truncation::Head);
    CHECK_EQ(r.encoder.pairTitleBody, true);
    CHECK(r.head == HeadKind::Mlp);
    CHECK(r.pooling == Pooling::Mean);
    CHECK_EQ(r.dropout, o.dropout);
    CHECK_EQ(r.epochs, o.epochs);
    CHECK_EQ(r.batchSize, o.batchSize);
    CHECK_EQ(r.gradAccumulation, o.gradAccumulation);
    CHECK_EQ(r.learningRate, o.learningRate); // exact: the JSON keeps every bit
    CHECK_EQ(r.warmupFraction, o.warmupFraction);
    CHECK_EQ(r.weightDecay, o.weightDecay);
    CHECK_EQ(r.layerDecay, o.layerDecay);
    CHECK_EQ(r.maxGradNorm, o.maxGradNorm);
    CHECK(r.classWeights == ClassWeighting::Balanced);
    CHECK_EQ(r.seed, o.seed);
    CHECK_EQ(r.evalEverySteps, o.evalEverySteps);
    CHECK(r.stopMetric == StopMetric::MacroF1);
    CHECK_EQ(r.patience, o.patience);
    CHECK(r.saveDtype == SaveDtype::BFloat16);
    CHECK(r.device == DeviceChoice::Cuda);
    CHECK(r.precision == Precision::BFloat16);
    // And the defaults, read over changed options, come back as defaults.
    const TrainOptions d = trainOptionsFromJson(trainOptionsToJson(TrainOptions{}), "c.json", o);
    CHECK(!d.head);
    CHECK(!d.pooling);
    CHECK_EQ(d.trainPath, std::string());
    CHECK_EQ(d.seed, std::uint64_t{42});
    CHECK(d.encoder.truncation == Truncation::HeadTail);
    CHECK_EQ(d.encoder.maxLength, kAutoMaxLength);
}

TEST_CASE("options: config.json uses snake_case keys and readable values") {
    const auto json = nlohmann::json::parse(trainOptionsToJson(everyFieldChanged()));
    CHECK_EQ(json.at("learning_rate").get<double>(), 3.3e-5);
    CHECK_EQ(json.at("max_length").get<int>(), 256);
    CHECK_EQ(json.at("truncation").get<std::string>(), std::string("head"));
    CHECK_EQ(json.at("pair_title_body").get<bool>(), true);
    CHECK_EQ(json.at("stop_metric").get<std::string>(), std::string("macro_f1"));
    CHECK_EQ(json.at("save_dtype").get<std::string>(), std::string("bfloat16"));
    CHECK_EQ(json.at("precision").get<std::string>(), std::string("bf16"));
    CHECK_EQ(json.at("head").get<std::string>(), std::string("mlp"));
    const auto defaults = nlohmann::json::parse(trainOptionsToJson(TrainOptions{}));
    CHECK(defaults.at("head").is_null());
    CHECK(defaults.at("pooling").is_null());
    CHECK_EQ(defaults.size(), json.size());
    CHECK_EQ(defaults.size(), std::size_t{29});
    CHECK_EQ(defaults.at("layer_decay").get<double>(), 1.0);
    CHECK_EQ(defaults.at("text_cleanup").get<std::string>(), std::string("none"));
    CHECK_EQ(json.at("text_cleanup").get<std::string>(), std::string("comments,code"));
}

TEST_CASE("options: a partial settings file keeps the other values") {
    const TrainOptions base = everyFieldChanged();
    const TrainOptions r =
        trainOptionsFromJson(R"({"epochs": 2, "pooling": "cls"})", "s.json", base);
    CHECK_EQ(r.epochs, 2);
    CHECK(r.pooling == Pooling::Cls);
    CHECK_EQ(r.batchSize, base.batchSize);
    CHECK_EQ(r.trainPath, base.trainPath);
    CHECK(r.head == HeadKind::Mlp);
    CHECK_EQ(r.learningRate, base.learningRate);
    const TrainOptions e = trainOptionsFromJson("{}", "s.json");
    CHECK_EQ(e.epochs, kAutoEpochs);
    // A whole-number learning rate is still a number.
    CHECK_EQ(trainOptionsFromJson(R"({"learning_rate": 1})", "s.json").learningRate, 1.0);
}

TEST_CASE("options: unknown keys and wrong values name the file, the key and the value") {
    CHECK_THROWS_WITH(trainOptionsFromJson(R"({"epoch": 3})", "/runs/a/config.json"), DataError,
                      "/runs/a/config.json: unknown key \"epoch\"");
    CHECK_THROWS_WITH(
        trainOptionsFromJson(R"({"epochs": "three"})", "/runs/a/config.json"), DataError,
        "/runs/a/config.json: key \"epochs\": expected a whole number, found \"three\"");
    CHECK_THROWS_WITH(trainOptionsFromJson(R"({"epochs": 2.5})", "c.json"), DataError,
                      "key \"epochs\": expected a whole number, found 2.5");
    CHECK_THROWS_WITH(trainOptionsFromJson(R"({"batch_size": 99999999999})", "c.json"), DataError,
                      "key \"batch_size\": 99999999999 is out of range");
    CHECK_THROWS_WITH(trainOptionsFromJson(R"({"text_cleanup": "code,typo"})", "c.json"), DataError,
                      "key \"text_cleanup\": \"code,typo\" is not none, all");
    CHECK_THROWS_WITH(trainOptionsFromJson(R"({"device": "tpu"})", "c.json"), DataError,
                      "c.json: key \"device\": \"tpu\" is not auto, cpu or cuda");
    CHECK_THROWS_WITH(trainOptionsFromJson(R"({"truncation": "tail"})", "c.json"), DataError,
                      "key \"truncation\": \"tail\" is not head or head_tail");
    CHECK_THROWS_WITH(trainOptionsFromJson(R"({"head": 3})", "c.json"), DataError,
                      "key \"head\": expected a string, found 3");
    CHECK_THROWS_WITH(trainOptionsFromJson(R"({"learning_rate": "2e-5"})", "c.json"), DataError,
                      "key \"learning_rate\": expected a number, found \"2e-5\"");
    CHECK_THROWS_WITH(trainOptionsFromJson(R"({"pair_title_body": 1})", "c.json"), DataError,
                      "key \"pair_title_body\": expected true or false, found 1");
    CHECK_THROWS_WITH(trainOptionsFromJson(R"({"seed": -1})", "c.json"), DataError,
                      "key \"seed\": expected a whole number, 0 or more, found -1");
    CHECK_THROWS_WITH(trainOptionsFromJson("[1, 2]", "c.json"), DataError,
                      "c.json: expected a JSON object");
    CHECK_THROWS_WITH(trainOptionsFromJson("{\"epochs\": ", "c.json"), DataError,
                      "c.json: not valid JSON");
}
