// Records to Issues: text clean-up, label checks, and the label set's final order.
#include "core/data/dataset_builder.h"

#include "core/io/errors.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <unordered_set>

namespace issuebert::data {

namespace {

// "0, 1 or 2", "0 or 1", "0 to 4".
std::string rangeText(std::size_t count) {
    if (count == 1) {
        return "0";
    }
    if (count == 2) {
        return "0 or 1";
    }
    if (count == 3) {
        return "0, 1 or 2";
    }
    return "0 to " + std::to_string(count - 1);
}

} // namespace

DatasetBuilder::DatasetBuilder(const std::string& path, DataFormat format,
                               const ResolvedFields& fields, std::vector<std::string> knownFields,
                               const LoadOptions& options)
    : m_path(path), m_roles(fields.roles), m_knownFields(std::move(knownFields)),
      m_options(options) {
    // MachineHack's layout (JSON, or a CSV copy of it) names the field "label";
    // fastText's "label" is not a real field name.
    m_machineHackField =
        format != DataFormat::FastText && lowerAscii(m_roles[kRoleLabel]) == "label";
    m_dataset.path = path;
    m_dataset.format = format;
    m_dataset.idField = m_roles[kRoleId];
    m_dataset.titleField = m_roles[kRoleTitle];
    (fields.bodyIsText ? m_dataset.textField : m_dataset.bodyField) = m_roles[kRoleBody];
    m_dataset.labelField = m_roles[kRoleLabel];
}

void DatasetBuilder::fail(const Where& where, const std::string& what) const {
    throw DataError(messageAt(m_path, where, what));
}

std::string DatasetBuilder::textOf(const Where& where, Role role, FieldValue& value) {
    switch (value.kind) {
    case ValueKind::Missing:
    case ValueKind::Null:
        return {};
    case ValueKind::Object:
    case ValueKind::Array:
        fail(where, quoted(role) + " is " + kindName(value.kind) + "; expected text");
    case ValueKind::String:
        sanitizeUtf8(value.text, m_repair);
        return std::move(value.text);
    case ValueKind::Number:
    case ValueKind::Bool:
        break;
    }
    return value.text; // numbers and true/false read as their JSON text
}

int DatasetBuilder::labelOf(const Where& where, FieldValue& value) {
    const LabelReading label = readLabel(value, m_repair);
    if (label.kind == LabelKind::None) {
        return kNoLabel;
    }
    if (label.kind == LabelKind::Invalid) {
        const bool structured = value.kind == ValueKind::Object || value.kind == ValueKind::Array;
        fail(where, quoted(kRoleLabel) + " is " + (structured ? kindName(value.kind) : label.text) +
                        "; expected a class name or a whole number");
    }
    std::string text = label.text;
    RawLabel raw;
    raw.isInt = label.kind == LabelKind::Whole;
    raw.value = label.value;
    if (raw.isInt) {
        const std::size_t named = m_options.integerLabelNames.size();
        const bool outside = named > 0 ? raw.value < 0 || raw.value >= static_cast<long long>(named)
                                       : m_machineHackField && (raw.value < 0 || raw.value > 2);
        if (outside) {
            fail(where, quoted(kRoleLabel) + " is " + text + "; expected " +
                            rangeText(named > 0 ? named : 3));
        }
        text = std::to_string(raw.value);
    }
    const auto [it, added] = m_rawIndex.try_emplace(text, static_cast<int>(m_rawLabels.size()));
    if (added) {
        raw.text = text;
        m_rawLabels.push_back(std::move(raw));
    }
    return it->second;
}

void DatasetBuilder::add(const Where& where, RawRecord& record) {
    if (static_cast<long long>(m_dataset.issues.size()) >= m_options.maxRecords) {
        fail(where,
             "more than " + std::to_string(m_options.maxRecords) + " records; split the file");
    }
    for (std::size_t r = 0; r < kRoleCount; ++r) {
        m_seen[r] = m_seen[r] || record.values[r].kind != ValueKind::Missing;
    }
    Issue issue;
    issue.id = textOf(where, kRoleId, record.values[kRoleId]);
    if (issue.id.empty()) {
        issue.id = std::to_string(m_dataset.issues.size() + 1);
    }
    issue.title = textOf(where, kRoleTitle, record.values[kRoleTitle]);
    issue.body = textOf(where, kRoleBody, record.values[kRoleBody]);
    issue.label = labelOf(where, record.values[kRoleLabel]);
    m_dataset.issues.push_back(std::move(issue));
}

std::vector<std::string> DatasetBuilder::baseNames(std::vector<int>& rawToBase,
                                                   bool& sortedByName) const {
    const auto& given = m_options.integerLabelNames;
    const bool allInt = std::all_of(m_rawLabels.begin(), m_rawLabels.end(),
                                    [](const RawLabel& raw) { return raw.isInt; });
    const bool smallInts =
        std::all_of(m_rawLabels.begin(), m_rawLabels.end(),
                    [](const RawLabel& raw) { return raw.value >= 0 && raw.value <= 2; });
    sortedByName = false;
    rawToBase.clear();
    if (allInt && (!given.empty() || (!m_rawLabels.empty() && smallInts))) {
        for (const RawLabel& raw : m_rawLabels) {
            rawToBase.push_back(static_cast<int>(raw.value));
        }
        return given.empty() ? LabelSet::machineHack().names() : given;
    }
    std::vector<int> order(m_rawLabels.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = static_cast<int>(i);
    }
    // Whole numbers in numeric order; class names by name, so two files with the
    // same classes get the same label indices whatever their row order.
    sortedByName = !allInt;
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        const RawLabel& x = m_rawLabels[static_cast<std::size_t>(a)];
        const RawLabel& y = m_rawLabels[static_cast<std::size_t>(b)];
        return allInt ? x.value < y.value : x.text < y.text;
    });
    std::vector<std::string> names;
    rawToBase.assign(m_rawLabels.size(), 0);
    for (const int raw : order) {
        rawToBase[static_cast<std::size_t>(raw)] = static_cast<int>(names.size());
        names.push_back(m_rawLabels[static_cast<std::size_t>(raw)].text);
    }
    return names;
}

Dataset DatasetBuilder::finish() {
    const std::string file = fileName(m_path);
    for (std::size_t r = 0; r < kRoleCount; ++r) {
        if (!m_roles[r].empty() && !m_seen[r]) {
            const char* word = roleWord(r, !m_dataset.textField.empty());
            throw DataError(file + ": the " + word + " field \"" + m_roles[r] +
                            "\" is in no record; fields are: " + joinNames(m_knownFields));
        }
    }
    if (m_dataset.issues.empty()) {
        throw DataError(file + ": no records to load");
    }
    m_dataset.report.invalidUtf8 += m_repair.invalid;
    m_dataset.report.nulBytes += m_repair.nul;

    std::vector<int> rawToBase;
    bool sortedByName = false;
    const std::vector<std::string> base = baseNames(rawToBase, sortedByName);

    const auto& map = m_options.labelMap;
    if (!m_rawLabels.empty()) {
        for (const auto& [from, to] : map) {
            if (std::find(base.begin(), base.end(), from) == base.end()) {
                throw DataError(file + ": label map: there is no label \"" + from +
                                "\"; labels are: " + joinNames(base));
            }
        }
    }
    std::vector<std::string> finalNames;
    std::vector<std::string> mapped;
    std::unordered_set<std::string> named; // finalNames as a set: a file may hold many labels
    for (const std::string& name : base) {
        const auto it = map.find(name);
        mapped.push_back(it == map.end() ? name : it->second);
        if (!mapped.back().empty() && named.insert(mapped.back()).second) {
            finalNames.push_back(mapped.back());
        }
    }
    if (sortedByName) {
        std::sort(finalNames.begin(), finalNames.end());
    }
    m_dataset.labels = LabelSet(finalNames);
    std::vector<int> rawToFinal(m_rawLabels.size(), kNoLabel);
    for (std::size_t raw = 0; raw < m_rawLabels.size(); ++raw) {
        const std::string& name = mapped[static_cast<std::size_t>(rawToBase[raw])];
        if (!name.empty()) {
            rawToFinal[raw] = *m_dataset.labels.find(name);
        }
    }
    for (Issue& issue : m_dataset.issues) {
        if (issue.label != kNoLabel) {
            issue.label = rawToFinal[static_cast<std::size_t>(issue.label)];
        }
    }
    return std::move(m_dataset);
}

} // namespace issuebert::data
