// The dataset loading job: core loader, statistics and token counts in a worker thread.
#include "ui/workers/datasetloadworker.h"

#include "core/data/issue_encoding.h"
#include "core/io/errors.h"
#include "core/io/paths.h"
#include "core/text/encoder.h"
#include "core/text/tokenizer.h"
#include "ui/models/datasettablemodel.h"
#include "ui/workers/workerthread.h"

#include <QDir>
#include <QFileInfo>
#include <QMetaType>

#include <algorithm>
#include <functional>
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

DatasetLoadWorker::DatasetLoadWorker(DatasetLoadRequest request,
                                     std::shared_ptr<std::atomic<bool>> cancel)
    : m_request(std::move(request)), m_cancel(std::move(cancel)) {
    // Queued connections copy their arguments through the meta-type system.
    qRegisterMetaType<std::shared_ptr<const DatasetLoadResult>>();
}

QThread* DatasetLoadWorker::start(QObject* owner) {
    return startWorkerThread(this, owner, QStringLiteral("DatasetLoad"));
}

void DatasetLoadWorker::report(const QString& phase, int percent) {
    if (m_throttle.due(phase, percent)) {
        Q_EMIT progress(phase, percent);
    }
}

std::shared_ptr<DatasetLoadResult> DatasetLoadWorker::load() {
    auto result = std::make_shared<DatasetLoadResult>();
    const std::string path = QDir::toNativeSeparators(m_request.path).toStdString();

    const QString reading = tr("Reading…");
    report(reading, 0);
    LoadOptions options = m_request.options;
    options.cancel = m_cancel.get();
    options.progress = [&](long long done, long long total) {
        report(reading, percentOf(done, total));
    };
    result->dataset = loadDataset(path, options);
    result->options = m_request.options;
    result->options.cancel = nullptr;
    result->options.progress = {};

    report(tr("Computing statistics…"), -1);
    result->stats = computeStats(result->dataset);
    result->characters = characterLengths(result->dataset.issues);
    if (m_cancel->load()) {
        throw CancelledError();
    }

    const std::string modelDir = m_request.modelDir.toStdString();
    if (m_request.modelDir.isEmpty() || !isModelDir(modelDir)) {
        result->tokenNote = tr("No tokenizer: the model folder %1 is missing.")
                                .arg(QDir::toNativeSeparators(m_request.modelDir));
        return result;
    }
    const QString counting = tr("Counting tokens…");
    report(counting, 0);
    try {
        result->tokenLengths = countTokens(
            modelDir, result->dataset.issues, m_request.cleanup,
            [&](int percent) { report(counting, percent); }, m_cancel.get());
        result->tokenCleanup = m_request.cleanup;
    } catch (const ModelError& e) {
        // A broken model folder costs the histogram, not the dataset.
        result->tokenNote = QString::fromStdString(e.what());
    }
    return result;
}

void DatasetLoadWorker::run() {
    try {
        auto result = load();
        Q_EMIT loaded(std::move(result));
    } catch (const CancelledError&) {
        Q_EMIT cancelled();
    } catch (const Error& e) {
        // Core's messages already name the file, record and field.
        Q_EMIT failed(QString::fromStdString(e.what()));
    } catch (const std::exception& e) {
        Q_EMIT failed(QStringLiteral("%1: %2").arg(QFileInfo(m_request.path).fileName(),
                                                   QString::fromLocal8Bit(e.what())));
    } catch (...) {
        Q_EMIT failed(tr("%1: unexpected error while loading").arg(m_request.path));
    }
    Q_EMIT finished();
}

TokenCountWorker::TokenCountWorker(std::shared_ptr<const Dataset> dataset, QString modelDir,
                                   TextCleanup cleanup, std::shared_ptr<std::atomic<bool>> cancel)
    : m_dataset(std::move(dataset)), m_modelDir(std::move(modelDir)), m_cleanup(cleanup),
      m_cancel(std::move(cancel)) {
    qRegisterMetaType<std::vector<int>>();
}

QThread* TokenCountWorker::start(QObject* owner) {
    return startWorkerThread(this, owner, QStringLiteral("TokenCount"));
}

void TokenCountWorker::run() {
    const QString counting = tr("Counting tokens as cleaned…");
    try {
        std::vector<int> lengths = countTokens(
            m_modelDir.toStdString(), m_dataset->issues, m_cleanup,
            [&](int percent) {
                if (m_throttle.due(counting, percent)) {
                    Q_EMIT progress(counting, percent);
                }
            },
            m_cancel.get());
        Q_EMIT counted(lengths);
    } catch (const CancelledError&) {
        Q_EMIT cancelled();
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromStdString(e.what()));
    } catch (...) {
        Q_EMIT failed(tr("%1: unexpected error while counting tokens").arg(m_modelDir));
    }
    Q_EMIT finished();
}

} // namespace issuebert
