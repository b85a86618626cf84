// The dataset loading job: core loader, statistics and token counts in a worker thread.
#include "ui/workers/datasetloadworker.h"

#include "core/data/issue_encoding.h"
#include "core/io/errors.h"
#include "core/io/paths.h"
#include "core/text/encoder.h"
#include "core/text/tokenizer.h"
#include "ui/models/datasettablemodel.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string>

namespace issuebert {

namespace {

int percentOf(long long done, long long total) {
    return total > 0 ? static_cast<int>(std::min<long long>(100, done * 100 / total)) : -1;
}

// Token lengths of issues with the model folder's tokenizer, after cleanup.
std::vector<int> countTokens(const std::string& modelDir, const std::vector<Issue>& issues,
                             TextCleanup cleanup, const std::function<void(int)>& percent,
                             const std::atomic<bool>* cancel) {
    const Tokenizer tokenizer = Tokenizer::fromModelDir(modelDir);
    return tokenLengths(
        tokenizer, issues, cleanup, 0,
        [&](std::size_t done, std::size_t total) {
            percent(percentOf(static_cast<long long>(done), static_cast<long long>(total)));
        },
        cancel);
}

} // namespace

bool ProgressThrottle::due(const QString& phase, int percent) {
    const bool newPhase = phase != m_lastPhase;
    if (!newPhase && percent == m_lastPercent) {
        return false;
    }
    if (!newPhase && m_sinceReport.isValid() && m_sinceReport.elapsed() < m_intervalMs) {
        return false;
    }
    m_lastPhase = phase;
    m_lastPercent = percent;
    m_sinceReport.start();
    return true;
}

namespace {

// Reports (phase, percent) through context when the throttle says so.
class Reporter {
public:
    explicit Reporter(const JobRunner::Context& context) : m_context(context) {}
    void operator()(const QString& phase, int percent) {
        if (m_throttle.due(phase, percent)) {
            m_context.progress(std::max(0, percent), percent < 0 ? 0 : 100, phase);
        }
    }

private:
    const JobRunner::Context& m_context;
    ProgressThrottle m_throttle{kLoadProgressIntervalMs};
};

std::shared_ptr<const DatasetLoadResult> load(const DatasetLoadRequest& request,
                                              const JobRunner::Context& context) {
    Reporter report(context);
    auto result = std::make_shared<DatasetLoadResult>();
    const std::string path = QDir::toNativeSeparators(request.path).toStdString();

    const QString reading = QObject::tr("Reading…");
    report(reading, 0);
    LoadOptions options = request.options;
    options.cancel = context.cancelFlag();
    options.progress = [&](long long done, long long total) {
        report(reading, percentOf(done, total));
    };
    result->dataset = loadDataset(path, options);
    result->options = request.options;
    result->options.cancel = nullptr;
    result->options.progress = {};

    report(QObject::tr("Computing statistics…"), -1);
    result->stats = computeStats(result->dataset);
    result->characters = characterLengths(result->dataset.issues);
    if (context.cancelled()) {
        throw CancelledError();
    }

    const std::string modelDir = request.modelDir.toStdString();
    if (request.modelDir.isEmpty() || !isModelDir(modelDir)) {
        result->tokenNote = QObject::tr("No tokenizer: the model folder %1 is missing.")
                                .arg(QDir::toNativeSeparators(request.modelDir));
        return result;
    }
    const QString counting = QObject::tr("Counting tokens…");
    report(counting, 0);
    try {
        result->tokenLengths = countTokens(
            modelDir, result->dataset.issues, request.cleanup,
            [&](int percent) { report(counting, percent); }, context.cancelFlag());
        result->tokenCleanup = request.cleanup;
    } catch (const ModelError& e) {
        // A broken model folder costs the histogram, not the dataset.
        result->tokenNote = QString::fromStdString(e.what());
    }
    return result;
}

} // namespace

std::shared_ptr<const DatasetLoadResult> runDatasetLoad(const DatasetLoadRequest& request,
                                                        const JobRunner::Context& context) {
    try {
        return load(request, context);
    } catch (const Error&) {
        throw; // core's messages already name the file, record and field
    } catch (const std::exception& e) {
        throw std::runtime_error(
            QStringLiteral("%1: %2")
                .arg(QFileInfo(request.path).fileName(), QString::fromLocal8Bit(e.what()))
                .toStdString());
    }
}

std::vector<int> runTokenCount(const Dataset& dataset, const QString& modelDir, TextCleanup cleanup,
                               const JobRunner::Context& context) {
    Reporter report(context);
    const QString counting = QObject::tr("Counting tokens as cleaned…");
    return countTokens(
        modelDir.toStdString(), dataset.issues, cleanup,
        [&](int percent) { report(counting, percent); }, context.cancelFlag());
}

} // namespace issuebert
