// Field-role detection by common names, and the user's mapping laid over it.
#include "core/data/field_detect.h"

#include "core/io/errors.h"
#include "core/text/utf8.h"

#include <array>
#include <cctype>

namespace issuebert::data {

namespace {

// Distinct values kept per field: enough to tell a label from free text.
constexpr std::size_t kMaxDistinct = 64;
// A label field with more distinct values than this in the sample looks like free text.
constexpr std::size_t kMaxPlausibleClasses = 50;

// Names for each role, best first, compared after normalize().
const std::vector<std::string> kLabelNames = {"label", "labels", "class", "classname", "category",
                                              "type",  "target", "tag",   "labelname", "y"};
const std::vector<std::string> kTitleNames = {"title", "issuetitle", "summary", "subject",
                                              "headline"};
const std::vector<std::string> kBodyNames = {"body", "issuebody", "description",
                                             "desc", "details",   "bodytext"};
const std::vector<std::string> kTextNames = {"text",     "content",  "message", "issue",
                                             "document", "sentence", "fulltext"};
const std::vector<std::string> kIdNames = {"id",       "issueid", "number", "issuenumber",
                                           "issuekey", "key",     "url",    "htmlurl"};

// "Issue Title" and "issue_title" both become "issuetitle".
std::string normalize(const std::string& name) {
    std::string out;
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) != 0) {
            out.push_back(static_cast<char>(std::tolower(u)));
        }
    }
    return out;
}

bool isWholeNumber(const std::string& text) {
    std::size_t i = text.size() > 1 && text[0] == '-' ? 1 : 0;
    if (i == text.size()) {
        return false;
    }
    for (; i < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
    }
    return true;
}

// The unassigned, non-nested field whose name ranks best for a role, or -1.
int bestField(const FieldSample& sample, const std::vector<std::string>& candidates,
              const std::vector<bool>& taken) {
    int best = -1;
    std::size_t bestRank = candidates.size();
    for (std::size_t f = 0; f < sample.fields.size(); ++f) {
        const FieldInfo& info = sample.fields[f];
        if (taken[f] || (info.nested > 0 && info.nonEmpty == 0)) {
            continue;
        }
        const std::string key = normalize(info.name);
        for (std::size_t rank = 0; rank < bestRank; ++rank) {
            if (key == candidates[rank]) {
                best = static_cast<int>(f);
                bestRank = rank;
                break;
            }
        }
    }
    return best;
}

} // namespace

void FieldSample::endRecord() {
    for (FieldInfo& info : fields) {
        if (info.pending) {
            info.wholeLabels += info.pendingLabel == LabelKind::Whole ? 1 : 0;
            info.numberLabels +=
                info.pendingLabel == LabelKind::Whole && info.pendingNumber ? 1 : 0;
            info.nameLabels += info.pendingLabel == LabelKind::Name ? 1 : 0;
            info.pending = false;
        }
    }
}

FieldInfo& FieldSample::field(const std::string& name) {
    const auto [it, added] = m_index.try_emplace(lowerAscii(name), fields.size());
    if (added) {
        FieldInfo info;
        info.name = name;
        fields.push_back(std::move(info));
    }
    return fields[it->second];
}

std::vector<std::string> FieldSample::names() const {
    std::vector<std::string> out;
    for (const FieldInfo& info : fields) {
        out.push_back(info.name);
    }
    return out;
}

void noteValue(FieldInfo& field, const FieldValue& value) {
    Utf8Repair repair;
    field.pending = true;
    field.pendingLabel = readLabel(value, repair).kind;
    field.pendingNumber = value.kind == ValueKind::Number;
    if (value.kind == ValueKind::Object || value.kind == ValueKind::Array) {
        ++field.nested;
        return;
    }
    const std::string text = trimAscii(value.text);
    if (value.kind == ValueKind::Missing || value.kind == ValueKind::Null || text.empty()) {
        return;
    }
    ++field.nonEmpty;
    field.integers += isWholeNumber(text) ? 1 : 0;
    field.textCodepoints += static_cast<long long>(codepointCount(text));
    if (field.values.size() <= kMaxDistinct) {
        field.values.insert(text.substr(0, 200));
    }
}

std::string joinNames(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& name : names) {
        out += (out.empty() ? "" : ", ") + name;
    }
    return out.empty() ? "(none)" : out;
}

FieldDetection detectFields(const FieldSample& sample) {
    FieldDetection result;
    result.format = sample.format;
    result.fields = sample.names();
    std::vector<bool> taken(sample.fields.size(), false);
    const auto assign = [&](const std::vector<std::string>& candidates, std::string& role) {
        const int f = bestField(sample, candidates, taken);
        if (f >= 0) {
            taken[static_cast<std::size_t>(f)] = true;
            role = sample.fields[static_cast<std::size_t>(f)].name;
        }
        return f;
    };
    const int label = assign(kLabelNames, result.mapping.label);
    if (label >= 0) {
        const FieldInfo& info = sample.fields[static_cast<std::size_t>(label)];
        result.labelValues.numbers = info.numberLabels;
        result.labelValues.digitStrings = info.wholeLabels - info.numberLabels;
        result.labelValues.names = info.nameLabels;
    }
    assign(kTitleNames, result.mapping.title);
    assign(kBodyNames, result.mapping.body);
    if (result.mapping.title.empty() && result.mapping.body.empty()) {
        assign(kTextNames, result.mapping.text);
    }
    assign(kIdNames, result.mapping.id);

    std::vector<std::string> spare;
    for (std::size_t f = 0; f < sample.fields.size(); ++f) {
        if (!taken[f] && sample.fields[f].nonEmpty > 0) {
            spare.push_back(sample.fields[f].name);
        }
    }
    result.confident = true;
    if (result.mapping.title.empty() && result.mapping.body.empty() &&
        result.mapping.text.empty()) {
        result.confident = false;
        result.reason = sample.fields.empty()
                            ? "the records have no fields"
                            : "no field is named like a title, body or text (fields: " +
                                  joinNames(result.fields) + ")";
        if (sample.format == DataFormat::Csv) {
            result.reason += "; if the first line is data rather than column names, add a "
                             "header row";
        }
    } else if (label < 0 && !spare.empty()) {
        result.confident = false;
        result.reason = "no field is named like a label; if one of " + joinNames(spare) +
                        " holds the class, choose it (a file without labels is fine for "
                        "prediction)";
    } else if (label >= 0 && sample.format != DataFormat::FastText) { // "__label__" says so
        const FieldInfo& info = sample.fields[static_cast<std::size_t>(label)];
        if (info.values.size() > kMaxPlausibleClasses) {
            result.confident = false;
            result.reason = "the label field \"" + info.name + "\" has more than " +
                            std::to_string(kMaxPlausibleClasses) + " different values in the " +
                            "first " + std::to_string(sample.records) +
                            " records; is it really the class?";
        }
    }
    return result;
}

ResolvedFields resolveFields(const std::string& path, const FieldSample& sample,
                             const FieldDetection& detected, const FieldMapping& given) {
    const std::string file = fileName(path);
    const auto pick = [&](const std::string& chosen, const std::string& found,
                          const char* role) -> std::string {
        if (chosen == "-") {
            return {};
        }
        if (chosen.empty()) {
            return found;
        }
        bool present = false;
        for (const FieldInfo& info : sample.fields) {
            present = present || equalsIgnoringCase(info.name, chosen);
        }
        if (!present && sample.allFieldsKnown) {
            throw DataError(file + ": the " + role + " field \"" + chosen +
                            "\" is not in the file; fields are: " + joinNames(sample.names()));
        }
        return chosen;
    };
    const auto givenField = [](const std::string& name) { return !name.empty() && name != "-"; };
    if (givenField(given.body) && givenField(given.text)) {
        throw DataError(file + ": choose a body field or a text field, not both (body \"" +
                        given.body + "\", text \"" + given.text + "\")");
    }

    ResolvedFields out;
    out.roles[kRoleId] = pick(given.id, detected.mapping.id, "id");
    out.roles[kRoleTitle] = pick(given.title, detected.mapping.title, "title");
    out.roles[kRoleLabel] = pick(given.label, detected.mapping.label, "label");
    if (givenField(given.text)) {
        out.roles[kRoleBody] = pick(given.text, {}, "text");
        out.bodyIsText = true;
    } else if (!given.body.empty()) {
        out.roles[kRoleBody] = pick(given.body, {}, "body");
    } else if (!detected.mapping.body.empty()) {
        out.roles[kRoleBody] = detected.mapping.body;
    } else if (given.text != "-" && !detected.mapping.text.empty()) {
        out.roles[kRoleBody] = detected.mapping.text;
        out.bodyIsText = true;
    }

    for (std::size_t a = 0; a < kRoleCount; ++a) {
        for (std::size_t b = a + 1; b < kRoleCount; ++b) {
            if (!out.roles[a].empty() && equalsIgnoringCase(out.roles[a], out.roles[b])) {
                throw DataError(file + ": \"" + out.roles[a] + "\" is chosen as both the " +
                                roleWord(a, out.bodyIsText) + " and the " +
                                roleWord(b, out.bodyIsText) + " field; a field can play one role");
            }
        }
    }
    if (out.roles[kRoleTitle].empty() && out.roles[kRoleBody].empty()) {
        throw DataError(
            file + ": no title, body or text field among: " + joinNames(sample.names()) +
            "; choose them with the field mapping" +
            (sample.format == DataFormat::Csv ? " (or add a header row if the first line is data)"
                                              : ""));
    }
    return out;
}

} // namespace issuebert::data
