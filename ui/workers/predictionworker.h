// Runs a fine-tuned model over a dataset off the GUI thread: class
// probabilities for every issue, with progress and cancel, and the metrics
// against the dataset's labels where it has them. The Evaluate and
// Predictions pages share it.
#pragma once

#include "core/data/dataset.h"
#include "core/eval/metrics.h"
#include "core/eval/predictions.h"
#include "core/eval/predictor.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

class QProgressBar;
class QThread;

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

class PredictionWorker : public QObject {
    Q_OBJECT

public:
    // The least time between two progress signals.
    static constexpr int kProgressIntervalMs = 100;

    PredictionWorker(PredictionRequest request, std::shared_ptr<std::atomic<bool>> cancel);

    // Moves the worker to a new QThread named "Prediction" (a child of owner),
    // starts run() there, and deletes both when the job is done.
    // onDone runs in owner's thread once the thread has ended.
    QThread* start(QObject* owner, const std::function<void()>& onDone = {});

public Q_SLOTS:
    void run();

Q_SIGNALS:
    // Issues through the model so far (after reading and tokenizing).
    void progress(qint64 done, qint64 total);
    void predicted(std::shared_ptr<const issuebert::PredictionResult> result);
    void failed(const QString& message);
    void cancelled();
    // After exactly one of predicted, failed or cancelled.
    void finished();

private:
    PredictionRequest m_request;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    QElapsedTimer m_sinceReport;
};

} // namespace issuebert
