// A run's set-up (see session.h).
#include "core/train/session.h"

#include "core/data/issue_encoding.h"
#include "core/data/split.h"
#include "core/eval/label_alignment.h"
#include "core/io/errors.h"
#include "core/model/autocast.h"
#include "core/text/tokenizer.h"
#include "core/train/checkpoint.h"

#include <algorithm>
#include <iomanip>
#include <numeric>
#include <sstream>

namespace issuebert {

namespace {

std::string percent(double fraction) {
    std::ostringstream out;
    out.precision(1);
    out << std::fixed << fraction * 100.0 << "%";
    return out.str();
}

// The labels of a training or validation file in the training set's class order.
std::vector<int> mapLabels(const Dataset& dataset, const std::vector<std::string>& labels) {
    const std::vector<int> truth =
        truthInModelOrder(dataset.issues, dataset.labels.names(), labels);
    for (std::size_t row = 0; row < truth.size(); ++row) {
        const Issue& issue = dataset.issues[row];
        if (truth[row] == kNoLabel) {
            throw DataError(atRecord(dataset.path, static_cast<long long>(row) + 1,
                                     "issue \"" + issue.id +
                                         "\" has no label; every issue used for training "
                                         "or validation needs one"));
        }
        if (truth[row] == kUnknownToModel) {
            throw DataError(atRecord(dataset.path, static_cast<long long>(row) + 1,
                                     "label \"" + dataset.labels.name(issue.label) +
                                         "\" does not occur in the training data"));
        }
    }
    return truth;
}

// The auto max length for issues (kAutoMaxLength), from their token counts
// as the encoder sees them (clean-up included), said to listener.
int chooseMaxLength(const Tokenizer& tokenizer, EncoderOptions options,
                    const std::vector<Issue>& issues, int modelMaxLength,
                    TrainingListener& listener, const std::atomic<bool>* cancel) {
    options.maxLength = kMaxMaxLength; // counting only: tokenCount is before truncation
    const Encoder counter(tokenizer, options);
    std::vector<int> counts;
    counts.reserve(issues.size());
    for (const auto& encoding : encodeAll(counter, issues, 0, {}, cancel)) {
        counts.push_back(encoding.tokenCount);
    }
    const int chosen = std::min(autoMaxLength(counts), std::max(kMinMaxLength, modelMaxLength));
    const auto fit =
        std::count_if(counts.begin(), counts.end(), [&](int count) { return count <= chosen - 2; });
    listener.onMessage(
        "Max length (auto): " + std::to_string(chosen) + ", which fits " +
        percent(counts.empty() ? 1.0
                               : static_cast<double>(fit) / static_cast<double>(counts.size())) +
        " of the training issues whole (auto fits " +
        std::to_string(static_cast<int>(kAutoMaxLengthCoverage * 100)) + " %, within " +
        std::to_string(kAutoMaxLengthMin) + " to " + std::to_string(kAutoMaxLengthMax) + ")");
    return chosen;
}

std::string autoValidationMessage(double fraction, std::size_t trainIssues, std::size_t classes) {
    const double perClass = static_cast<double>(trainIssues) * kDefaultValFraction /
                            static_cast<double>(std::max<std::size_t>(1, classes));
    std::ostringstream message;
    message << "Validation (auto): ";
    if (fraction > 0.0) {
        message << static_cast<int>(kDefaultValFraction * 100) << " % of the training issues, "
                << "stratified by class";
    } else {
        message << "none; " << static_cast<int>(kDefaultValFraction * 100) << " % of "
                << trainIssues << " issues would be " << std::fixed << std::setprecision(1)
                << perClass << " per class, too few to choose the epoch (auto validates from "
                << kAutoValMinPerClass
                << " per class), so all of them train and best/ keeps the last epoch's model";
    }
    return message.str();
}

// Which training issues train and which validate, and how many of each class train.
struct Rows {
    std::vector<std::size_t> train;
    std::vector<std::size_t> validation; // of the training file (a split); empty with a file
    std::vector<int> perClass;           // training issues per class
};

// Labels in class order, the validation split (auto: chosen and said here),
// and the checks that training can start: two classes, a split that holds issues.
Rows chooseRows(Session& s, const TrainOptions& options, const TrainData& data,
                const std::string& trainPath, TrainingListener& listener) {
    s.labels = data.train.labels.names();
    s.trainLabels = mapLabels(data.train, s.labels);
    Rows rows;
    rows.train.resize(data.train.issues.size());
    std::iota(rows.train.begin(), rows.train.end(), std::size_t{0});
    const bool separateValidation = !data.validation.issues.empty();
    if (separateValidation) {
        s.validationLabels = mapLabels(data.validation, s.labels);
    } else {
        s.valFraction = options.valFraction;
        if (options.valFraction == kAutoValFraction) {
            s.valFraction = autoValFraction(s.trainLabels.size(), s.labels.size());
            listener.onMessage(
                autoValidationMessage(s.valFraction, s.trainLabels.size(), s.labels.size()));
        }
    }
    if (!separateValidation && s.valFraction > 0.0) {
        auto split = stratifiedSplit(s.trainLabels, s.valFraction, options.seed);
        rows.train = std::move(split.train);
        rows.validation = std::move(split.validation);
    }
    rows.perClass.assign(s.labels.size(), 0);
    for (const auto row : rows.train) {
        ++rows.perClass[static_cast<std::size_t>(s.trainLabels[row])];
    }
    const auto present =
        std::count_if(rows.perClass.begin(), rows.perClass.end(), [](int n) { return n > 0; });
    if (present < 2) {
        throw DataError(trainPath + ": training needs issues of at least two classes; found " +
                        std::to_string(present));
    }
    if (!separateValidation && s.valFraction > 0.0 && rows.validation.empty()) {
        throw DataError(trainPath + ": the validation split is empty; raise the validation "
                                    "fraction or give a validation file");
    }
    return rows;
}

// The training and validation issues tokenized (auto max length chosen
// first), their lengths and the fingerprint resume checks. Returns how many
// training issues were cut.
long long tokenize(Session& s, const TrainOptions& options, const TrainData& data, const Rows& rows,
                   const Tokenizer& tokenizer, TrainingListener& listener,
                   const std::atomic<bool>* cancel) {
    EncoderOptions encoderOptions = options.encoder;
    encoderOptions.padToMaxLength = false; // the batcher pads each batch to its longest member
    std::vector<Issue> trainIssues;
    trainIssues.reserve(rows.train.size());
    std::vector<Issue> validationIssues;
    if (!data.validation.issues.empty()) {
        validationIssues = data.validation.issues;
    }
    std::vector<int> trainLabels;
    for (const auto row : rows.train) {
        trainIssues.push_back(data.train.issues[row]);
        trainLabels.push_back(s.trainLabels[row]);
    }
    for (const auto row : rows.validation) {
        validationIssues.push_back(data.train.issues[row]);
        s.validationLabels.push_back(s.trainLabels[row]);
    }
    s.trainLabels = std::move(trainLabels);
    if (encoderOptions.maxLength == kAutoMaxLength) {
        encoderOptions.maxLength =
            chooseMaxLength(tokenizer, encoderOptions, trainIssues,
                            s.folder.config.maxPositionEmbeddings, listener, cancel);
    }
    s.maxLength = encoderOptions.maxLength;
    const Encoder encoder(tokenizer, encoderOptions);
    listener.onMessage("Tokenizing " +
                       std::to_string(trainIssues.size() + validationIssues.size()) +
                       " issues (max length " + std::to_string(encoderOptions.maxLength) + ")");
    s.train = encodeAll(encoder, trainIssues, 0, {}, cancel);
    s.validation = encodeAll(encoder, validationIssues, 0, {}, cancel);
    long long truncated = 0;
    Fingerprint fingerprint;
    for (std::size_t i = 0; i < s.train.size(); ++i) {
        s.trainLengths.push_back(static_cast<int>(s.train[i].inputIds.size()));
        truncated += s.train[i].truncated ? 1 : 0;
        fingerprint.add(s.train[i].inputIds);
        fingerprint.add(s.trainLabels[i]);
    }
    for (std::size_t i = 0; i < s.validation.size(); ++i) {
        fingerprint.add(s.validation[i].inputIds);
        fingerprint.add(s.validationLabels[i]);
    }
    s.fingerprint = fingerprint.hex();
    return truncated;
}

// "Training on N issues, validating on …; 3 classes: bug 820, …; 22.0% truncated at 256 tokens".
std::string trainingSummary(const Session& s, const TrainData& data, const Rows& rows,
                            long long truncated) {
    std::ostringstream summary;
    summary << "Training on " << s.train.size() << " issues, ";
    if (s.validation.empty()) {
        summary << "no validation (the last epoch's model is kept)";
    } else {
        summary << "validating on " << s.validation.size()
                << (!data.validation.issues.empty() ? " (" + fileName(data.validation.path) + ")"
                                                    : " (a stratified split)");
    }
    summary << "; " << s.labels.size() << " classes:";
    for (std::size_t c = 0; c < s.labels.size(); ++c) {
        summary << (c == 0 ? " " : ", ") << s.labels[c] << " " << rows.perClass[c];
    }
    summary << "; " << percent(static_cast<double>(truncated) / static_cast<double>(s.train.size()))
            << " truncated at " << s.maxLength << " tokens";
    return summary.str();
}

// The classifier on its device, seeded, with the head, pooling, dropout and
// precision asked for; what loading found and what runs where, said.
void buildModel(Session& s, const TrainOptions& options, TrainingListener& listener) {
    s.device = torchDevice(options.device);
    const bool cuda = s.device.is_cuda();
    const PrecisionChoice precision = choosePrecisionFor(options.precision, s.device);
    s.bf16 = precision.bf16;

    if (options.dropout >= 0.0) {
        s.folder.config.hiddenDropoutProb = options.dropout;
        s.folder.config.attentionProbsDropoutProb = options.dropout;
    }
    ClassifierOptions classifierOptions = defaultClassifierOptions(s.folder, s.labels);
    if (options.head) {
        classifierOptions.head = *options.head;
    }
    if (options.pooling) {
        classifierOptions.pooling = *options.pooling;
    }
    torch::manual_seed(options.seed); // the new head's initialisation, then dropout
    if (cuda) {
        torch::cuda::manual_seed_all(options.seed);
    }
    LoadReport report;
    s.model = loadClassifier(s.folder, classifierOptions, &report);
    s.model->to(s.device);
    for (const auto& line : report.messages()) {
        listener.onMessage(line);
    }
    listener.onMessage("Model " + s.folder.path() + ": " +
                       std::to_string(parameterCount(*s.model) / 1000000) + "M parameters, head " +
                       headName(classifierOptions.head) + ", pooling " +
                       poolingName(classifierOptions.pooling) + "; device " +
                       (cuda ? std::string("CUDA")
                             : "CPU (" + std::to_string(at::get_num_threads()) + " threads)") +
                       "; " + precision.reason);
}

// n / (classes * n_class) per class, as scikit-learn's "balanced"; 0 for a
// class with no training issue.
std::vector<float> balancedWeights(const std::vector<int>& perClass, std::size_t trainIssues) {
    std::vector<float> weights(perClass.size(), 0.0F);
    const auto n = static_cast<double>(trainIssues);
    for (std::size_t c = 0; c < weights.size(); ++c) {
        weights[c] =
            perClass[c] == 0
                ? 0.0F
                : static_cast<float>(n / (static_cast<double>(weights.size()) * perClass[c]));
    }
    return weights;
}

} // namespace

Session setUpSession(const TrainOptions& options, const TrainData& data,
                     const std::string& modelSource, TrainingListener& listener,
                     const std::atomic<bool>* cancel) {
    Session s;
    const std::string& trainPath = data.train.path.empty() ? options.trainPath : data.train.path;
    if (data.train.issues.empty()) {
        throw DataError(trainPath + ": no issues to train on");
    }
    const Rows rows = chooseRows(s, options, data, trainPath, listener);

    s.folder = openModelFolder(modelSource);
    const Tokenizer tokenizer = Tokenizer::fromModelDir(s.folder.path());
    if (tokenizer.vocab().size() > s.folder.config.vocabSize) {
        throw ModelError(
            s.folder.path() + ": vocab.txt has " + std::to_string(tokenizer.vocab().size()) +
            " tokens but config.json's vocab_size is " + std::to_string(s.folder.config.vocabSize));
    }
    const long long truncated = tokenize(s, options, data, rows, tokenizer, listener, cancel);
    listener.onMessage(trainingSummary(s, data, rows, truncated));

    buildModel(s, options, listener);
    if (options.classWeights == ClassWeighting::Balanced) {
        const std::vector<float> weights = balancedWeights(rows.perClass, s.trainLabels.size());
        std::ostringstream said;
        said << std::fixed << std::setprecision(2) << "Class weights (balanced):";
        for (std::size_t c = 0; c < weights.size(); ++c) {
            said << (c == 0 ? " " : ", ") << s.labels[c] << " " << weights[c];
        }
        listener.onMessage(said.str());
        s.classWeights = torch::tensor(weights).to(s.device);
    }
    return s;
}

} // namespace issuebert
