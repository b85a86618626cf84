// The dataset loading job: core loader, statistics and token counts in a worker thread.
#include "ui/workers/datasetloadworker.h"

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

namespace issuebert {

namespace {

int percentOf(long long done, long long total) {
    return total > 0 ? static_cast<int>(std::min<long long>(100, done * 100 / total)) : -1;
}

} // namespace

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
    const bool newPhase = phase != m_lastPhase;
    if (!newPhase && percent == m_lastPercent) {
        return;
    }
    if (!newPhase && m_sinceReport.isValid() && m_sinceReport.elapsed() < kProgressIntervalMs) {
        return;
    }
    m_lastPhase = phase;
    m_lastPercent = percent;
    m_sinceReport.start();
    Q_EMIT progress(phase, percent);
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
        const Tokenizer tokenizer = Tokenizer::fromModelDir(modelDir);
        result->tokenLengths = tokenLengths(
            tokenizer, result->dataset.issues, 0,
            [&](std::size_t done, std::size_t total) {
                report(counting,
                       percentOf(static_cast<long long>(done), static_cast<long long>(total)));
            },
            m_cancel.get());
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

} // namespace issuebert
