// Predictions as RFC 4180 CSV (comma, CRLF, UTF-8 without BOM), safe to open in
// a spreadsheet: every cell goes through csvCell (io/csv_cell.h).
#pragma once

#include "core/data/issue.h"
#include "core/eval/predictions.h"

#include <cstddef>
#include <string>
#include <vector>

namespace issuebert {

// Columns: id, title, label (only when a written issue is labelled: its name in
// datasetLabels, empty for unlabelled rows), predicted, confidence,
// prob_<class> per class of predictions.labels, and uncertain (true/false)
// when predictions.threshold > 0. Probabilities have six decimals. rows picks
// the issues to write, in that order; empty writes all. Written atomically:
// on any error the file at path keeps its old content. Throws DataError when
// sizes disagree or an index is out of range, IoError when path cannot be written.
void writePredictionsCsv(const std::string& path, const std::vector<Issue>& issues,
                         const std::vector<std::string>& datasetLabels,
                         const Predictions& predictions, const std::vector<std::size_t>& rows = {});

// MachineHack's submission layout: a header of the class names in label order,
// then one row of probabilities per issue, six decimals. Written atomically.
void writeSubmissionCsv(const std::string& path, const Predictions& predictions);

} // namespace issuebert
