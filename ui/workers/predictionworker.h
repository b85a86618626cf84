// Runs a fine-tuned model over a dataset off the GUI thread: class
// probabilities for every issue, with progress and cancel, and the metrics
// against the dataset's labels where it has them. The Evaluate and
// Predictions pages run it through their JobRunner.
#pragma once

#include "core/data/dataset.h"
#include "core/eval/metrics.h"
#include "core/eval/predictions.h"
#include "core/eval/predictor.h"
#include "ui/workers/jobrunner.h"

#include <QString>

#include <functional>
#include <memory>
#include <vector>

class QProgressBar;

namespace issuebert {

struct PredictionRequest {
    QString modelDir;
    std::shared_ptr<const Dataset> dataset; // null: dataPath is read in the worker
    QString dataPath;
    PredictorOptions options;
};

// Handed over once as a shared_ptr<const>, then only read.
struct PredictionResult {
    QString modelDir;
    std::shared_ptr<const Dataset> dataset;
    Predictions predictions; // one row per dataset issue, in order
    // The model's class of each issue's label (truthInModelOrder): kNoLabel
    // (-1) when unlabelled, kUnknownToModel (-2) for a label the model does
    // not know (listed in unknownLabels).
    std::vector<int> truth;
    std::vector<std::string> unknownLabels;
    bool hasTruth = false;         // some issue has a label the model knows
    ClassificationMetrics metrics; // over the issues with truth; empty otherwise
    double seconds = 0.0;
};

// Shows a prediction job's progress in bar: "N of M issues" (suffix appended).
void showPredictionProgress(QProgressBar* bar, qint64 done, qint64 total,
                            const QString& suffix = {});

// The prediction job, run by a JobRunner: reads request's file if it has no
// dataset, predicts every issue (progress through context at most every
// kProgressIntervalMs, cancel through its flag) and scores the issues whose
// labels the model knows. Throws what core throws: DataError, ModelError,
// IoError naming the file, CancelledError when cancelled.
inline constexpr int kProgressIntervalMs = 100;
std::shared_ptr<const PredictionResult> runPrediction(PredictionRequest request,
                                                      const JobRunner::Context& context);

// Runs runPrediction(request) as runner's job "Prediction": done gets the
// result, failed the error's message (as JobRunner::run).
void startPrediction(JobRunner& runner, PredictionRequest request,
                     std::function<void(std::shared_ptr<const PredictionResult>)> done,
                     std::function<void(const QString&)> failed);

} // namespace issuebert
