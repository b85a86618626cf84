// `issuebert-cli data stats FILE`: load a dataset and print what is in it.
#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/dataset_args.h"
#include "app/cli/format.h"
#include "core/data/loader.h"
#include "core/data/stats.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <utility>

namespace issuebert::cli {

namespace {

constexpr const char* kDataHead =
    R"(usage: issuebert-cli data stats FILE [options]

Load a dataset (MachineHack JSON, JSON Lines, CSV, fastText lines) and print
its statistics: rows, labels, empty and duplicate texts, text lengths.

)";

const Usage kDataUsage = {
    kDataHead,
    {{"Options:", datasetOptionTable() +
                      OptionTable{{"json", nullptr, "machine-readable output"}, kHelpOption}}},
    "",
    kHelpColumn};

// "p50"; built by appending, as GCC 12 misreports "p" + std::string under -O3 (-Wrestrict).
std::string percentileKey(int p) {
    std::string key = "p";
    key += std::to_string(p);
    return key;
}

std::string plural(long long n, const std::string& one, const std::string& many) {
    return grouped(n) + " " + (n == 1 ? one : many);
}

nlohmann::ordered_json fieldsJson(const Dataset& d) {
    nlohmann::ordered_json fields;
    const auto put = [&](const char* role, const std::string& name) {
        fields[role] = name.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(name);
    };
    put("id", d.idField);
    put("title", d.titleField);
    put("body", d.bodyField);
    put("text", d.textField);
    put("label", d.labelField);
    return fields;
}

void printJson(const std::string& path, const Dataset& d, const DatasetStats& s) {
    nlohmann::ordered_json out;
    out["file"] = path;
    out["format"] = std::string(formatName(d.format));
    out["fields"] = fieldsJson(d);
    out["rows"] = s.rows;
    out["labelled"] = s.labelled;
    out["unlabeled"] = s.unlabelled;
    out["labels"] = nlohmann::ordered_json::object();
    for (const auto& [name, count] : s.labelCounts) {
        out["labels"][name] = count;
    }
    out["empty_texts"] = s.emptyTexts;
    out["duplicates"] = s.duplicateTexts;
    out["length_percentiles"] = nlohmann::ordered_json::object();
    for (const auto& [p, n] : s.lengthPercentiles) {
        out["length_percentiles"][percentileKey(p)] = n;
    }
    out["invalid_utf8"] = s.invalidUtf8;
    out["nul_bytes"] = s.nulBytes;
    out["skipped_blank_lines"] = d.report.skippedBlankLines;
    out["multi_label_lines"] = d.report.multiLabelLines;
    // Replace, not throw, should a label name hold bytes that are not UTF-8.
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void printHuman(const std::string& path, const Dataset& d, const DatasetStats& s) {
    std::ostringstream out;
    std::string fields;
    const auto field = [&](const char* role, const std::string& name) {
        if (!name.empty()) {
            fields += (fields.empty() ? "" : ", ") + std::string(role) + " \"" + name + "\"";
        }
    };
    field("id", d.idField);
    field("title", d.titleField);
    field("body", d.bodyField);
    field("text", d.textField);
    field("label", d.labelField);
    out << "File             " << path << '\n'
        << "Format           " << formatName(d.format) << '\n'
        << "Fields           " << fields << '\n'
        << "Rows             " << grouped(s.rows) << " (labelled " << grouped(s.labelled)
        << ", unlabelled " << grouped(s.unlabelled) << ")\n";
    if (!s.labelCounts.empty()) {
        std::size_t width = 5;
        for (const auto& [name, count] : s.labelCounts) {
            width = std::max(width, name.size());
        }
        out << '\n'
            << std::left << std::setw(static_cast<int>(width)) << "Label"
            << "  " << std::right << std::setw(12) << "Count" << std::setw(9) << "Share" << '\n';
        for (const auto& [name, count] : s.labelCounts) {
            const double share = s.labelled > 0 ? 100.0 * static_cast<double>(count) /
                                                      static_cast<double>(s.labelled)
                                                : 0.0;
            out << std::left << std::setw(static_cast<int>(width)) << name << "  " << std::right
                << std::setw(12) << grouped(count) << std::setw(8) << fixed(share, 1) << "%\n";
        }
        out << '\n';
    }
    out << "Empty texts      " << grouped(s.emptyTexts) << '\n'
        << "Duplicate texts  " << grouped(s.duplicateTexts)
        << " (rows whose text appeared in an earlier row)\n"
        << "Text length      characters at percentile\n                ";
    for (const auto& [p, n] : s.lengthPercentiles) {
        out << ' ' << (p == 100 ? std::string("max") : percentileKey(p)) << ' ' << grouped(n);
    }
    out << '\n';
    std::string repairs;
    const auto repair = [&](long long n, const std::string& what) {
        if (n > 0) {
            repairs += (repairs.empty() ? "" : "; ") + what;
        }
    };
    repair(s.invalidUtf8,
           plural(s.invalidUtf8, "invalid UTF-8 sequence", "invalid UTF-8 sequences") +
               " replaced with U+FFFD");
    repair(s.nulBytes, plural(s.nulBytes, "NUL byte", "NUL bytes") + " dropped");
    repair(d.report.skippedBlankLines,
           plural(d.report.skippedBlankLines, "blank line", "blank lines") + " skipped");
    repair(d.report.multiLabelLines, plural(d.report.multiLabelLines, "line", "lines") +
                                         " with several labels (the first was kept)");
    out << "Repairs          " << (repairs.empty() ? "none" : repairs) << '\n';
    std::cout << out.str();
}

int runData(const Args& args) {
    const auto& positional = args.positional();
    if (positional.empty() || positional[0] != "stats") {
        throw UsageError("data: expected the subcommand \"stats\"");
    }
    if (positional.size() != 2) {
        throw UsageError(positional.size() < 2 ? "data stats: no FILE given"
                                               : "data stats: one FILE only");
    }
    const std::string& path = positional[1];
    const Dataset dataset = loadDataset(path, datasetLoadOptions(args));
    const DatasetStats stats = computeStats(dataset);
    if (args.flag("json")) {
        printJson(path, dataset, stats);
    } else {
        printHuman(path, dataset, stats);
    }
    return kExitOk;
}

} // namespace

const Command kDataCommand = {"data", kDataUsage, runData};

} // namespace issuebert::cli
