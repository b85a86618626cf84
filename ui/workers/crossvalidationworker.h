// Runs a cross-validation off the GUI thread: core's crossValidate on its own
// QThread, where each fold starts and ends and how far its training has come
// turned into queued signals (step progress at most every kProgressIntervalMs).
#pragma once

#include "core/data/dataset.h"
#include "core/train/cross_validation.h"
#include "core/train/train_options.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

class QThread;

namespace issuebert {

struct CrossValidationRequest {
    TrainOptions options; // the recipe; outDir: a new folder for cv.json
    std::shared_ptr<const Dataset> data;
    CrossValidationOptions cv;
};

class CrossValidationWorker : public QObject {
    Q_OBJECT

public:
    static constexpr int kProgressIntervalMs = 200;

    CrossValidationWorker(CrossValidationRequest request,
                          std::shared_ptr<std::atomic<bool>> cancel);

    // Moves the worker to a new QThread named "Cross-validation" (a child of
    // owner), starts run() there, and deletes both when the job is done.
    QThread* start(QObject* owner, const std::function<void()>& onDone = {});

public Q_SLOTS:
    void run();

Q_SIGNALS:
    void message(const QString& text);
    // runsDone of runs have finished; repeat and fold are 0-based.
    void foldStarted(int repeat, int fold, int runsDone, int runs);
    // The running fold's optimizer steps.
    void stepProgress(qint64 step, qint64 totalSteps);
    void foldFinished(const issuebert::FoldResult& fold);
    // Every fold that finished (result->cancelled: stopped on request).
    void completed(std::shared_ptr<const issuebert::CrossValidationResult> result);
    // Could not start or a fold failed; the message says which.
    void failed(const QString& message);
    // After exactly one of completed or failed.
    void finished();

private:
    CrossValidationRequest m_request;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

} // namespace issuebert
