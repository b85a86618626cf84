// Loads a dataset off the GUI thread: reads the file, computes its statistics
// and counts tokens with the default model's tokenizer, reporting progress.
#pragma once

#include "core/data/loader.h"
#include "core/data/stats.h"
#include "core/text/issue_cleanup.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <vector>

class QThread;

namespace issuebert {

// What the Data page asks for.
struct DatasetLoadRequest {
    QString path;
    LoadOptions options; // format, fields and labelMap; cancel and progress are set by the worker
    QString modelDir;    // tokenizer for the length histogram; none when not a model folder
    TextCleanup cleanup; // token lengths count the text as cleaned (the Train page's steps)
};

// Everything the Data page shows for one file. Handed over as a
// shared_ptr<const>: built once in the worker, then only read.
struct DatasetLoadResult {
    Dataset dataset;
    DatasetStats stats;
    LoadOptions options;           // what was used (cancel and progress cleared)
    std::vector<int> characters;   // code points of each issue's text
    std::vector<int> tokenLengths; // WordPiece tokens per issue; empty without a model
    TextCleanup tokenCleanup;      // the clean-up applied before counting them
    QString tokenNote;             // why tokenLengths is empty
};

// Emits progress at most every intervalMs, and always on a new phase.
class ProgressThrottle {
public:
    explicit ProgressThrottle(int intervalMs) : m_intervalMs(intervalMs) {}
    // True when (phase, percent) should be reported now.
    bool due(const QString& phase, int percent);

private:
    int m_intervalMs;
    QElapsedTimer m_sinceReport;
    QString m_lastPhase;
    int m_lastPercent = -2;
};

class DatasetLoadWorker : public QObject {
    Q_OBJECT

public:
    // The least time between two progress signals: at most 20 a second.
    static constexpr int kProgressIntervalMs = 50;

    DatasetLoadWorker(DatasetLoadRequest request, std::shared_ptr<std::atomic<bool>> cancel);

    // Moves the worker to a new QThread named "DatasetLoad" (a child of owner),
    // starts run() there, and cleans up both when the work is done.
    QThread* start(QObject* owner);

public Q_SLOTS:
    void run();

Q_SIGNALS:
    // "Reading…", "Computing statistics…", "Counting tokens…"; percent -1 when unknown.
    void progress(const QString& phase, int percent);
    void loaded(std::shared_ptr<const issuebert::DatasetLoadResult> result);
    void failed(const QString& message);
    void cancelled();
    // After exactly one of loaded, failed or cancelled.
    void finished();

private:
    void report(const QString& phase, int percent);
    std::shared_ptr<DatasetLoadResult> load();

    DatasetLoadRequest m_request;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    ProgressThrottle m_throttle{kProgressIntervalMs};
};

// Counts a loaded dataset's tokens again, for another clean-up: the Data
// page's histogram, token column and summary, and the Train page's auto max
// length then count the text the model will see.
class TokenCountWorker : public QObject {
    Q_OBJECT

public:
    TokenCountWorker(std::shared_ptr<const Dataset> dataset, QString modelDir, TextCleanup cleanup,
                     std::shared_ptr<std::atomic<bool>> cancel);

    // Moves the worker to a new QThread named "TokenCount" (a child of owner).
    QThread* start(QObject* owner);

public Q_SLOTS:
    void run();

Q_SIGNALS:
    void progress(const QString& phase, int percent);
    void counted(const std::vector<int>& tokenLengths);
    // The tokenizer could not be read; the message names the folder.
    void failed(const QString& message);
    void cancelled();
    // After exactly one of counted, failed or cancelled.
    void finished();

private:
    std::shared_ptr<const Dataset> m_dataset;
    QString m_modelDir;
    TextCleanup m_cleanup;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    ProgressThrottle m_throttle{DatasetLoadWorker::kProgressIntervalMs};
};

} // namespace issuebert
