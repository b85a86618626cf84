// The fine-tuning job: the core Trainer as a JobRunner job ("Training"), its
// events handed to the page in the GUI thread as they happen. Steps are
// batched (at most one call every kStepIntervalMs) so a fast GPU cannot flood
// the window's event loop; every other event is sent at once, after the steps
// before it.
#pragma once

#include "core/data/dataset.h"
#include "core/train/events.h"
#include "core/train/metrics_log.h"
#include "core/train/train_options.h"
#include "ui/workers/jobrunner.h"

#include <QString>
#include <QVector>

#include <functional>
#include <memory>
#include <vector>

namespace issuebert {

struct TrainingRequest {
    TrainOptions options;
    std::shared_ptr<const Dataset> train;
    // Null: options.valPath is read in the job, or with no valPath train is split.
    std::shared_ptr<const Dataset> validation;
    bool resume = false; // continue options.outDir from last/
};

// What a training job reports while it runs, each in the runner's thread, in
// the order it happened. Any may be empty.
struct TrainingHandlers {
    // A resumed run's curves so far (metrics.jsonl up to the checkpoint it
    // continues from), before its first step; or why they cannot be read.
    std::function<void(const std::vector<LoggedEvent>&)> history;
    std::function<void(const QString&)> historyUnreadable;
    std::function<void(const QString&)> message;
    // Every step since the last call, in order.
    std::function<void(const QVector<StepEvent>&)> steps;
    std::function<void(const EvalEvent&)> evaluated;
    std::function<void(const EpochEvent&)> epochEnded;
    std::function<void(const CheckpointEvent&)> checkpointSaved;
};

// The least time between two TrainingHandlers::steps calls.
inline constexpr int kStepIntervalMs = 100;

// Runs request as runner's job "Training". done gets how the run ended
// (finished, early-stopped, stopped — runner.stop(), also before training
// began — or failed during training); failed the message when it could not
// start (bad settings, data or model; the message says which).
void runTrainingJob(JobRunner& runner, TrainingRequest request, TrainingHandlers handlers,
                    std::function<void(FinishedEvent)> done,
                    std::function<void(const QString&)> failed);

} // namespace issuebert
