// Runs a fine-tuning job off the GUI thread: the core Trainer on its own
// QThread, its callbacks turned into queued signals. Steps are batched (at
// most one signal every kStepIntervalMs) so a fast GPU cannot flood the
// window's event loop; every other event is sent as it happens.
#pragma once

#include "core/data/dataset.h"
#include "core/train/events.h"
#include "core/train/train_options.h"

#include <QObject>
#include <QString>
#include <QVector>

#include <atomic>
#include <functional>
#include <memory>

class QThread;

namespace issuebert {

struct TrainingRequest {
    TrainOptions options;
    std::shared_ptr<const Dataset> train;
    // Null: options.valPath is read in the worker, or with no valPath train is split.
    std::shared_ptr<const Dataset> validation;
    bool resume = false; // continue options.outDir from last/
};

class TrainingWorker : public QObject {
    Q_OBJECT

public:
    // The least time between two stepsReported signals.
    static constexpr int kStepIntervalMs = 100;

    TrainingWorker(TrainingRequest request, std::shared_ptr<std::atomic<bool>> cancel);

    // Moves the worker to a new QThread named "Training" (a child of owner),
    // starts run() there, and deletes both when the job is done.
    // onDone runs in owner's thread once the thread has ended.
    QThread* start(QObject* owner, const std::function<void()>& onDone = {});

public Q_SLOTS:
    void run();

Q_SIGNALS:
    void message(const QString& text);
    // Every step since the last signal, in order.
    void stepsReported(const QVector<issuebert::StepEvent>& steps);
    void evaluated(const issuebert::EvalEvent& event);
    void epochEnded(const issuebert::EpochEvent& event);
    void checkpointSaved(const issuebert::CheckpointEvent& event);
    // The run ended (finished, early-stopped, cancelled or failed during training).
    void runFinished(const issuebert::FinishedEvent& event);
    // The run could not start: bad settings, data or model; the message says which.
    void failed(const QString& message);
    // After exactly one of runFinished or failed.
    void finished();

private:
    TrainingRequest m_request;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

} // namespace issuebert
