// `issuebert-cli train`: fine-tune a model on a labelled file into a run
// folder, with a progress line, Ctrl-C to stop (the best model kept) and
// --resume to continue.
#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/dataset_args.h"
#include "app/cli/interrupt.h"
#include "app/cli/launch.h"
#include "app/cli/model_args.h"
#include "app/cli/progress.h"
#include "app/cli/train_args.h"
#include "core/data/loader.h"
#include "core/eval/metrics.h"
#include "core/io/atomic_file.h"
#include "core/io/errors.h"
#include "core/train/distributed.h"
#include "core/train/trainer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

namespace issuebert::cli {

namespace {

constexpr const char* kTrainHead =
    R"(usage: issuebert-cli train --train FILE --out RUN_DIR [options]
       issuebert-cli train --resume RUN_DIR [--json] [--nproc N]

Fine-tune a pretrained BERT on labelled issues. The run folder receives
config.json, metrics.jsonl, best/ (the best model by validation score, a
Hugging Face folder) and last/ (the latest checkpoint, for --resume).
Ctrl-C stops after the current batch and keeps everything (exit code 130).

)";

std::vector<HelpSection> trainHelpSections() {
    std::vector<HelpSection> sections = trainSections();
    sections.push_back({"Processes:", processOptionTable("training on its share of every batch")});
    sections.push_back({"Dataset fields (for every file read):", datasetOptionTable()});
    sections.push_back(
        {"Output:", {{"json", nullptr, "every event as a JSON line on stdout"}, kHelpOption}});
    return sections;
}

const Usage kTrainUsage = {
    kTrainHead, trainHelpSections(),
    "\nExit codes: 0 done, 1 training failed, 2 bad input, 130 stopped by Ctrl-C.\n", kHelpColumn};

// The dataset options of a run, kept in the run folder for --resume.
constexpr const char* kDataOptionsFile = "cli_data_options.json";

Dataset loadFile(const std::string& path, const LoadOptions& loadOptions, long long maxRecords,
                 TrainingListener& listener) {
    listener.onMessage("Loading " + path);
    Dataset dataset = loadDataset(path, loadOptions);
    if (maxRecords > 0 && static_cast<long long>(dataset.issues.size()) > maxRecords) {
        dataset.issues.resize(static_cast<std::size_t>(maxRecords));
    }
    return dataset;
}

// The dataset option words of this command line, or those a resumed run kept.
std::vector<std::string> datasetWords(const std::vector<std::string>& words) {
    const auto options = optionNames(datasetOptionTable());
    std::vector<std::string> kept;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& word = words[i];
        if (word.rfind("--", 0) != 0) {
            continue;
        }
        const std::string name = word.substr(
            2, word.find('=') == std::string::npos ? std::string::npos : word.find('=') - 2);
        if (options.count(name) == 0) {
            continue;
        }
        kept.push_back(word);
        if (word.find('=') == std::string::npos && i + 1 < words.size()) {
            kept.push_back(words[++i]);
        }
    }
    return kept;
}

// Passes events on to the progress display and, at the first step (the run
// folder exists by then), keeps the dataset options for --resume.
class RunListener : public ForwardingListener {
public:
    RunListener(TerminalListener& inner, std::string path, std::vector<std::string> words)
        : ForwardingListener(inner), m_path(std::move(path)), m_words(std::move(words)) {}
    void onStep(const StepEvent& e) override {
        if (!m_written) {
            m_written = true;
            if (!std::filesystem::exists(m_path)) {
                writeFileAtomically(m_path, [&](std::ostream& out) {
                    out << nlohmann::json(m_words).dump() << '\n';
                });
            }
        }
        ForwardingListener::onStep(e);
    }

private:
    std::string m_path;
    std::vector<std::string> m_words;
    bool m_written = false;
};

void printSummary(const FinishedEvent& result, const TrainOptions& options) {
    const RunFolder folder{options.outDir};
    std::ostringstream out;
    out << '\n';
    if (!result.bestPath.empty()) {
        const std::string infoPath = result.bestPath + "/issuebert.json";
        std::ifstream in(infoPath, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        try {
            const auto info = nlohmann::json::parse(text.str());
            const auto& m = info.at("metrics");
            out << "Best model (epoch " << result.bestEpoch << ") on the validation set: accuracy "
                << m.at("accuracy").get<double>() << ", macro-F1 " << m.at("macro_f1").get<double>()
                << "\n";
        } catch (const std::exception&) {
            // The summary is a courtesy; the files are what matter.
        }
    }
    out << "Run folder   " << options.outDir << "\n"
        << "  best/          the best model (a Hugging Face folder): evaluate or predict with "
           "--model "
        << folder.bestDir() << "\n"
        << "  last/          the latest checkpoint: issuebert-cli train --resume " << options.outDir
        << "\n"
        << "  metrics.jsonl  every step and evaluation\n"
        << "  config.json    the settings\n";
    std::cout << out.str();
}

int trainAs(const Args& args, DistributedGroup* group);

int runTrain(const Args& args) {
    if (!args.positional().empty()) {
        throw UsageError("train: unexpected \"" + args.positional().front() + "\"");
    }
    return runAsProcesses(args, "train",
                          [&args](DistributedGroup* group) { return trainAs(args, group); });
}

int trainAs(const Args& args, DistributedGroup* group) {
    const std::vector<std::string>& words = args.words();
    const bool resuming = args.value("resume").has_value();
    TrainOptions options;
    std::vector<std::string> dataWords = datasetWords(words);
    if (resuming) {
        // A resumed run continues with exactly its own settings: any other
        // training flag would change the run it claims to continue.
        const auto dataset = optionNames(datasetOptionTable());
        for (const std::string& word : words) {
            if (word.rfind("--", 0) != 0) {
                continue;
            }
            const std::string name = word.substr(
                2, word.find('=') == std::string::npos ? std::string::npos : word.find('=') - 2);
            if (name != "resume" && name != "json" && name != "nproc" && name != "dist-timeout" &&
                dataset.count(name) == 0) {
                throw UsageError(
                    "--resume continues with the run's own settings (its config.json); drop --" +
                    name);
            }
        }
        if (!canResume(*args.value("resume"))) {
            throw DataError(*args.value("resume") +
                            ": not a run that can be resumed (it needs the config.json that "
                            "issuebert-cli train writes before its first step)");
        }
        options = readRunOptions(*args.value("resume"));
        options.outDir = *args.value("resume");
        const std::string kept = RunFolder{options.outDir}.root + "/" + kDataOptionsFile;
        if (std::ifstream in{kept}; in && dataWords.empty()) {
            try {
                dataWords = nlohmann::json::parse(in).get<std::vector<std::string>>();
            } catch (const nlohmann::json::exception&) {
                throw DataError(kept + ": not a JSON list of options");
            }
        }
    } else {
        options = optionsFromArgs(args);
        if (options.trainPath.empty()) {
            throw UsageError("train: --train FILE is required");
        }
        if (options.outDir.empty()) {
            throw UsageError("train: --out RUN_DIR is required");
        }
    }
    const Args dataArgs(dataWords, datasetOptionTable());
    const LoadOptions loadOptions = datasetLoadOptions(dataArgs);

    ProgressOptions progress;
    progress.mode = detectProgressMode(args.flag("json"));
    TerminalListener terminal(progress.mode == ProgressMode::Json ? std::cout : std::cerr,
                              progress);
    RunListener reporting(terminal, RunFolder{options.outDir}.root + "/" + kDataOptionsFile,
                          dataWords);
    // Rank 0 alone reports and writes; the other ranks work quietly.
    TrainingListener quiet;
    const bool reports = group == nullptr || group->isMain();
    TrainingListener& listener = reports ? static_cast<TrainingListener&>(reporting) : quiet;

    Trainer trainer(options); // validates the settings before any file is read
    if (group != nullptr) {
        trainer.setDataParallel(group->parallel());
        listener.onMessage("Data parallel: " + std::to_string(group->size()) +
                           " processes, each on its share of every batch");
    }
    TrainData data;
    data.train = loadFile(options.trainPath, loadOptions, options.maxRecords, listener);
    if (!options.valPath.empty()) {
        data.validation = loadFile(options.valPath, loadOptions, options.maxRecords, listener);
        if (data.validation.issues.empty()) {
            throw DataError(options.valPath + ": no issues to validate on");
        }
    }

    FinishedEvent result;
    {
        // From here the first Ctrl-C stops after the current batch; while the
        // files load it ends the process, as nothing is written yet.
        const InterruptGuard interrupts;
        result = resuming ? trainer.resume(data, listener, interrupts.flag())
                          : trainer.run(data, listener, interrupts.flag());
    }
    if (group != nullptr && result.outcome == RunOutcome::Failed) {
        group->reportFailure(result.message);
    }
    if (reports && progress.mode != ProgressMode::Json) {
        printSummary(result, options);
    }
    switch (result.outcome) {
    case RunOutcome::Finished:
    case RunOutcome::EarlyStopped:
        return kExitOk;
    case RunOutcome::Cancelled:
        return kExitInterrupted;
    case RunOutcome::Failed:
        return kExitInternal;
    }
    return kExitInternal;
}

} // namespace

const Command kTrainCommand = {"train", kTrainUsage, runTrain};

} // namespace issuebert::cli
