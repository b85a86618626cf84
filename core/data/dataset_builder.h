// Internal to the loaders: turns the records a format reader yields into
// Issues, checks and collects their labels, and settles the label set at the end.
#pragma once

#include "core/data/field_detect.h"
#include "core/data/label_reading.h"
#include "core/data/loader.h"
#include "core/data/record.h"
#include "core/text/utf8.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace issuebert::data {

class DatasetBuilder {
public:
    DatasetBuilder(const std::string& path, DataFormat format, const ResolvedFields& fields,
                   std::vector<std::string> knownFields, const LoadOptions& options);

    // Takes one record's values (moving their text out). Throws DataError naming
    // the record or line and the field when a value cannot be used.
    void add(const Where& where, RawRecord& record);
    RepairReport& report() { return m_dataset.report; }
    // Settles the label set (see loader.h for the rules) and hands over the dataset.
    Dataset finish();

private:
    struct RawLabel {
        std::string text; // the class name, or the whole number's decimal digits
        bool isInt = false;
        long long value = 0;
    };

    std::string textOf(const Where& where, Role role, FieldValue& value);
    int labelOf(const Where& where, FieldValue& value);
    [[noreturn]] void fail(const Where& where, const std::string& what) const;
    std::string quoted(Role role) const { return "\"" + m_roles[role] + "\""; }
    std::vector<std::string> baseNames(std::vector<int>& rawToBase, bool& sortedByName) const;

    std::string m_path;
    RoleNames m_roles;
    std::vector<std::string> m_knownFields;
    const LoadOptions& m_options;
    bool m_machineHackField = false; // the label field is called "label": 0..2 only
    std::array<bool, kRoleCount> m_seen{};
    Dataset m_dataset;
    Utf8Repair m_repair;
    std::vector<RawLabel> m_rawLabels;
    std::unordered_map<std::string, int> m_rawIndex;
};

} // namespace issuebert::data
