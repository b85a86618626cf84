// `issuebert-cli predict`: a fine-tuned model run over any file of issues into
// a predictions CSV (and MachineHack's submission layout), with a summary.
#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/format.h"
#include "app/cli/interrupt.h"
#include "app/cli/launch.h"
#include "app/cli/model_args.h"
#include "core/eval/label_alignment.h"
#include "core/eval/predictions_csv.h"
#include "core/io/errors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

namespace issuebert::cli {

namespace {

constexpr const char* kPredictHead =
    R"(usage: issuebert-cli predict --model DIR --data FILE --out FILE.csv [options]

Predict every issue of a file with a fine-tuned model and write a CSV: id,
title, label (when the file has labels), predicted, confidence, one prob_CLASS
column per class, and uncertain with --threshold. Prints a summary: rows,
predictions per class, uncertain rows and, for a labelled file, the accuracy.
Ctrl-C stops between batches and writes nothing (exit code 130). With
--nproc N each process predicts its share of the issues and the first
writes the one CSV, in input order.

)";

const Usage kPredictUsage = {
    kPredictHead,
    {{"Options:",
      OptionTable{{"model", "DIR", "a fine-tuned model folder (a run's best/)"},
                  {"data", "FILE", "issues, labelled or not"},
                  {"out", "FILE.csv", "the predictions CSV"},
                  {"submission", "FILE.csv",
                   "also MachineHack's layout: one probability column\n"
                   "per class, in the model's class order"},
                  {"threshold", "P", "confidence below P (0-1) marks a row uncertain"}} +
          batchOptionTable() + hardwareOptionTable() +
          OptionTable{{"json", nullptr, "the summary as one JSON object"}, kHelpOption}},
     {"Processes:", processOptionTable("predicting its share of the issues")},
     datasetFieldsSection()},
    kPredictorExitCodes,
    kHelpColumn};

// --threshold: a number in [0, 1], checked before any file is read.
float thresholdValue(const Args& args) {
    const auto text = args.value("threshold");
    if (!text) {
        return 0.0F;
    }
    double value = -1.0;
    try {
        std::size_t used = 0;
        value = std::stod(*text, &used);
        if (used != text->size()) {
            value = -1.0;
        }
    } catch (const std::exception&) {
    }
    if (!(value >= 0.0 && value <= 1.0)) {
        throw UsageError("--threshold: \"" + *text + "\" is not a probability between 0 and 1");
    }
    return static_cast<float>(value);
}

// What predict prints: counts per predicted class, uncertain rows, accuracy.
struct PredictSummary {
    std::vector<long long> perClass; // by the model's class index
    long long uncertain = 0;
    long long labelled = 0;
    long long correct = 0;                  // the predicted class's name equals the row's label
    std::vector<std::string> unknownLabels; // labels the model has no class for (kUnknownToModel)
};

PredictSummary summarise(const Dataset& dataset, const Predictions& predictions) {
    PredictSummary s;
    s.perClass.assign(predictions.labels.size(), 0);
    const std::vector<int> toModel = modelClassOfLabels(dataset.labels.names(), predictions.labels);
    for (std::size_t row = 0; row < predictions.size(); ++row) {
        const int predicted = predictions.predicted[row];
        ++s.perClass[static_cast<std::size_t>(predicted)];
        s.uncertain += predictions.uncertain[row] ? 1 : 0;
        const Issue& issue = dataset.issues[row];
        if (!issue.labelled()) {
            continue;
        }
        ++s.labelled;
        const int truth = toModel[static_cast<std::size_t>(issue.label)];
        s.correct += truth == predicted ? 1 : 0;
        const std::string& name = dataset.labels.name(issue.label);
        if (truth < 0 && std::find(s.unknownLabels.begin(), s.unknownLabels.end(), name) ==
                             s.unknownLabels.end()) {
            s.unknownLabels.push_back(name);
        }
    }
    return s;
}

void printSummaryJson(const Args& args, const Predictions& predictions, const PredictSummary& s,
                      double seconds) {
    nlohmann::ordered_json out;
    out["data"] = *args.value("data");
    out["out"] = *args.value("out");
    out["submission"] = args.value("submission") ? nlohmann::ordered_json(*args.value("submission"))
                                                 : nlohmann::ordered_json();
    out["rows"] = predictions.size();
    out["predicted"] = nlohmann::ordered_json::object();
    for (std::size_t c = 0; c < predictions.labels.size(); ++c) {
        out["predicted"][predictions.labels[c]] = s.perClass[c];
    }
    out["threshold"] = predictions.threshold;
    out["uncertain"] = s.uncertain;
    out["labelled"] = s.labelled;
    out["accuracy"] = s.labelled > 0 ? nlohmann::ordered_json(static_cast<double>(s.correct) /
                                                              static_cast<double>(s.labelled))
                                     : nlohmann::ordered_json();
    out["unknown_labels"] = s.unknownLabels;
    out["seconds"] = seconds;
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void printSummary(const Args& args, const Predictor& predictor, const Predictions& predictions,
                  const PredictSummary& s, double seconds) {
    const long long rows = static_cast<long long>(predictions.size());
    std::ostringstream out;
    out << "Predicted " << grouped(rows) << " issues in " << fixed(seconds, 1) << " s on "
        << predictor.deviceName() << " (" << predictor.precisionReason() << ")\n"
        << "Wrote          " << *args.value("out") << '\n';
    if (const auto submission = args.value("submission")) {
        out << "Submission     " << *submission << '\n';
    }
    const int width = static_cast<int>(columnWidth(predictions.labels, 9)); // "Predicted"
    out << '\n'
        << std::left << std::setw(width) << "Predicted" << std::right << std::setw(12) << "Count"
        << std::setw(9) << "Share" << '\n';
    for (std::size_t c = 0; c < predictions.labels.size(); ++c) {
        out << std::left << std::setw(width) << predictions.labels[c] << std::right << std::setw(12)
            << grouped(s.perClass[c]) << std::setw(8)
            << fixed(rows > 0
                         ? 100.0 * static_cast<double>(s.perClass[c]) / static_cast<double>(rows)
                         : 0.0,
                     1)
            << "%\n";
    }
    out << '\n';
    if (predictions.threshold > 0.0F) {
        out << "Uncertain      " << grouped(s.uncertain) << " (confidence below "
            << fixed(predictions.threshold, 2) << ")\n";
    }
    if (s.labelled > 0) {
        out << "Accuracy       "
            << fixed(static_cast<double>(s.correct) / static_cast<double>(s.labelled), 4) << " on "
            << grouped(s.labelled) << " labelled issues\n";
        if (!s.unknownLabels.empty()) {
            out << "               labels the model has no class for count as wrong: "
                << joined(s.unknownLabels) << '\n';
        }
    }
    std::cout << out.str();
}

bool sameFile(const std::string& a, const std::string& b) {
    std::error_code ec;
    return std::filesystem::equivalent(a, b, ec) && !ec;
}

// A data-parallel run's predictions: this rank's rows of every rank's, in
// input order (n rows in all), as one process would have made them.
Predictions gathered(DistributedGroup& group, const Predictions& mine, std::size_t n) {
    const std::size_t classes = mine.labels.size();
    const std::size_t width = classes + 2; // the probabilities, the class, its confidence
    std::vector<float> rows;
    rows.reserve(mine.size() * width);
    for (std::size_t r = 0; r < mine.size(); ++r) {
        rows.insert(rows.end(),
                    mine.probabilities.begin() + static_cast<std::ptrdiff_t>(r * classes),
                    mine.probabilities.begin() + static_cast<std::ptrdiff_t>((r + 1) * classes));
        rows.push_back(static_cast<float>(mine.predicted[r]));
        rows.push_back(mine.confidence[r]);
    }
    const std::vector<float> all = group.gatherRows(rows, n, width);
    Predictions out;
    out.labels = mine.labels;
    for (std::size_t r = 0; r < n; ++r) {
        const float* row = all.data() + r * width;
        out.probabilities.insert(out.probabilities.end(), row, row + classes);
        out.predicted.push_back(static_cast<int>(row[classes]));
        out.confidence.push_back(row[classes + 1]);
    }
    applyThreshold(out, mine.threshold);
    return out;
}

int predictAs(const Args& args, DistributedGroup* group);

int runPredict(const Args& args) {
    if (!args.positional().empty()) {
        throw UsageError("predict: unexpected \"" + args.positional().front() + "\"");
    }
    return runAsProcesses(args, "predict",
                          [&args](DistributedGroup* group) { return predictAs(args, group); });
}

int predictAs(const Args& args, DistributedGroup* group) {
    const std::string modelDir = requiredValue(args, "predict", "model", "DIR");
    const std::string dataPath = requiredValue(args, "predict", "data", "FILE");
    const std::string outPath = requiredValue(args, "predict", "out", "FILE.csv");
    PredictorOptions options = predictorOptions(args, true);
    options.threshold = thresholdValue(args);
    const auto submission = args.value("submission");
    if (sameFile(outPath, dataPath) || (submission && sameFile(*submission, dataPath))) {
        throw UsageError("predict: the output would overwrite the input file " + dataPath);
    }
    if (submission && (submission->empty() || *submission == outPath)) {
        throw UsageError("predict: --submission needs a file name other than --out's");
    }
    const InterruptGuard interrupts;

    const Dataset dataset = loadIssues(args, interrupts.flag());
    const Predictor predictor(modelDir, options);
    const auto start = std::chrono::steady_clock::now();
    Predictions predictions;
    if (group == nullptr) {
        predictions = predictAll(predictor, dataset.issues, interrupts.flag());
    } else {
        // Each rank its share; the first writes every row.
        const auto [first, last] = shareOf(dataset.issues.size(), group->rank(), group->size());
        const std::vector<Issue> mine(dataset.issues.begin() + static_cast<std::ptrdiff_t>(first),
                                      dataset.issues.begin() + static_cast<std::ptrdiff_t>(last));
        const Predictions part = group->isMain() ? predictAll(predictor, mine, interrupts.flag())
                                                 : predictor.predict(mine, {}, interrupts.flag());
        try {
            predictions = gathered(*group, part, dataset.issues.size());
        } catch (const std::exception&) {
            if (interrupts.stopped()) { // Ctrl-C reached every rank: not a failure
                throw CancelledError();
            }
            throw;
        }
        if (!group->isMain()) {
            return kExitOk;
        }
    }
    const double seconds = secondsSince(start);
    writePredictionsCsv(outPath, dataset.issues, dataset.labels.names(), predictions);
    if (submission) {
        writeSubmissionCsv(*submission, predictions);
    }
    const PredictSummary summary = summarise(dataset, predictions);
    if (args.flag("json")) {
        printSummaryJson(args, predictions, summary, seconds);
    } else {
        printSummary(args, predictor, predictions, summary, seconds);
    }
    return kExitOk;
}

} // namespace

const Command kPredictCommand = {"predict", kPredictUsage, runPredict};

} // namespace issuebert::cli
