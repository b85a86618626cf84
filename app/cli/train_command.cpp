// `issuebert-cli train`: fine-tune a model on a labelled file into a run
// folder, with a progress line, Ctrl-C to stop (the best model kept) and
// --resume to continue.
#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/dataset_args.h"
#include "app/cli/interrupt.h"
#include "app/cli/model_args.h"
#include "app/cli/progress.h"
#include "app/cli/train_args.h"
#include "core/data/loader.h"
#include "core/eval/metrics.h"
#include "core/io/atomic_file.h"
#include "core/io/errors.h"
#include "core/train/trainer.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace issuebert::cli {

namespace {

constexpr const char* kTrainHelp =
    R"(usage: issuebert-cli train --train FILE --out RUN_DIR [options]
       issuebert-cli train --resume RUN_DIR [--json]

Fine-tune a pretrained BERT on labelled issues. The run folder receives
config.json, metrics.jsonl, best/ (the best model by validation score, a
Hugging Face folder) and last/ (the latest checkpoint, for --resume).
Ctrl-C stops after the current batch and keeps everything (exit code 130).

Data and model:
  --train FILE               labelled issues (MachineHack JSON, JSON Lines, CSV, fastText)
  --val FILE                 validation issues (default: a stratified split of --train)
  --val-split auto|F         validation share of --train without --val; 0: no
                             validation, train on all of --train and keep the
                             last epoch's model. auto (default): 0.1 when that
                             holds at least 30 issues per class on average, else 0
  --max-records N            use the first N issues of each file (default: all)
  --model DIR|ID             pretrained model folder or id (default: all-MiniLM-L6-v2)
  --out RUN_DIR              the run folder (new or empty)
  --config FILE              settings from a JSON file (config.json's keys);
                             flags given here override it
  --resume RUN_DIR           continue a stopped or crashed run where it left off

Inputs:
  --max-len N|auto           tokens per issue, 16-512 (default auto: fits 80 %
                             of the training issues whole, rounded up to a
                             multiple of 32, 64-256; the tutorial used 150)
  --truncation head|head_tail
                             what to keep of long issues: the start, or the
                             first 128 tokens and the end (default head_tail)
  --pair-title-body          title and body as a sentence pair
  --clean none|all|STEPS     clean issue text before tokenizing; STEPS is a
                             comma-separated list of: comments (hidden <!-- -->),
                             checklists (unticked "- [ ]" lines), code (fenced
                             blocks cut to 200 bytes), traces (stack frames past
                             the third), urls (URLs to their host, long paths to
                             their last two parts) (default none)

Model:
  --head linear|mlp          classifier head (mlp: the tutorial's 64-32 head)
  --pooling pooler|cls|mean  what feeds the head (default: the checkpoint's)
  --dropout P                hidden and attention dropout (default: the config's)

Optimisation:
  --epochs N|auto            (default auto: enough passes for 250 optimizer
                             steps, 1 to 10; 4 for 2,200 issues, 1 for 10,000)
  --batch-size N             (default 32)
  --grad-accum N             batches per optimizer step (default 1)
  --lr X|auto                peak learning rate (default auto: 1e-4 x 384 /
                             the model's hidden size; 1e-4 for MiniLM, 5e-5
                             for BERT-base)
  --warmup F                 share of steps warming up linearly (default 0.1)
  --weight-decay X           AdamW's decoupled weight decay (default 0.01)
  --max-grad-norm X          gradient clipping, 0 for none (default 1.0)
  --layer-decay X            layer-wise learning-rate decay: each encoder layer
                             below the top learns X times the rate of the one
                             above, the head at the full rate (default 1: none)
  --class-weights none|balanced
  --seed N                   (default 42)

Evaluation and checkpoints:
  --eval-every N             also evaluate every N steps (default: each epoch)
  --early-stop accuracy|macro_f1
                             the metric that picks the best model (default macro_f1)
  --patience N               evaluations without improvement before stopping,
                             0 never (default 5)
  --save-dtype fp32|fp16|bf16
                             best/'s weights (default fp32)

Hardware:
  --device auto|cpu|cuda     (default auto: CUDA when present)
  --precision auto|fp32|bf16 (default auto: bf16 autocast on CUDA and on
                             processors with AVX512-BF16 or AMX, fp32 elsewhere;
                             weights, optimizer state and loss stay fp32)

Dataset fields (for every file read):
)" ISSUEBERT_DATASET_OPTIONS_HELP R"(
Output:
  --json                     every event as a JSON line on stdout
  --help                     show this help

Exit codes: 0 done, 1 training failed, 2 bad input, 130 stopped by Ctrl-C.
)";

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
    const auto options = datasetValueOptions();
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

int runTrain(const std::vector<std::string>& words) {
    const Args args(words, withDatasetOptions(trainValueOptions()), {"json", "pair-title-body"});
    if (!args.positional().empty()) {
        throw UsageError("train: unexpected \"" + args.positional().front() + "\"");
    }
    const bool resuming = args.value("resume").has_value();
    TrainOptions options;
    std::vector<std::string> dataWords = datasetWords(words);
    if (resuming) {
        // A resumed run continues with exactly its own settings: any other
        // training flag would change the run it claims to continue.
        const auto dataset = datasetValueOptions();
        for (const std::string& word : words) {
            if (word.rfind("--", 0) != 0) {
                continue;
            }
            const std::string name = word.substr(
                2, word.find('=') == std::string::npos ? std::string::npos : word.find('=') - 2);
            if (name != "resume" && name != "json" && dataset.count(name) == 0) {
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
    const Args dataArgs(dataWords, datasetValueOptions(), {});
    const LoadOptions loadOptions = datasetLoadOptions(dataArgs);

    ProgressOptions progress;
    progress.mode = detectProgressMode(args.flag("json"));
    TerminalListener terminal(progress.mode == ProgressMode::Json ? std::cout : std::cerr,
                              progress);
    RunListener listener(terminal, RunFolder{options.outDir}.root + "/" + kDataOptionsFile,
                         dataWords);

    Trainer trainer(options); // validates the settings before any file is read
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
    if (progress.mode != ProgressMode::Json) {
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

const Command kTrainCommand = {"train", kTrainHelp, runTrain};

} // namespace issuebert::cli
