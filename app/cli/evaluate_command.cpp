// `issuebert-cli evaluate`: a fine-tuned model run over a labelled file, and
// its metrics against the file's labels.
#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/format.h"
#include "app/cli/interrupt.h"
#include "app/cli/model_args.h"
#include "core/eval/label_alignment.h"
#include "core/eval/metrics.h"
#include "core/io/errors.h"

#include <iostream>

namespace issuebert::cli {

namespace {

constexpr const char* kEvaluateHead =
    R"(usage: issuebert-cli evaluate --model DIR --data FILE [options]

Predict a labelled file with a fine-tuned model and print accuracy, log loss,
per-class precision, recall and F1, and the confusion matrix. The file's labels
are matched to the model's classes by name; unlabelled rows are skipped.

)";

const Usage kEvaluateUsage = {
    kEvaluateHead,
    {{"Options:",
      OptionTable{
          {"model", "DIR", "a fine-tuned model folder (a run's best/)"},
          {"data", "FILE", "labelled issues (MachineHack JSON, JSON Lines, CSV, fastText)"}} +
          batchOptionTable() + hardwareOptionTable() +
          OptionTable{{"json", nullptr, "the metrics as one JSON object"}, kHelpOption}},
     datasetFieldsSection()},
    kPredictorExitCodes,
    kHelpColumn};

// The model's class of each issue's label; DataError for a label it lacks.
std::vector<int> truthOf(const std::vector<Issue>& labelled, const Dataset& dataset,
                         const Predictor& predictor, const std::string& dataPath) {
    const std::vector<int> toModel = modelClassOfLabels(dataset.labels.names(), predictor.labels());
    std::vector<int> truth;
    for (const Issue& issue : labelled) {
        const int cls = toModel[static_cast<std::size_t>(issue.label)];
        if (cls < 0) {
            throw DataError(dataPath + ": label \"" + dataset.labels.name(issue.label) +
                            "\" is not one of the model's classes (" + joined(predictor.labels()) +
                            "); rename or merge it with --map-label OLD=NEW");
        }
        truth.push_back(cls);
    }
    return truth;
}

int runEvaluate(const Args& args) {
    if (!args.positional().empty()) {
        throw UsageError("evaluate: unexpected \"" + args.positional().front() + "\"");
    }
    const std::string modelDir = requiredValue(args, "evaluate", "model", "DIR");
    const std::string dataPath = requiredValue(args, "evaluate", "data", "FILE");
    const PredictorOptions options = predictorOptions(args, true);
    const InterruptGuard interrupts;

    const Dataset dataset = loadIssues(args, interrupts.flag());
    std::vector<Issue> labelled;
    for (const Issue& issue : dataset.issues) {
        if (issue.labelled()) {
            labelled.push_back(issue);
        }
    }
    if (labelled.empty()) {
        throw DataError(dataPath + " has no labels to evaluate against; use predict");
    }
    const Predictor predictor(modelDir, options);
    const std::vector<int> truth = truthOf(labelled, dataset, predictor, dataPath);

    const auto start = std::chrono::steady_clock::now();
    const Predictions predictions = predictAll(predictor, labelled, interrupts.flag());
    const ClassificationMetrics metrics =
        computeMetrics(truth, predictions.predicted, predictions.labels, predictions.probabilities);
    const std::size_t skipped = dataset.issues.size() - labelled.size();
    if (args.flag("json")) {
        std::cout << metricsToJson(metrics) << '\n';
        if (skipped > 0) {
            std::cerr << "skipped " << grouped(static_cast<long long>(skipped))
                      << " unlabelled issues\n";
        }
        return kExitOk;
    }
    std::cout << "Model          " << modelDir << " (" << predictor.deviceName() << ", "
              << predictor.precisionReason() << ")\n"
              << "Data           " << dataPath << '\n';
    if (skipped > 0) {
        std::cout << "Skipped        " << grouped(static_cast<long long>(skipped))
                  << " unlabelled issues\n";
    }
    std::cout << "Time           " << fixed(secondsSince(start), 1) << " s\n\n"
              << metricsReport(metrics);
    return kExitOk;
}

} // namespace

const Command kEvaluateCommand = {"evaluate", kEvaluateUsage, runEvaluate};

} // namespace issuebert::cli
