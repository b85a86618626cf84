// Stratified K-fold cross-validation of a training recipe: for each fold, train
// on the other folds (early stopping on a split of them), then score the best
// model on the held-out fold. How defaults and text handling are decided.
// LibTorch-free, so the GUI's worker includes it.
#pragma once

#include "core/data/dataset.h"
#include "core/train/events.h"
#include "core/train/train_options.h"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace issuebert {

struct CrossValidationOptions {
    int folds = 5;
    int repeats = 1; // each repeat reshuffles the folds (fold seed + repeat)
    // Seeds the folds (and --per-class samples); unset: the training seed. Set,
    // runs that differ only in the training seed hold out the same issues, so
    // their per-fold predictions can be compared or averaged issue by issue.
    std::optional<std::uint64_t> foldSeed;
    bool keepRuns = false; // keep each fold's run folder (best/, last/); else removed
    // > 0: each fold trains on a seeded sample of at most this many issues per
    // class of its training folds (a learning curve's point); the held-out
    // folds stay whole, so every size is tested on the same issues.
    int trainPerClass = 0;
    // Non-empty: only these folds (1-based) of each repeat run, e.g. to finish
    // a cross-validation that was stopped; the folds are the same as in a
    // full run, so results from the two combine.
    std::vector<int> onlyFolds;
};

struct FoldResult {
    int repeat = 0; // 0-based
    int fold = 0;   // 0-based
    std::size_t trainIssues = 0;
    std::size_t testIssues = 0;
    int bestEpoch = 0;
    double trainSeconds = 0.0;  // training, validation and checkpoints
    ClassificationMetrics test; // the best model on the held-out fold
};

struct MeanStd {
    double mean = 0.0;
    double std = 0.0; // sample standard deviation (n - 1); 0 for one value
};

struct CrossValidationResult {
    std::vector<std::string> labels;
    std::vector<FoldResult> folds; // in the order they ran
    MeanStd accuracy, macroF1, trainSeconds;
    bool cancelled = false; // stopped on request: folds holds those that finished
};

// Hears where each fold of a cross-validation starts and ends (the runs'
// own events go to a TrainingListener).
class CrossValidationListener {
public:
    virtual ~CrossValidationListener() = default;
    virtual void onFoldStart(int /*repeat*/, int /*fold*/, int /*runsDone*/, int /*runs*/) {}
    virtual void onFoldEnd(const FoldResult& /*result*/) {}
};

MeanStd meanStd(const std::vector<double>& values);

// Cross-validates options on data's labelled issues (unlabelled ones are
// skipped). Each fold trains into options.outDir/repeat-R-fold-K (outDir must
// be new or empty) with options' settings, fold seed + repeat for the folds
// and seed + repeat for the run; options.valPath must be empty (the validation
// split comes from the training folds). Writes options.outDir/cv.json with every
// fold and the summary, and each held-out fold's predictions (the predictions
// CSV: id, title, true label, predicted class, probabilities) as
// options.outDir/repeat-R-fold-K-predictions.csv. Throws DataError for unusable options or data,
// before any training.
CrossValidationResult crossValidate(const TrainOptions& options, const Dataset& data,
                                    const CrossValidationOptions& cv, TrainingListener& training,
                                    CrossValidationListener& listener,
                                    const std::atomic<bool>* cancel = nullptr);

// cv.json's text for a result (also what `issuebert-cli cv --json` prints last).
std::string crossValidationJson(const CrossValidationResult& result, const TrainOptions& options,
                                const CrossValidationOptions& cv);

} // namespace issuebert
