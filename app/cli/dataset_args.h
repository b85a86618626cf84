// The dataset options every command that reads issues shares: format, field
// mapping and label renames, parsed into core's LoadOptions.
#pragma once

#include "app/cli/args.h"
#include "core/data/loader.h"

#include <set>
#include <string>

namespace issuebert::cli {

// --format, --id, --title, --body, --text, --label, --mapping, --map-label.
std::set<std::string> datasetValueOptions();

// Adds datasetValueOptions() to options.
std::set<std::string> withDatasetOptions(std::set<std::string> options);

// LoadOptions from those options; UsageError for a bad mapping or format.
LoadOptions datasetLoadOptions(const Args& args);

// The help lines describing the dataset options, a string literal so that
// commands splice it into their own help: R"(...)" ISSUEBERT_DATASET_OPTIONS_HELP R"(...)".
#define ISSUEBERT_DATASET_OPTIONS_HELP                                                             \
    "  --format F                 json, jsonl, csv or fasttext (default: from the file)\n"         \
    "  --mapping ROLE=FIELD[,...] which field plays each role: id, title, body, text,\n"           \
    "                             label (\"-\" for none; default: detected)\n"                     \
    "  --id, --title, --body, --text, --label FIELD\n"                                             \
    "                             the same, one role at a time\n"                                  \
    "  --map-label OLD=NEW        rename or merge a label (repeatable; NEW empty:\n"               \
    "                             those rows become unlabelled)\n"

} // namespace issuebert::cli
