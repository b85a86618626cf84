// The prediction job: Predictor over a dataset in a worker thread, then metrics.
#include "ui/workers/predictionworker.h"

#include "core/data/loader.h"
#include "core/eval/threshold_coverage.h"
#include "core/io/errors.h"
#include "core/runtime.h"
#include "ui/workers/workerthread.h"

#include <QLocale>
#include <QMetaType>
#include <QProgressBar>

#include <algorithm>
#include <chrono>

namespace issuebert {

void showPredictionProgress(QProgressBar* bar, qint64 done, qint64 total, const QString& suffix) {
    bar->setRange(0, static_cast<int>(std::max<qint64>(1, total)));
    bar->setValue(static_cast<int>(done));
    bar->setFormat(
        QObject::tr("%1 of %2 issues").arg(QLocale().toString(done), QLocale().toString(total)) +
        suffix);
}

PredictionWorker::PredictionWorker(PredictionRequest request,
                                   std::shared_ptr<std::atomic<bool>> cancel)
    : m_request(std::move(request)), m_cancel(std::move(cancel)) {
    // Queued connections copy their arguments through the meta-type system.
    qRegisterMetaType<std::shared_ptr<const issuebert::PredictionResult>>();
}

QThread* PredictionWorker::start(QObject* owner, const std::function<void()>& onDone) {
    return startWorkerThread(this, owner, QStringLiteral("Prediction"), onDone);
}

void PredictionWorker::run() {
    const auto started = std::chrono::steady_clock::now();
    try {
        if (!m_request.dataset) {
            if (m_request.dataPath.isEmpty()) {
                throw DataError("no dataset to predict");
            }
            LoadOptions load;
            load.cancel = m_cancel.get();
            m_request.dataset = std::make_shared<const Dataset>(
                loadDataset(m_request.dataPath.toStdString(), load));
        }
        const Dataset& dataset = *m_request.dataset;
        const Predictor predictor(m_request.modelDir.toStdString(), m_request.options);
        auto result = std::make_shared<PredictionResult>();
        result->modelDir = m_request.modelDir;
        result->dataset = m_request.dataset;
        m_sinceReport.start();
        result->predictions = predictor.predict(
            dataset.issues,
            [this](std::size_t done, std::size_t total) {
                if (done == total || m_sinceReport.elapsed() >= kProgressIntervalMs) {
                    m_sinceReport.restart();
                    Q_EMIT progress(static_cast<qint64>(done), static_cast<qint64>(total));
                }
            },
            m_cancel.get());

        result->truth =
            truthInModelOrder(dataset.issues, dataset.labels.names(), result->predictions.labels);
        std::vector<int> truth;
        std::vector<int> predictedClasses;
        std::vector<float> probabilities;
        const auto classes = static_cast<std::size_t>(result->predictions.numClasses());
        for (std::size_t row = 0; row < dataset.size(); ++row) {
            const int cls = result->truth[row];
            if (cls == kUnknownToModel) {
                const std::string& name = dataset.labels.name(dataset.issues[row].label);
                auto& unknown = result->unknownLabels;
                if (std::find(unknown.begin(), unknown.end(), name) == unknown.end()) {
                    unknown.push_back(name);
                }
            }
            if (cls < 0) {
                continue;
            }
            truth.push_back(cls);
            predictedClasses.push_back(result->predictions.predicted[row]);
            const auto* first = result->predictions.probabilities.data() + row * classes;
            probabilities.insert(probabilities.end(), first, first + classes);
        }
        result->hasTruth = !truth.empty();
        if (result->hasTruth) {
            result->metrics =
                computeMetrics(truth, predictedClasses, result->predictions.labels, probabilities);
        }
        result->seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        Q_EMIT predicted(result);
    } catch (const CancelledError&) {
        Q_EMIT cancelled();
    } catch (const std::exception& error) {
        Q_EMIT failed(QString::fromStdString(error.what()));
    }
    releaseFreeMemory();
    Q_EMIT finished();
}

} // namespace issuebert
