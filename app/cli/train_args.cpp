// Training flags into TrainOptions, shared by `train` and `cv`.
#include "app/cli/train_args.h"

#include "app/cli/model_args.h"
#include "core/io/errors.h"

#include <fstream>
#include <sstream>

namespace issuebert::cli {

std::set<std::string> trainValueOptions() {
    return {"train",        "val",           "model",       "out",           "config", "resume",
            "val-split",    "max-records",   "max-len",     "truncation",    "head",   "pooling",
            "dropout",      "epochs",        "batch-size",  "grad-accum",    "lr",     "warmup",
            "weight-decay", "max-grad-norm", "layer-decay", "class-weights", "seed",   "eval-every",
            "early-stop",   "patience",      "save-dtype",  "clean",         "device", "precision"};
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
