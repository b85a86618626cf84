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

// Which source field plays which role. Empty means "detect it"; "-" means "none"
// (e.g. label "-" loads a labelled file as unlabelled). Names match the source's
// field names without regard to case; a key spelled exactly as given wins over
// another casing of it in the same record.
struct FieldMapping {
    std::string id;
    std::string title;
    std::string body;
    std::string text; // one field with the whole text; fills the body (give body or text, not both)
    std::string label;
};

// Label rules (applied in this order):
// - Missing, null or empty (after trimming) labels leave a row unlabelled (kNoLabel).
// - A whole number (JSON 1 or 1.0, or the string "1") is an integer label; other
//   strings are class names, trimmed, kept as written ("enhancement" stays).
// - integerLabelNames given: integer labels must lie in 0..n-1 and name those
//   classes; the label set is exactly those names. Otherwise, when the label
//   field is called "label" in any case (MachineHack's layout; not fastText),
//   integers outside 0..2 are an error naming the record: `train.json: record
//   1234: "Label" is 7; expected 0, 1 or 2`.
// - All labels integers in 0..2: MachineHack's bug/feature/question (all three).
//   Other integers (a field not called "label"): classes named "0", "1", ... in
//   numeric order. Otherwise every label is a class name and the set is sorted
//   by name (byte order), so two files with the same classes agree on indices
//   whatever their row order.
// - labelMap then renames or merges names ("enhancement" -> "feature"); mapping
//   to "" makes those rows unlabelled. A key that is no label of a labelled file
//   is an error. Fixed sets keep their order; sorted sets are sorted again.
//
// Text: numbers and true/false read as their JSON text; an object or array in a
// text field is an error. Invalid UTF-8 becomes U+FFFD and NUL bytes are dropped,
// both counted in RepairReport. JSON strings may hold raw control characters other
// than line breaks (scraped text has tabs and NULs); a raw line break is an error
// because it usually means a missing closing quote.
// fastText: leading "__label__X" tokens; the first is the class (more are counted
// in RepairReport::multiLabelLines), the rest of the line is the body; a line
// without one is unlabelled. Its fields are called "label" and "text".
// Errors give "record N" (1-based) for JSON arrays and "line N" for the others.

struct LoadOptions {
    DataFormat format = DataFormat::Auto;
    FieldMapping fields;
    // Rename or merge labels after reading: {"enhancement": "feature"}.
    std::map<std::string, std::string> labelMap;
    // Class names for integer labels; empty means MachineHack's bug/feature/question
    // when every integer label is 0, 1 or 2. Ignored when some label is a name.
    std::vector<std::string> integerLabelNames;
    // Most records loaded; a file with more is a DataError. Each record costs
    // about 100 bytes beyond its text, so a file of tiny records could otherwise
    // take many times its size in memory.
    long long maxRecords = 10'000'000;
    // Checked after every chunk read (1 MiB); loading then throws CancelledError.
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
    // How the sampled records wrote the detected label field's values (all 0
    // without one), as the loader reads them: what a writer appending to the
    // file must match.
    struct LabelValues {
        long long numbers = 0;      // JSON numbers that are whole (1, 1.0)
        long long digitStrings = 0; // whole numbers written as text ("1", a CSV cell, __label__1)
        long long names = 0;        // any other value that is not empty
    } labelValues;
};

// The format the loader reads path as: format itself unless Auto, else by
// extension, then by the file's first MiB (detectFormat). IoError when the file
// cannot be read.
DataFormat resolveFormat(const std::string& path, DataFormat format = DataFormat::Auto);

// Looks at the first records only (fast on any size).
FieldDetection inspectDataset(const std::string& path, DataFormat format = DataFormat::Auto);

// Loads the whole file. Throws DataError naming file, record or line, field and
// the fault; IoError when the file cannot be read; CancelledError on cancel.
Dataset loadDataset(const std::string& path, const LoadOptions& options = {});

// Parses "old=new" pairs (CLI --map-label) into a label map; throws DataError.
std::map<std::string, std::string> parseLabelMap(const std::vector<std::string>& pairs);

} // namespace issuebert
