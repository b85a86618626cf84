// The Data page's one-line descriptions: a dataset's format, field roles and
// labels, and what to do when token lengths cannot be counted.
#pragma once

#include "core/data/dataset.h"

#include <QString>

namespace issuebert {

// "JSON array", "CSV", ...
QString formatTitle(DataFormat format);
// "JSON array  ·  title ← “Title”, body ← “Body”  ·  labels: bug, feature, question"
QString describeDataset(const Dataset& dataset);
// Why the histogram is empty: the model folder is missing (with the command
// that fetches it) or its tokenizer failed (note is the error).
QString tokenMessage(const QString& modelDir, const QString& note);

} // namespace issuebert
