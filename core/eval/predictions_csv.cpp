// CSV writers for predictions, through AtomicFile so a failed export never
// leaves a half-written file behind.
#include "core/eval/predictions_csv.h"

#include "core/io/atomic_file.h"
#include "core/io/csv_cell.h"
#include "core/io/errors.h"

#include <cstdio>
#include <ostream>

namespace issuebert {

namespace {

// RFC 4180's record separator.
constexpr const char* kLineEnd = "\r\n";

std::string probabilityCell(float value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6f", static_cast<double>(value));
    return buffer;
}

// Every size the writers index by, checked before a byte is written.
void checkPredictions(const Predictions& predictions) {
    const std::size_t n = predictions.size();
    const auto mismatch = [n](std::size_t actual, std::size_t expected, const char* what) {
        if (actual != expected) {
            throw DataError("predictions: " + std::to_string(actual) + " " + what + " for " +
                            std::to_string(n) + " issues; expected " + std::to_string(expected));
        }
    };
    mismatch(predictions.probabilities.size(), n * predictions.labels.size(), "probabilities");
    mismatch(predictions.confidence.size(), n, "confidences");
    if (predictions.threshold > 0.0F) {
        mismatch(predictions.uncertain.size(), n, "uncertain flags");
    }
}

// The class name for an index, or a DataError naming the row.
const std::string& className(const std::vector<std::string>& names, int index, std::size_t row,
                             const char* what) {
    if (index < 0 || static_cast<std::size_t>(index) >= names.size()) {
        throw DataError("predictions: row " + std::to_string(row + 1) + ": " + what + " " +
                        std::to_string(index) + " is not one of the " +
                        std::to_string(names.size()) + " classes");
    }
    return names[static_cast<std::size_t>(index)];
}

void writeProbabilities(std::ostream& out, const Predictions& predictions, std::size_t row) {
    for (int cls = 0; cls < predictions.numClasses(); ++cls) {
        out << ',' << probabilityCell(predictions.probability(row, cls));
    }
}

} // namespace

void writePredictionsCsv(const std::string& path, const std::vector<Issue>& issues,
                         const std::vector<std::string>& datasetLabels,
                         const Predictions& predictions, const std::vector<std::size_t>& rows) {
    if (issues.size() != predictions.size()) {
        throw DataError("predictions: " + std::to_string(predictions.size()) + " predictions for " +
                        std::to_string(issues.size()) + " issues");
    }
    checkPredictions(predictions);
    for (const std::size_t row : rows) {
        if (row >= issues.size()) {
            throw DataError("predictions: row " + std::to_string(row + 1) + " is past the " +
                            std::to_string(issues.size()) + " issues");
        }
    }
    const std::size_t count = rows.empty() ? issues.size() : rows.size();
    const auto rowAt = [&rows](std::size_t k) { return rows.empty() ? k : rows[k]; };
    // Judged on the rows written, so an export of unlabelled rows has no empty column.
    bool anyLabelled = false;
    for (std::size_t k = 0; k < count; ++k) {
        anyLabelled = anyLabelled || issues[rowAt(k)].labelled();
    }
    const bool withUncertain = predictions.threshold > 0.0F;

    // Per-row indices are checked while writing; a DataError then discards the
    // temporary file and the old file stays as it was.
    writeFileAtomically(path, [&](std::ostream& out) {
        out << "id,title";
        if (anyLabelled) {
            out << ",label";
        }
        out << ",predicted,confidence";
        for (const std::string& name : predictions.labels) {
            out << ',' << csvCell("prob_" + name);
        }
        if (withUncertain) {
            out << ",uncertain";
        }
        out << kLineEnd;

        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t row = rowAt(k);
            const Issue& issue = issues[row];
            out << csvCell(issue.id) << ',' << csvCell(issue.title);
            if (anyLabelled) {
                out << ',';
                if (issue.labelled()) {
                    out << csvCell(className(datasetLabels, issue.label, row, "label"));
                }
            }
            out << ','
                << csvCell(className(predictions.labels, predictions.predicted[row], row,
                                     "predicted class"))
                << ',' << probabilityCell(predictions.confidence[row]);
            writeProbabilities(out, predictions, row);
            if (withUncertain) {
                out << (predictions.uncertain[row] ? ",true" : ",false");
            }
            out << kLineEnd;
        }
    });
}

void writeSubmissionCsv(const std::string& path, const Predictions& predictions) {
    if (predictions.probabilities.size() != predictions.size() * predictions.labels.size()) {
        throw DataError("predictions: " + std::to_string(predictions.probabilities.size()) +
                        " probabilities for " + std::to_string(predictions.size()) + " issues of " +
                        std::to_string(predictions.labels.size()) + " classes");
    }
    writeFileAtomically(path, [&](std::ostream& out) {
        for (std::size_t cls = 0; cls < predictions.labels.size(); ++cls) {
            out << (cls > 0 ? "," : "") << csvCell(predictions.labels[cls]);
        }
        out << kLineEnd;
        for (std::size_t row = 0; row < predictions.size(); ++row) {
            for (int cls = 0; cls < predictions.numClasses(); ++cls) {
                out << (cls > 0 ? "," : "") << probabilityCell(predictions.probability(row, cls));
            }
            out << kLineEnd;
        }
    });
}

} // namespace issuebert
