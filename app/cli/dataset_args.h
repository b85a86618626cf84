// The dataset options every command that reads issues shares: format, field
// mapping and label renames, parsed into core's LoadOptions.
#pragma once

#include "app/cli/args.h"
#include "core/data/loader.h"

namespace issuebert::cli {

// --format, --mapping, --id, --title, --body, --text, --label and --map-label.
OptionTable datasetOptionTable();

// LoadOptions from those options; UsageError for a bad mapping or format.
LoadOptions datasetLoadOptions(const Args& args);

} // namespace issuebert::cli
