// Every setting of a fine-tuning run, with the defaults the CLI and the GUI
// start from, validation, and the JSON form kept in a run folder's config.json.
// LibTorch-free.
#pragma once

#include "core/model/classifier_options.h"
#include "core/model/device.h"
#include "core/model/precision.h"
#include "core/model/saved_settings.h"
#include "core/text/encoder.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace issuebert {

enum class ClassWeighting {
    None,
    Balanced, // n / (classes * n_class), as scikit-learn's "balanced"
};

enum class StopMetric { Accuracy, MacroF1 };

// "Auto" max length (TrainOptions::encoder.maxLength): chosen from the
// training issues' token counts when the run starts. It fits this share of
// the issues whole…
inline constexpr int kAutoMaxLength = 0;
inline constexpr double kAutoMaxLengthCoverage = 0.8;
// …rounded up to a multiple of 32, within these bounds (the upper one keeps
// time in check: docs/QUALITY.md).
inline constexpr int kAutoMaxLengthMin = 64;
inline constexpr int kAutoMaxLengthMax = 256;

// The inputs a run starts from: auto max length, head+tail truncation.
inline EncoderOptions defaultTrainEncoder() {
    EncoderOptions encoder;
    encoder.maxLength = kAutoMaxLength;
    encoder.truncation = Truncation::HeadTail;
    return encoder;
}

// "Auto" validation, TrainOptions::valFraction: a stratified split of
// kDefaultValFraction when that holds at least kAutoValMinPerClass issues per
// class on average, else none — a dozen issues per class choose the epoch
// badly, and training on them wins (docs/QUALITY.md, learning curve).
inline constexpr double kAutoValFraction = -1.0;
inline constexpr double kDefaultValFraction = 0.1;
inline constexpr int kAutoValMinPerClass = 30;

struct TrainOptions {
    // Data and model.
    std::string trainPath;
    std::string valPath; // empty: a stratified split of the training data
    std::string model;   // folder or model id; empty: the default model
    std::string outDir;  // the run folder
    // Of the training data, when valPath is empty. 0: no validation; training
    // runs every epoch and best/ holds the last epoch's model. kAutoValFraction
    // (the default): autoValFraction's choice when the run starts.
    double valFraction = kAutoValFraction;
    long long maxRecords = 0; // per file; 0: all
    // Inputs.
    // Max length auto (kAutoMaxLength), head+tail truncation, no clean-up:
    // each cross-validated against the alternatives in docs/QUALITY.md.
    EncoderOptions encoder = defaultTrainEncoder();
    // Model.
    std::optional<HeadKind> head;   // unset: a saved fine-tune's, else linear
    std::optional<Pooling> pooling; // unset: what the checkpoint suggests
    double dropout = -1.0;          // hidden and attention dropout; < 0: the config's
    // Optimisation. 0 (kAuto…) for epochs or the learning rate: chosen from
    // the data's and the model's size when the run starts (resolveAuto).
    int epochs = 0;
    int batchSize = 32;
    int gradAccumulation = 1;
    double learningRate = 0.0;
    double warmupFraction = 0.1; // of all steps, linear; then linear decay to 0
    double weightDecay = 0.01;   // decoupled; none on biases and LayerNorm
    // Layer-wise learning-rate decay: encoder layer i of L learns at
    // layerDecay^(L-1-i) of the rate, the embeddings at layerDecay^L, the head
    // at the full rate. 1: one rate for all (docs/QUALITY.md).
    double layerDecay = 1.0;
    double maxGradNorm = 1.0; // <= 0: no clipping
    ClassWeighting classWeights = ClassWeighting::None;
    std::uint64_t seed = 42;
    // Evaluation, early stopping, checkpoints.
    int evalEverySteps = 0; // 0: at each epoch's end only
    StopMetric stopMetric = StopMetric::MacroF1;
    int patience = 5; // evaluations without improvement before stopping; 0: never stop early
    SaveDtype saveDtype = SaveDtype::Float32;
    // Hardware.
    DeviceChoice device = DeviceChoice::Auto;
    Precision precision = Precision::Auto;
};

// kDefaultValFraction or 0 for trainIssues training issues of classes classes.
double autoValFraction(std::size_t trainIssues, std::size_t classes);

// "Auto" values of TrainOptions::epochs and ::learningRate.
inline constexpr int kAutoEpochs = 0;
inline constexpr double kAutoLearningRate = 0.0;
// Auto epochs give a run at least this many optimizer steps (docs/QUALITY.md)…
inline constexpr long long kAutoTargetSteps = 250;
// …within these bounds: a small dataset is not trained forever, a large one
// gets at least one pass.
inline constexpr int kAutoMaxEpochs = 10;
// The auto learning rate at hidden size 384 (MiniLM-L6, the default model);
// wider models get it scaled by 384 / hidden (768: 5e-5, BERT-base's usual).
inline constexpr double kAutoLearningRate384 = 1e-4;

// The auto max length for issues of tokenCounts WordPiece tokens each
// ([CLS] and [SEP] not counted); kAutoMaxLengthMax for none.
int autoMaxLength(std::vector<int> tokenCounts);

// Epochs that reach kAutoTargetSteps optimizer steps on trainIssues, between
// 1 and kAutoMaxEpochs.
int autoEpochs(std::size_t trainIssues, int batchSize, int gradAccumulation);
double autoLearningRate(int hiddenSize);
// options with auto epochs and learning rate replaced by their values for
// this data and model; explicit values are kept.
TrainOptions resolveAuto(TrainOptions options, std::size_t trainIssues, int hiddenSize);

const char* classWeightingName(ClassWeighting value); // "none" / "balanced"
const char* stopMetricName(StopMetric value);         // "accuracy" / "macro_f1"
std::optional<ClassWeighting> parseClassWeighting(const std::string& word);
std::optional<StopMetric> parseStopMetric(const std::string& word);

// The problems with options, one line each ("learning rate 0 must be above 0");
// empty when they are usable.
std::vector<std::string> validateOptions(const TrainOptions& options);

// config.json of a run folder: every field, snake_case keys.
std::string trainOptionsToJson(const TrainOptions& options);
// Fields missing from text keep options' values, so a settings file may hold a
// few. Throws DataError naming source and the key for unknown keys or wrong values.
TrainOptions trainOptionsFromJson(const std::string& text, const std::string& source,
                                  TrainOptions options = {});

} // namespace issuebert
