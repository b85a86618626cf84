// Dataset options shared by the commands (see dataset_args.h).
#include "app/cli/dataset_args.h"

#include <algorithm>
#include <utility>

namespace issuebert::cli {

namespace {

// The roles a field mapping names, as the options and --mapping spell them.
constexpr std::pair<const char*, std::string FieldMapping::*> kRoles[] = {
    {"id", &FieldMapping::id},
    {"title", &FieldMapping::title},
    {"body", &FieldMapping::body},
    {"text", &FieldMapping::text},
    {"label", &FieldMapping::label}};

// --id/--title/... and --mapping ROLE=FIELD[,ROLE=FIELD...] as one mapping.
FieldMapping fieldMapping(const Args& args) {
    FieldMapping mapping;
    const auto set = [&](const std::string& role, const std::string& field) {
        for (const auto& [name, member] : kRoles) {
            if (role == name) {
                std::string& slot = mapping.*member;
                if (!slot.empty() && slot != field) {
                    throw UsageError("the " + role + " field is given twice, as \"" + slot +
                                     "\" and as \"" + field + "\"");
                }
                slot = field;
                return;
            }
        }
        throw UsageError("--mapping: unknown role \"" + role +
                         "\"; roles are id, title, body, text and label");
    };
    for (const auto& [name, member] : kRoles) {
        if (const auto field = args.value(name)) {
            set(name, *field);
        }
    }
    for (const std::string& list : args.values("mapping")) {
        for (std::size_t start = 0; start <= list.size();) {
            const std::size_t comma = std::min(list.find(',', start), list.size());
            const std::string pair = list.substr(start, comma - start);
            const std::size_t eq = pair.find('=');
            if (eq == std::string::npos) {
                throw UsageError("--mapping: \"" + pair +
                                 "\" is not ROLE=FIELD (e.g. title=Summary)");
            }
            set(pair.substr(0, eq), pair.substr(eq + 1));
            start = comma + 1;
        }
    }
    return mapping;
}

} // namespace

OptionTable datasetOptionTable() {
    return {{"format", "F", "json, jsonl, csv or fasttext (default: from the file)"},
            {"mapping", "ROLE=FIELD[,...]",
             "which field plays each role: id, title, body, text,\n"
             "label (\"-\" for none; default: detected)"},
            {"id", "FIELD", kSeeNext},
            {"title", "FIELD", kSeeNext},
            {"body", "FIELD", kSeeNext},
            {"text", "FIELD", kSeeNext},
            {"label", "FIELD", "the same, one role at a time"},
            {"map-label", "OLD=NEW",
             "rename or merge a label (repeatable; NEW empty:\n"
             "those rows become unlabelled)"}};
}

LoadOptions datasetLoadOptions(const Args& args) {
    LoadOptions options;
    if (const auto format = args.value("format")) {
        options.format = parseFormatName(*format);
    }
    options.fields = fieldMapping(args);
    options.labelMap = parseLabelMap(args.values("map-label"));
    return options;
}

} // namespace issuebert::cli
