// Internal to the loaders: what the first records of a file look like, which
// fields play which role, and the user's mapping checked against the file.
#pragma once

#include "core/data/label_reading.h"
#include "core/data/loader.h"
#include "core/data/record.h"

#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace issuebert::data {

// What the first records held in one source field.
struct FieldInfo {
    std::string name;
    long long nonEmpty = 0;
    long long integers = 0;       // values that are whole numbers
    std::set<std::string> values; // distinct values, up to a cap
    long long textCodepoints = 0; // summed length of string values
    long long nested = 0;         // objects and arrays, which no role can use
    // Read as a label by the loader's rules (readLabel), once per record (its
    // last value, as loading keeps): whole numbers, of them JSON numbers, and names.
    long long wholeLabels = 0;
    long long numberLabels = 0;
    long long nameLabels = 0;
    // The last value of the record being read, counted when it ends.
    bool pending = false;
    LabelKind pendingLabel = LabelKind::None;
    bool pendingNumber = false;
};

// The first records of a file, as inspectDataset and loadDataset see them.
struct FieldSample {
    DataFormat format = DataFormat::Auto;
    std::vector<FieldInfo> fields; // in order of first appearance
    long long records = 0;
    bool allFieldsKnown = false; // a CSV header or fastText: no field can appear later

    // The field whose name matches case-insensitively, adding it when new.
    FieldInfo& field(const std::string& name);
    // Ends a record: each field's last value in it is counted as a label.
    void endRecord();
    std::vector<std::string> names() const;

private:
    // Lower-cased name -> index in fields: a record may repeat keys many times.
    std::unordered_map<std::string, std::size_t> m_index;
};

// Notes one value of a field in the sample.
void noteValue(FieldInfo& field, const FieldValue& value);

// Picks each role's field from the names and values seen.
FieldDetection detectFields(const FieldSample& sample);

// The roles to load: the user's mapping over the detected one. Throws DataError
// when a named field is missing (if the sample saw every field), a field is
// given two roles, or no title, body or text field is left.
struct ResolvedFields {
    RoleNames roles;         // source field names, empty for none
    bool bodyIsText = false; // the body role is filled from a text field
};
ResolvedFields resolveFields(const std::string& path, const FieldSample& sample,
                             const FieldDetection& detected, const FieldMapping& given);

// "a, b, c" for messages.
std::string joinNames(const std::vector<std::string>& names);

} // namespace issuebert::data
