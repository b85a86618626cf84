// A loaded dataset: its issues, label set and what loading had to repair.
#pragma once

#include "core/data/format.h"
#include "core/data/issue.h"
#include "core/data/labelset.h"

#include <string>
#include <vector>

namespace issuebert {

// Repairs made while reading; reported, never fatal.
struct RepairReport {
    long long invalidUtf8 = 0; // ill-formed sequences replaced by U+FFFD
    long long nulBytes = 0;    // NUL bytes dropped
    long long skippedBlankLines = 0;
    long long multiLabelLines = 0; // fastText lines with several __label__s: the first is kept
};

struct Dataset {
    std::string path;
    DataFormat format = DataFormat::Auto;
    LabelSet labels;
    std::vector<Issue> issues;
    RepairReport report;
    // Field names used for each role, after detection and mapping.
    std::string idField, titleField, bodyField, textField, labelField;

    std::size_t size() const { return issues.size(); }
};

} // namespace issuebert
