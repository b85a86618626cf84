// Loads a dataset off the GUI thread: reads the file, computes its statistics
// and counts tokens with the default model's tokenizer, reporting progress.
#pragma once

#include "core/data/loader.h"
#include "core/data/stats.h"
#include "core/text/issue_cleanup.h"
#include "ui/workers/jobrunner.h"

#include <QElapsedTimer>
#include <QString>

#include <memory>
#include <vector>

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

// The least time between two progress reports of a load or a count: at most 20 a second.
inline constexpr int kLoadProgressIntervalMs = 50;

// The Data page's load, run by a JobRunner: reads the file, computes its
// statistics and counts its tokens as cleaned, reporting each phase
// ("Reading…", "Computing statistics…", "Counting tokens…") as percent of 100
// (total 0 while unknown), at most every kLoadProgressIntervalMs and on every
// new phase. Throws core's errors, which name the file, record and field;
// anything else as a message naming the file; CancelledError when cancelled.
std::shared_ptr<const DatasetLoadResult> runDatasetLoad(const DatasetLoadRequest& request,
                                                        const JobRunner::Context& context);

// Counts a loaded dataset's tokens again, for another clean-up: the Data
// page's histogram, token column and summary, and the Train page's auto max
// length then count the text the model will see. Throws ModelError naming the
// folder when its tokenizer cannot be read.
std::vector<int> runTokenCount(const Dataset& dataset, const QString& modelDir, TextCleanup cleanup,
                               const JobRunner::Context& context);

} // namespace issuebert
