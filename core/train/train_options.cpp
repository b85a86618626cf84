// Training options: the names of their choices, validation, and config.json.
#include "core/train/train_options.h"

#include "core/io/errors.h"
#include "core/io/json_depth.h"
#include "core/io/json_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace issuebert {

namespace {

// ordered_json keeps config.json in the order of kFields, as a person reads it.
using json = nlohmann::ordered_json;

// Shortest max length the trainer takes: below it a title barely fits.
constexpr int kMinTrainMaxLength = 16;
// Largest batch size, gradient accumulation and epoch count accepted.
constexpr int kMaxBatchSize = 4096;
constexpr int kMaxGradAccumulation = 1024;
constexpr int kMaxEpochs = 1000;
// Largest validation fraction: the rest must still train.
constexpr double kMaxValFraction = 0.9;

// A number as a person writes it: 2e-05, 0.1, 3.
std::string show(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

// One value read from a settings file; its errors name the file, the key and the value.
struct Reader {
    const std::string& source;
    const char* key;
    const json& value;

    [[noreturn]] void fail(const std::string& what) const {
        throw DataError(source + ": key \"" + key + "\": " + what);
    }
    [[noreturn]] void expected(const char* kind) const {
        fail(std::string("expected ") + kind + ", found " +
             value.dump(-1, ' ', false, json::error_handler_t::replace));
    }

    std::string string() const {
        if (!value.is_string()) {
            expected("a string");
        }
        return value.get<std::string>();
    }
    bool boolean() const {
        if (!value.is_boolean()) {
            expected("true or false");
        }
        return value.get<bool>();
    }
    double number() const {
        if (!value.is_number()) {
            expected("a number");
        }
        return value.get<double>();
    }
    long long longInteger() const {
        if (!value.is_number_integer()) {
            expected("a whole number");
        }
        if (value.is_number_unsigned() &&
            value.get<unsigned long long>() >
                static_cast<unsigned long long>(std::numeric_limits<long long>::max())) {
            fail(value.dump() + " is too large");
        }
        return value.get<long long>();
    }
    int integer() const {
        const long long n = longInteger();
        if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max()) {
            fail(value.dump() + " is out of range");
        }
        return static_cast<int>(n);
    }
    // A word parsed by parse; choices lists the accepted words for the message.
    template <class T>
    T word(std::optional<T> (*parse)(const std::string&), const char* choices) const {
        const std::string text = string();
        const std::optional<T> parsed = parse(text);
        if (!parsed) {
            fail("\"" + text + "\" is not " + choices);
        }
        return *parsed;
    }
};

// One key of config.json: how it is written and how it is read back.
struct Field {
    const char* key;
    json (*get)(const TrainOptions&);
    void (*set)(TrainOptions&, const Reader&);
};

// Every field of TrainOptions, in the order config.json lists them.
const Field kFields[] = {
    {"train_path", [](const TrainOptions& o) -> json { return o.trainPath; },
     [](TrainOptions& o, const Reader& r) { o.trainPath = r.string(); }},
    {"val_path", [](const TrainOptions& o) -> json { return o.valPath; },
     [](TrainOptions& o, const Reader& r) { o.valPath = r.string(); }},
    {"model", [](const TrainOptions& o) -> json { return o.model; },
     [](TrainOptions& o, const Reader& r) { o.model = r.string(); }},
    {"out_dir", [](const TrainOptions& o) -> json { return o.outDir; },
     [](TrainOptions& o, const Reader& r) { o.outDir = r.string(); }},
    {"val_fraction",
     [](const TrainOptions& o) -> json {
         return o.valFraction == kAutoValFraction ? json("auto") : json(o.valFraction);
     },
     [](TrainOptions& o, const Reader& r) {
         o.valFraction = r.value.is_string() && r.value == "auto" ? kAutoValFraction : r.number();
     }},
    {"max_records", [](const TrainOptions& o) -> json { return o.maxRecords; },
     [](TrainOptions& o, const Reader& r) { o.maxRecords = r.longInteger(); }},
    {"max_length", [](const TrainOptions& o) -> json { return o.encoder.maxLength; },
     [](TrainOptions& o, const Reader& r) { o.encoder.maxLength = r.integer(); }},
    {"truncation",
     [](const TrainOptions& o) -> json { return truncationName(o.encoder.truncation); },
     [](TrainOptions& o, const Reader& r) {
         o.encoder.truncation = r.word(&parseTruncation, "head or head_tail");
     }},
    {"pair_title_body", [](const TrainOptions& o) -> json { return o.encoder.pairTitleBody; },
     [](TrainOptions& o, const Reader& r) { o.encoder.pairTitleBody = r.boolean(); }},
    {"text_cleanup", [](const TrainOptions& o) -> json { return cleanupName(o.encoder.cleanup); },
     [](TrainOptions& o, const Reader& r) {
         const auto cleanup = parseCleanup(r.string());
         if (!cleanup) {
             r.fail("\"" + r.string() +
                    "\" is not none, all or a list of comments, checklists, code, traces, urls");
         }
         o.encoder.cleanup = *cleanup;
     }},
    {"head",
     [](const TrainOptions& o) -> json { return o.head ? json(headName(*o.head)) : json(); },
     [](TrainOptions& o, const Reader& r) {
         o.head = r.value.is_null() ? std::nullopt
                                    : std::optional(r.word(&parseHeadKind, "linear or mlp"));
     }},
    {"pooling",
     [](const TrainOptions& o) -> json {
         return o.pooling ? json(poolingName(*o.pooling)) : json();
     },
     [](TrainOptions& o, const Reader& r) {
         o.pooling = r.value.is_null()
                         ? std::nullopt
                         : std::optional(r.word(&parsePooling, "pooler, cls or mean"));
     }},
    {"dropout", [](const TrainOptions& o) -> json { return o.dropout; },
     [](TrainOptions& o, const Reader& r) { o.dropout = r.number(); }},
    {"epochs", [](const TrainOptions& o) -> json { return o.epochs; },
     [](TrainOptions& o, const Reader& r) { o.epochs = r.integer(); }},
    {"batch_size", [](const TrainOptions& o) -> json { return o.batchSize; },
     [](TrainOptions& o, const Reader& r) { o.batchSize = r.integer(); }},
    {"grad_accumulation", [](const TrainOptions& o) -> json { return o.gradAccumulation; },
     [](TrainOptions& o, const Reader& r) { o.gradAccumulation = r.integer(); }},
    {"learning_rate", [](const TrainOptions& o) -> json { return o.learningRate; },
     [](TrainOptions& o, const Reader& r) { o.learningRate = r.number(); }},
    {"warmup_fraction", [](const TrainOptions& o) -> json { return o.warmupFraction; },
     [](TrainOptions& o, const Reader& r) { o.warmupFraction = r.number(); }},
    {"weight_decay", [](const TrainOptions& o) -> json { return o.weightDecay; },
     [](TrainOptions& o, const Reader& r) { o.weightDecay = r.number(); }},
    {"layer_decay", [](const TrainOptions& o) -> json { return o.layerDecay; },
     [](TrainOptions& o, const Reader& r) { o.layerDecay = r.number(); }},
    {"max_grad_norm", [](const TrainOptions& o) -> json { return o.maxGradNorm; },
     [](TrainOptions& o, const Reader& r) { o.maxGradNorm = r.number(); }},
    {"class_weights",
     [](const TrainOptions& o) -> json { return classWeightingName(o.classWeights); },
     [](TrainOptions& o, const Reader& r) {
         o.classWeights = r.word(&parseClassWeighting, "none or balanced");
     }},
    {"seed", [](const TrainOptions& o) -> json { return o.seed; },
     [](TrainOptions& o, const Reader& r) {
         if (!r.value.is_number_unsigned()) {
             r.expected("a whole number, 0 or more");
         }
         o.seed = r.value.get<std::uint64_t>();
     }},
    {"eval_every_steps", [](const TrainOptions& o) -> json { return o.evalEverySteps; },
     [](TrainOptions& o, const Reader& r) { o.evalEverySteps = r.integer(); }},
    {"stop_metric", [](const TrainOptions& o) -> json { return stopMetricName(o.stopMetric); },
     [](TrainOptions& o, const Reader& r) {
         o.stopMetric = r.word(&parseStopMetric, "accuracy or macro_f1");
     }},
    {"patience", [](const TrainOptions& o) -> json { return o.patience; },
     [](TrainOptions& o, const Reader& r) { o.patience = r.integer(); }},
    {"save_dtype", [](const TrainOptions& o) -> json { return saveDtypeName(o.saveDtype); },
     [](TrainOptions& o, const Reader& r) {
         o.saveDtype = r.word(&parseSaveDtype, "float32, float16 or bfloat16");
     }},
    {"device", [](const TrainOptions& o) -> json { return deviceChoiceName(o.device); },
     [](TrainOptions& o, const Reader& r) {
         o.device = r.word(&parseDeviceChoice, "auto, cpu or cuda");
     }},
    {"precision", [](const TrainOptions& o) -> json { return precisionName(o.precision); },
     [](TrainOptions& o, const Reader& r) {
         o.precision = r.word(&parsePrecision, "auto, fp32 or bf16");
     }},
};

} // namespace

const char* classWeightingName(ClassWeighting value) {
    return value == ClassWeighting::Balanced ? "balanced" : "none";
}

const char* stopMetricName(StopMetric value) {
    return value == StopMetric::MacroF1 ? "macro_f1" : "accuracy";
}

std::optional<ClassWeighting> parseClassWeighting(const std::string& word) {
    for (ClassWeighting value : {ClassWeighting::None, ClassWeighting::Balanced}) {
        if (word == classWeightingName(value)) {
            return value;
        }
    }
    return std::nullopt;
}

std::optional<StopMetric> parseStopMetric(const std::string& word) {
    for (StopMetric value : {StopMetric::Accuracy, StopMetric::MacroF1}) {
        if (word == stopMetricName(value)) {
            return value;
        }
    }
    return std::nullopt;
}

std::vector<std::string> validateOptions(const TrainOptions& o) {
    std::vector<std::string> problems;
    const auto between = [&](const std::string& what, long long value, long long min,
                             long long max) {
        if (value < min || value > max) {
            problems.push_back(what + " " + std::to_string(value) + " must be between " +
                               std::to_string(min) + " and " + std::to_string(max));
        }
    };
    if (o.trainPath.empty()) {
        problems.push_back("no training file given");
    }
    if (o.outDir.empty()) {
        problems.push_back("no output folder given");
    }
    if (o.valFraction != kAutoValFraction &&
        !(o.valFraction >= 0.0 && o.valFraction <= kMaxValFraction)) {
        problems.push_back("validation fraction " + show(o.valFraction) +
                           " must be between 0 and " + show(kMaxValFraction) + " (or auto)");
    }
    if (o.maxRecords < 0) {
        problems.push_back("max records " + std::to_string(o.maxRecords) +
                           " must be 0 (all) or more");
    }
    if (o.encoder.maxLength != kAutoMaxLength) {
        between("max length", o.encoder.maxLength, kMinTrainMaxLength, kMaxMaxLength);
    }
    if (!(o.dropout < 1.0)) {
        problems.push_back("dropout " + show(o.dropout) +
                           " must be below 1 (below 0: the model's own)");
    }
    between("epochs", o.epochs, kAutoEpochs, kMaxEpochs); // 0: auto
    between("batch size", o.batchSize, 1, kMaxBatchSize);
    between("gradient accumulation", o.gradAccumulation, 1, kMaxGradAccumulation);
    if (!(o.learningRate >= 0.0 && o.learningRate <= 1.0)) {
        problems.push_back("learning rate " + show(o.learningRate) +
                           " must be above 0 and at most 1 (0: auto)");
    }
    if (!(o.warmupFraction >= 0.0 && o.warmupFraction < 1.0)) {
        problems.push_back("warmup fraction " + show(o.warmupFraction) +
                           " must be at least 0 and below 1");
    }
    if (!(o.weightDecay >= 0.0 && o.weightDecay < 1.0)) {
        problems.push_back("weight decay " + show(o.weightDecay) +
                           " must be at least 0 and below 1");
    }
    if (!(o.layerDecay > 0.0 && o.layerDecay <= 1.0)) {
        problems.push_back("layer-wise learning-rate decay " + show(o.layerDecay) +
                           " must be above 0 and at most 1 (1: none)");
    }
    if (!std::isfinite(o.maxGradNorm)) {
        problems.push_back("max gradient norm " + show(o.maxGradNorm) +
                           " must be a number (0 or below: no clipping)");
    }
    if (o.evalEverySteps < 0) {
        problems.push_back("evaluate every " + std::to_string(o.evalEverySteps) +
                           " steps: must be 0 (at each epoch's end) or more");
    }
    if (o.patience < 0) {
        problems.push_back("patience " + std::to_string(o.patience) +
                           " must be 0 (never stop early) or more");
    }
    return problems;
}

int autoEpochs(std::size_t trainIssues, int batchSize, int gradAccumulation) {
    const long long batches =
        (static_cast<long long>(trainIssues) + batchSize - 1) / std::max(1, batchSize);
    const long long steps =
        std::max(1LL, (batches + gradAccumulation - 1) / std::max(1, gradAccumulation));
    const long long epochs = (kAutoTargetSteps + steps - 1) / steps;
    return static_cast<int>(std::clamp<long long>(epochs, 1, kAutoMaxEpochs));
}

int autoMaxLength(std::vector<int> tokenCounts) {
    if (tokenCounts.empty()) {
        return kAutoMaxLengthMax;
    }
    // The smallest count at least kAutoMaxLengthCoverage of the issues stay within.
    const auto rank = static_cast<std::size_t>(
        std::ceil(kAutoMaxLengthCoverage * static_cast<double>(tokenCounts.size())));
    const auto nth =
        tokenCounts.begin() +
        static_cast<std::ptrdiff_t>(std::clamp<std::size_t>(rank, 1, tokenCounts.size()) - 1);
    std::nth_element(tokenCounts.begin(), nth, tokenCounts.end());
    const long long needed = static_cast<long long>(*nth) + 2; // [CLS] and [SEP]
    const long long rounded = (needed + 31) / 32 * 32;
    return static_cast<int>(std::clamp<long long>(rounded, kAutoMaxLengthMin, kAutoMaxLengthMax));
}

double autoValFraction(std::size_t trainIssues, std::size_t classes) {
    const double held = static_cast<double>(trainIssues) * kDefaultValFraction;
    return held >= static_cast<double>(kAutoValMinPerClass) * static_cast<double>(classes)
               ? kDefaultValFraction
               : 0.0;
}

double autoLearningRate(int hiddenSize) {
    return hiddenSize > 0 ? kAutoLearningRate384 * 384.0 / hiddenSize : kAutoLearningRate384;
}

TrainOptions resolveAuto(TrainOptions options, std::size_t trainIssues, int hiddenSize) {
    if (options.epochs == kAutoEpochs) {
        options.epochs = autoEpochs(trainIssues, options.batchSize, options.gradAccumulation);
    }
    if (options.learningRate == kAutoLearningRate) {
        options.learningRate = autoLearningRate(hiddenSize);
    }
    return options;
}

std::string trainOptionsToJson(const TrainOptions& options) {
    json root = json::object();
    for (const Field& field : kFields) {
        root[field.key] = field.get(options);
    }
    // replace: a path in a legacy encoding must not stop the run folder being written.
    return root.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

TrainOptions trainOptionsFromJson(const std::string& text, const std::string& source,
                                  TrainOptions options) {
    if (jsonTooDeep(text)) {
        throw DataError(source + ": " + jsonDepthMessage() + "; not a file of training settings");
    }
    json root;
    try {
        root = json::parse(text);
    } catch (const json::exception& e) { // out_of_range too: a number too large
        throw DataError(source + ": not valid JSON (" + jsonErrorText(e) + ")");
    }
    if (!root.is_object()) {
        throw DataError(source + ": expected a JSON object of training settings");
    }
    for (const auto& [key, value] : root.items()) {
        const Field* field = nullptr;
        for (const Field& candidate : kFields) {
            if (key == candidate.key) {
                field = &candidate;
                break;
            }
        }
        if (field == nullptr) {
            throw DataError(source + ": unknown key \"" + key + "\"");
        }
        field->set(options, Reader{source, field->key, value});
    }
    return options;
}

} // namespace issuebert
