// Loading datasets: streaming parsers for every format, field detection and
// explicit mappings, label normalisation, byte-level clean-up.
#pragma once

#include "core/data/dataset.h"

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace issuebert {

// Which source field plays which role. Empty means "detect it".
struct FieldMapping {
    std::string id;
    std::string title;
    std::string body;
    std::string text; // one field with the whole text, when there is no title/body
    std::string label;
};

struct LoadOptions {
    DataFormat format = DataFormat::Auto;
    FieldMapping fields;
    // Rename or merge labels after reading: {"enhancement": "feature"}.
    std::map<std::string, std::string> labelMap;
    // Class names for integer labels; empty means MachineHack's bug/feature/question
    // when every integer label is 0, 1 or 2.
    std::vector<std::string> integerLabelNames;
    // Checked between records; loading then throws CancelledError.
    const std::atomic<bool>* cancel = nullptr;
    // Called now and then with (bytes read, total bytes).
    std::function<void(long long, long long)> progress;
};

// What a quick look at a file found: its fields and the detected roles.
struct FieldDetection {
    DataFormat format = DataFormat::Auto;
    std::vector<std::string> fields; // source field names as they appear
    FieldMapping mapping;            // detected roles (empty where none was found)
    bool confident = false;          // false: ask the user to confirm the mapping
    std::string reason;              // why detection is unsure, for the mapping dialog
};

// Looks at the first records only (fast on any size).
FieldDetection inspectDataset(const std::string& path, DataFormat format = DataFormat::Auto);

// Loads the whole file. Throws DataError naming file, record or line, field and
// the fault; IoError when the file cannot be read; CancelledError on cancel.
Dataset loadDataset(const std::string& path, const LoadOptions& options = {});

// Parses "old=new" pairs (CLI --map-label) into a label map; throws DataError.
std::map<std::string, std::string> parseLabelMap(const std::vector<std::string>& pairs);

} // namespace issuebert
