// The prediction job: Predictor over a dataset in a worker thread, then metrics.
#include "ui/workers/predictionworker.h"

#include "core/data/loader.h"
#include "core/eval/threshold_coverage.h"
#include "core/io/errors.h"
#include "core/runtime.h"

#include <QElapsedTimer>
#include <QLocale>
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

namespace {

// The model's class of each issue's label, the labels it does not know, and
// the metrics over the issues whose labels it knows.
void scoreLabelled(PredictionResult& result) {
    const Dataset& dataset = *result.dataset;
    result.truth =
        truthInModelOrder(dataset.issues, dataset.labels.names(), result.predictions.labels);
    std::vector<int> truth;
    std::vector<int> predictedClasses;
    std::vector<float> probabilities;
    const auto classes = static_cast<std::size_t>(result.predictions.numClasses());
    for (std::size_t row = 0; row < dataset.size(); ++row) {
        const int cls = result.truth[row];
        if (cls == kUnknownToModel) {
            const std::string& name = dataset.labels.name(dataset.issues[row].label);
            auto& unknown = result.unknownLabels;
            if (std::find(unknown.begin(), unknown.end(), name) == unknown.end()) {
                unknown.push_back(name);
            }
        }
        if (cls < 0) {
            continue;
        }
        truth.push_back(cls);
        predictedClasses.push_back(result.predictions.predicted[row]);
        const auto* first = result.predictions.probabilities.data() + row * classes;
        probabilities.insert(probabilities.end(), first, first + classes);
    }
    result.hasTruth = !truth.empty();
    if (result.hasTruth) {
        result.metrics =
            computeMetrics(truth, predictedClasses, result.predictions.labels, probabilities);
    }
}

} // namespace

std::shared_ptr<const PredictionResult> runPrediction(PredictionRequest request,
                                                      const JobRunner::Context& context) {
    // A finished or failed job gives its memory back (initRuntime keeps it otherwise).
    struct Release {
        ~Release() { releaseFreeMemory(); }
    } release;
    const auto started = std::chrono::steady_clock::now();
    if (!request.dataset) {
        if (request.dataPath.isEmpty()) {
            throw DataError("no dataset to predict");
        }
        LoadOptions load;
        load.cancel = context.cancelFlag();
        request.dataset =
            std::make_shared<const Dataset>(loadDataset(request.dataPath.toStdString(), load));
    }
    const Dataset& dataset = *request.dataset;
    const Predictor predictor(request.modelDir.toStdString(), request.options);
    auto result = std::make_shared<PredictionResult>();
    result->modelDir = request.modelDir;
    result->dataset = request.dataset;
    QElapsedTimer sinceReport;
    sinceReport.start();
    result->predictions = predictor.predict(
        dataset.issues,
        [&](std::size_t done, std::size_t total) {
            if (done == total || sinceReport.elapsed() >= kProgressIntervalMs) {
                sinceReport.restart();
                context.progress(static_cast<qint64>(done), static_cast<qint64>(total));
            }
        },
        context.cancelFlag());
    scoreLabelled(*result);
    result->seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

void startPrediction(JobRunner& runner, PredictionRequest request,
                     std::function<void(std::shared_ptr<const PredictionResult>)> done,
                     std::function<void(const QString&)> failed) {
    std::function<std::shared_ptr<const PredictionResult>(const JobRunner::Context&)> work =
        [request = std::move(request)](const JobRunner::Context& context) {
            return runPrediction(request, context);
        };
    runner.run<std::shared_ptr<const PredictionResult>>(
        QStringLiteral("Prediction"), std::move(work), std::move(done), std::move(failed));
}

} // namespace issuebert
