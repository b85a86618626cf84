// Training flags into TrainOptions, shared by `train` and `cv`.
#include "app/cli/train_args.h"

#include "app/cli/model_args.h"
#include "core/io/errors.h"

#include <fstream>
#include <set>
#include <sstream>

namespace issuebert::cli {

namespace {

HelpSection dataAndModel() {
    return {"Data and model:",
            {{"train", "FILE", "labelled issues (MachineHack JSON, JSON Lines, CSV, fastText)"},
             {"val", "FILE", "validation issues (default: a stratified split of --train)"},
             {"val-split", "auto|F",
              "validation share of --train without --val; 0: no\n"
              "validation, train on all of --train and keep the\n"
              "last epoch's model. auto (default): 0.1 when that\n"
              "holds at least 30 issues per class on average, else 0"},
             {"max-records", "N", "use the first N issues of each file (default: all)"},
             {"model", "DIR|ID", "pretrained model folder or id (default: all-MiniLM-L6-v2)"},
             {"out", "RUN_DIR", "the run folder (new or empty)"},
             {"config", "FILE",
              "settings from a JSON file (config.json's keys);\n"
              "flags given here override it"},
             {"resume", "RUN_DIR", "continue a stopped or crashed run where it left off"}}};
}

HelpSection inputs() {
    return {"Inputs:",
            {{"max-len", "N|auto",
              "tokens per issue, 16-512 (default auto: fits 80 %\n"
              "of the training issues whole, rounded up to a\n"
              "multiple of 32, 64-256; the tutorial used 150)"},
             {"truncation", "head|head_tail",
              "what to keep of long issues: the start, or the\n"
              "first 128 tokens and the end (default head_tail)"},
             {"pair-title-body", nullptr, "title and body as a sentence pair"},
             {"clean", "none|all|STEPS",
              "clean issue text before tokenizing; STEPS is a\n"
              "comma-separated list of: comments (hidden <!-- -->),\n"
              "checklists (unticked \"- [ ]\" lines), code (fenced\n"
              "blocks cut to 200 bytes), traces (stack frames past\n"
              "the third), urls (URLs to their host, long paths to\n"
              "their last two parts) (default none)"}}};
}

HelpSection model() {
    return {"Model:",
            {{"head", "linear|mlp", "classifier head (mlp: the tutorial's 64-32 head)"},
             {"pooling", "pooler|cls|mean", "what feeds the head (default: the checkpoint's)"},
             {"dropout", "P", "hidden and attention dropout (default: the config's)"}}};
}

HelpSection optimisation() {
    return {"Optimisation:",
            {{"epochs", "N|auto",
              "(default auto: enough passes for 250 optimizer\n"
              "steps, 1 to 10; 4 for 2,200 issues, 1 for 10,000)"},
             {"batch-size", "N", "(default 32)"},
             {"grad-accum", "N", "batches per optimizer step (default 1)"},
             {"lr", "X|auto",
              "peak learning rate (default auto: 1e-4 x 384 /\n"
              "the model's hidden size; 1e-4 for MiniLM, 5e-5\n"
              "for BERT-base)"},
             {"warmup", "F", "share of steps warming up linearly (default 0.1)"},
             {"weight-decay", "X", "AdamW's decoupled weight decay (default 0.01)"},
             {"max-grad-norm", "X", "gradient clipping, 0 for none (default 1.0)"},
             {"layer-decay", "X",
              "layer-wise learning-rate decay: each encoder layer\n"
              "below the top learns X times the rate of the one\n"
              "above, the head at the full rate (default 1: none)"},
             {"class-weights", "none|balanced", ""},
             {"seed", "N", "(default 42)"}}};
}

HelpSection evaluation() {
    return {"Evaluation and checkpoints:",
            {{"eval-every", "N", "also evaluate every N steps (default: each epoch)"},
             {"early-stop", "accuracy|macro_f1",
              "the metric that picks the best model (default macro_f1)"},
             {"patience", "N",
              "evaluations without improvement before stopping,\n"
              "0 never (default 5)"},
             {"save-dtype", "fp32|fp16|bf16", "best/'s weights (default fp32)"}}};
}

HelpSection hardware() {
    return {"Hardware:",
            {{"device", "auto|cpu|cuda", "(default auto: CUDA when present)"},
             {"precision", "auto|fp32|bf16",
              "(default auto: bf16 autocast on CUDA and on\n"
              "processors with AVX512-BF16 or AMX, fp32 elsewhere;\n"
              "weights, optimizer state and loss stay fp32)"}}};
}

} // namespace

std::vector<HelpSection> trainSections() {
    return {dataAndModel(), inputs(), model(), optimisation(), evaluation(), hardware()};
}

OptionTable trainRecipeOptions() {
    const std::set<std::string> files = {"train", "val", "out", "resume"};
    OptionTable recipe;
    for (const HelpSection& section : trainSections()) {
        for (const Option& option : section.options) {
            if (files.count(option.name) == 0) {
                recipe.push_back(option);
            }
        }
    }
    return recipe;
}

std::optional<std::uint64_t> seedOption(const Args& args, const std::string& name) {
    const auto text = args.value(name);
    if (!text) {
        return std::nullopt;
    }
    try {
        std::size_t used = 0;
        const std::uint64_t seed = std::stoull(*text, &used);
        if (used != text->size() || text->front() == '-') {
            throw std::invalid_argument(name);
        }
        return seed;
    } catch (const std::exception&) {
        throw UsageError("--" + name + ": \"" + *text + "\" is not a whole number >= 0");
    }
}

double parseNumber(const Args& args, const std::string& name, double fallback) {
    const auto text = args.value(name);
    if (!text) {
        return fallback;
    }
    try {
        std::size_t used = 0;
        const double value = std::stod(*text, &used);
        if (used == text->size()) {
            return value;
        }
    } catch (const std::exception&) {
    }
    throw UsageError("--" + name + ": \"" + *text + "\" is not a number");
}

// TrainOptions from --config and then the flags.
std::optional<TextCleanup> cleanupOption(const Args& args) {
    const auto clean = args.value("clean");
    if (!clean) {
        return std::nullopt;
    }
    const auto cleanup = parseCleanup(*clean);
    if (!cleanup) {
        throw UsageError("--clean: \"" + *clean +
                         "\" is not none, all or a comma-separated list of comments, "
                         "checklists, code, traces, urls");
    }
    return cleanup;
}

Truncation truncationOption(const std::string& word) {
    const auto truncation = parseTruncation(word);
    if (!truncation) {
        throw UsageError("--truncation: \"" + word + "\" is not one of head, head_tail");
    }
    return *truncation;
}

TrainOptions optionsFromArgs(const Args& args) {
    TrainOptions o;
    if (const auto config = args.value("config")) {
        std::ifstream in(*config, std::ios::binary);
        if (!in) {
            throw DataError(*config + ": cannot open the settings file");
        }
        std::ostringstream text;
        text << in.rdbuf();
        o = trainOptionsFromJson(text.str(), *config, o);
    }
    o.trainPath = args.value("train").value_or(o.trainPath);
    o.valPath = args.value("val").value_or(o.valPath);
    o.model = args.value("model").value_or(o.model);
    o.outDir = args.value("out").value_or(o.outDir);
    o.valFraction = args.value("val-split") == "auto"
                        ? kAutoValFraction
                        : parseNumber(args, "val-split", o.valFraction);
    o.maxRecords = args.intValue("max-records", static_cast<int>(o.maxRecords), 0, 100'000'000);
    if (args.value("max-len") == "auto") {
        o.encoder.maxLength = kAutoMaxLength;
    } else {
        o.encoder.maxLength = args.intValue("max-len", o.encoder.maxLength, 1, 100'000);
    }
    if (const auto truncation = args.value("truncation")) {
        o.encoder.truncation = truncationOption(*truncation);
    }
    o.encoder.cleanup = cleanupOption(args).value_or(o.encoder.cleanup);
    if (args.flag("pair-title-body")) {
        o.encoder.pairTitleBody = true;
    }
    if (const auto head = args.value("head")) {
        o.head = parseHeadKind(*head);
        if (!o.head) {
            throw UsageError("--head: \"" + *head + "\" is not one of linear, mlp");
        }
    }
    if (const auto pooling = args.value("pooling")) {
        o.pooling = parsePooling(*pooling);
        if (!o.pooling) {
            throw UsageError("--pooling: \"" + *pooling + "\" is not one of pooler, cls, mean");
        }
    }
    o.dropout = parseNumber(args, "dropout", o.dropout);
    if (args.value("epochs") == "auto") {
        o.epochs = kAutoEpochs;
    } else {
        o.epochs = args.intValue("epochs", o.epochs, 1, 1000);
    }
    o.batchSize = args.intValue("batch-size", o.batchSize, 1, 4096);
    o.gradAccumulation = args.intValue("grad-accum", o.gradAccumulation, 1, 1024);
    o.learningRate =
        args.value("lr") == "auto" ? kAutoLearningRate : parseNumber(args, "lr", o.learningRate);
    if (args.value("lr") && o.learningRate == 0.0 && *args.value("lr") != "auto") {
        throw UsageError("--lr: learning rate 0 must be above 0 (or auto)");
    }
    o.warmupFraction = parseNumber(args, "warmup", o.warmupFraction);
    o.weightDecay = parseNumber(args, "weight-decay", o.weightDecay);
    o.maxGradNorm = parseNumber(args, "max-grad-norm", o.maxGradNorm);
    o.layerDecay = parseNumber(args, "layer-decay", o.layerDecay);
    parseChoice(args, "class-weights", o.classWeights, parseClassWeighting, "none, balanced");
    o.seed = seedOption(args, "seed").value_or(o.seed);
    o.evalEverySteps = args.intValue("eval-every", o.evalEverySteps, 0, 100'000'000);
    parseChoice(args, "early-stop", o.stopMetric, parseStopMetric, "accuracy, macro_f1");
    o.patience = args.intValue("patience", o.patience, 0, 100'000);
    parseChoice(args, "save-dtype", o.saveDtype, parseSaveDtype, "fp32, fp16, bf16");
    hardwareOptions(args, o.device, o.precision);
    return o;
}

} // namespace issuebert::cli
