// The cross-validation job: core's crossValidate as a JobRunner job
// ("Cross-validation"); where each fold starts and ends, and how far its
// training has come (at most every kCrossValidationProgressMs), handed to the
// dialog in the GUI thread as they happen.
#pragma once

#include "core/data/dataset.h"
#include "core/train/cross_validation.h"
#include "core/train/train_options.h"
#include "ui/workers/jobrunner.h"

#include <QString>

#include <functional>
#include <memory>

namespace issuebert {

struct CrossValidationRequest {
    TrainOptions options; // the recipe; outDir: a new folder for cv.json
    std::shared_ptr<const Dataset> data;
    CrossValidationOptions cv;
};

// What a cross-validation reports while it runs, in the runner's thread, in
// order. Any may be empty.
struct CrossValidationHandlers {
    std::function<void(const QString&)> message;
    // runsDone of runs have finished; repeat and fold are 0-based.
    std::function<void(int repeat, int fold, int runsDone, int runs)> foldStarted;
    // The running fold's optimizer steps.
    std::function<void(qint64 step, qint64 totalSteps)> stepProgress;
    std::function<void(const FoldResult&)> foldFinished;
};

inline constexpr int kCrossValidationProgressMs = 200;

// Runs request as runner's job "Cross-validation". done gets every fold that
// finished (cancelled set when runner.stop() stopped it); failed the message
// when it could not start or a fold failed.
void runCrossValidationJob(JobRunner& runner, CrossValidationRequest request,
                           CrossValidationHandlers handlers,
                           std::function<void(std::shared_ptr<const CrossValidationResult>)> done,
                           std::function<void(const QString&)> failed);

} // namespace issuebert
