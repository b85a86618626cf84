// `issuebert-cli cv`: stratified K-fold cross-validation of a training recipe,
// the way IssueBERT's defaults are decided: per-fold and mean ± std macro-F1
// and accuracy on held-out folds, with training time.
#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/dataset_args.h"
#include "app/cli/format.h"
#include "app/cli/interrupt.h"
#include "app/cli/progress.h"
#include "app/cli/train_args.h"
#include "core/data/loader.h"
#include "core/io/errors.h"
#include "core/train/cross_validation.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>
#include <sstream>

namespace issuebert::cli {

namespace {

constexpr const char* kCvHead =
    R"(usage: issuebert-cli cv --data FILE --out DIR [--folds K] [--repeats R] [train options]

Cross-validate a training recipe: the labelled issues of FILE are split into K
stratified folds (seeded by --seed or --fold-seed); each fold in turn is held
out while a model trains on the others (early stopping and the best model
chosen on a --val-split of those; auto: 10 %, or none when that is under 30
issues per class), then the best model is scored on the held-out fold.
Prints each fold's macro-F1, accuracy and training time, then the mean and
standard deviation. DIR receives cv.json (every fold and the summary, rewritten
after each fold), each held-out fold's predictions
(repeat-R-fold-K-predictions.csv: true label, predicted class, probabilities)
and, with --keep-runs, each fold's run folder.

)";

const OptionTable kCvOptions = {
    {"data", "FILE", "labelled issues (MachineHack JSON, JSON Lines, CSV, fastText)"},
    {"out", "DIR", "a new or empty folder"},
    {"folds", "K", "(default 5)"},
    {"repeats", "R", "repeat with reshuffled folds, seeds seed..seed+R-1 (default 1)"},
    {"fold-seed", "S",
     "seed the folds with S instead of --seed: runs that\n"
     "differ only in --seed then hold out the same issues"},
    {"per-class", "N",
     "train each fold on a seeded sample of at most N\n"
     "issues per class of its training folds, tested on\n"
     "the whole held-out fold: a point of a learning curve"},
    {"only-folds", "LIST",
     "run only these folds, e.g. 2,3 (the same folds a\n"
     "full run makes: finish a stopped cross-validation)"},
    {"keep-runs", nullptr, "keep every fold's run folder (best/, last/)"},
    {"json", nullptr, "one JSON line per fold, then the summary, on stdout"},
    kHelpOption};

// Accepted only to be refused with the reason (runCv), which the help gives.
const OptionTable kNotForCv = {
    {"train", "FILE", ""}, {"val", "FILE", ""}, {"resume", "RUN_DIR", ""}};

const Usage kCvUsage = {
    kCvHead,
    {{"Options:", kCvOptions},
     {"Every option of `issuebert-cli train` that sets the recipe applies (", trainRecipeOptions(),
      Layout::Sentence, "); --train is --data here, and --val and --resume do not apply."},
     {nullptr, kNotForCv, Layout::Unlisted},
     {"Dataset fields:", datasetOptionTable()}},
    "\nExit codes: 0 done, 1 training failed, 2 bad input, 130 stopped by Ctrl-C\n"
    "(cv.json keeps the folds that finished).\n",
    kHelpColumn};

std::string foldLine(const FoldResult& fold) {
    std::ostringstream line;
    line << "repeat " << fold.repeat + 1 << " fold " << fold.fold + 1;
    line << ": macro-F1 " << fixed(fold.test.macroF1, 4) << "  accuracy "
         << fixed(fold.test.accuracy, 4) << "  best epoch " << fold.bestEpoch << "  trained "
         << grouped(static_cast<long long>(fold.trainIssues)) << " issues in "
         << formatDuration(fold.trainSeconds) << ", tested "
         << grouped(static_cast<long long>(fold.testIssues));
    return line.str();
}

std::string foldJson(const FoldResult& fold) {
    return nlohmann::json{{"event", "fold"},
                          {"repeat", fold.repeat + 1},
                          {"fold", fold.fold + 1},
                          {"macro_f1", fold.test.macroF1},
                          {"accuracy", fold.test.accuracy},
                          {"best_epoch", fold.bestEpoch},
                          {"train_issues", fold.trainIssues},
                          {"test_issues", fold.testIssues},
                          {"train_seconds", fold.trainSeconds}}
        .dump();
}

// A line per fold among the training runs' own progress lines.
class FoldPrinter : public CrossValidationListener {
public:
    FoldPrinter(TerminalListener& terminal, bool json) : m_terminal(terminal), m_json(json) {}
    void onFoldStart(int repeat, int fold, int runsDone, int runs) override {
        m_terminal.onMessage("Cross-validation run " + std::to_string(runsDone + 1) + " of " +
                             std::to_string(runs) + ": repeat " + std::to_string(repeat + 1) +
                             ", fold " + std::to_string(fold + 1) + " held out");
    }
    void onFoldEnd(const FoldResult& fold) override {
        if (m_json) {
            std::cout << foldJson(fold) << std::endl;
        }
        m_terminal.onMessage(foldLine(fold));
    }

private:
    TerminalListener& m_terminal;
    bool m_json;
};

void printSummary(const CrossValidationResult& result, const std::string& outDir) {
    std::ostringstream out;
    out << "\nCross-validation: " << result.folds.size() << " runs"
        << (result.cancelled ? " (stopped early)" : "") << "\n";
    for (const FoldResult& fold : result.folds) {
        out << "  " << foldLine(fold) << '\n';
    }
    if (result.folds.empty()) {
        out << "No fold finished: nothing measured.\n";
        std::cout << out.str();
        return;
    }
    out << "macro-F1  " << fixed(result.macroF1.mean, 4) << " ± " << fixed(result.macroF1.std, 4)
        << "\naccuracy  " << fixed(result.accuracy.mean, 4) << " ± "
        << fixed(result.accuracy.std, 4) << "\ntraining  "
        << formatDuration(result.trainSeconds.mean) << " per run (± "
        << fixed(result.trainSeconds.std, 0) << " s)\n"
        << "Every fold: " << outDir << "/cv.json\n";
    std::cout << out.str();
}

int runCv(const Args& args) {
    if (!args.positional().empty()) {
        throw UsageError("cv: unexpected \"" + args.positional().front() + "\"");
    }
    for (const char* name : {"train", "val", "resume"}) {
        if (args.value(name)) {
            throw UsageError(std::string("cv: --") + name +
                             " does not apply (the data is --data; folds are held out in turn)");
        }
    }
    TrainOptions options = optionsFromArgs(args);
    const auto data = args.value("data");
    if (!data) {
        throw UsageError("cv: --data FILE is required");
    }
    if (options.outDir.empty()) {
        throw UsageError("cv: --out DIR is required");
    }
    options.trainPath = *data;
    CrossValidationOptions cv;
    cv.folds = args.intValue("folds", cv.folds, 2, 100);
    cv.repeats = args.intValue("repeats", cv.repeats, 1, 100);
    cv.keepRuns = args.flag("keep-runs");
    cv.foldSeed = seedOption(args, "fold-seed");
    cv.trainPerClass = args.intValue("per-class", 0, 1, 10'000'000);
    if (const auto list = args.value("only-folds")) {
        std::stringstream items(*list);
        for (std::string word; std::getline(items, word, ',');) {
            const bool digits =
                !word.empty() && word.size() < 4 &&
                std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
            if (!digits || std::stoi(word) < 1 || std::stoi(word) > cv.folds) {
                throw UsageError("--only-folds: \"" + *list + "\" is not a list of folds 1 to " +
                                 std::to_string(cv.folds) + " such as 2,3");
            }
            cv.onlyFolds.push_back(std::stoi(word));
        }
    }

    const bool json = args.flag("json");
    ProgressOptions progress;
    progress.mode = detectProgressMode(false);
    TerminalListener terminal(std::cerr, progress);
    FoldPrinter folds(terminal, json);

    LoadOptions loadOptions = datasetLoadOptions(args);
    const InterruptGuard interrupts;
    loadOptions.cancel = interrupts.flag();
    terminal.onMessage("Loading " + *data);
    Dataset dataset = loadDataset(*data, loadOptions);
    if (options.maxRecords > 0 &&
        static_cast<long long>(dataset.issues.size()) > options.maxRecords) {
        dataset.issues.resize(static_cast<std::size_t>(options.maxRecords));
    }
    const CrossValidationResult result =
        crossValidate(options, dataset, cv, terminal, folds, interrupts.flag());
    if (json) {
        std::cout << nlohmann::json{{"event", "summary"},
                                    {"runs", result.folds.size()},
                                    {"cancelled", result.cancelled},
                                    {"macro_f1_mean", result.macroF1.mean},
                                    {"macro_f1_std", result.macroF1.std},
                                    {"accuracy_mean", result.accuracy.mean},
                                    {"accuracy_std", result.accuracy.std},
                                    {"train_seconds_mean", result.trainSeconds.mean}}
                         .dump()
                  << '\n';
    } else {
        printSummary(result, options.outDir);
    }
    return result.cancelled ? kExitInterrupted : kExitOk;
}

} // namespace

const Command kCvCommand = {"cv", kCvUsage, runCv};

} // namespace issuebert::cli
