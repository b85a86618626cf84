// Predictor: a fine-tuned folder's classifier over issues — batched
// probabilities, one issue's, and gradient × input attributions.
#include "core/eval/predictor.h"

#include "core/data/issue_encoding.h"
#include "core/eval/attribution.h"
#include "core/eval/inference.h"
#include "core/io/errors.h"
#include "core/model/autocast.h"
#include "core/model/model_folder.h"

#include <torch/torch.h>

#include <dlfcn.h>

#include <algorithm>
#include <sstream>

namespace issuebert {

namespace {

const PredictorOptions& checked(const PredictorOptions& options) {
    if (options.batchSize < 1) {
        throw DataError("batch size " + std::to_string(options.batchSize) + " must be at least 1");
    }
    // Checked here too (applyThreshold checks it), so a bad value fails at
    // open rather than after a whole dataset's forward passes.
    if (!(options.threshold >= 0.0F && options.threshold <= 1.0F)) {
        std::ostringstream message;
        message << "confidence threshold " << options.threshold << " is outside [0, 1]";
        throw DataError(message.str());
    }
    return options;
}

std::vector<std::string> requireLabels(const ModelFolder& folder) {
    std::vector<std::string> labels = folderLabels(folder);
    if (labels.empty()) {
        throw ModelError(folder.path() +
                         ": no class labels (config.json has no id2label and there is no "
                         "issuebert.json): a pretrained model; fine-tune it on labelled issues "
                         "before predicting with it");
    }
    return labels;
}

// A saved fine-tune's input settings: the max length and truncation it learnt
// with. Otherwise the defaults, within the model's positions. Unpadded: each
// batch is padded to its longest member.
EncoderOptions inputOptions(const ModelFolder& folder) {
    EncoderOptions options = folder.saved ? folder.saved->encoder : EncoderOptions{};
    if (!folder.saved) {
        options.maxLength = std::min(options.maxLength, folder.config.maxPositionEmbeddings);
    }
    options.padToMaxLength = false;
    return options;
}

// BertModel checks ids against vocab_size on the CPU only; this check covers CUDA.
void checkVocabulary(const ModelFolder& folder, const Tokenizer& tokenizer,
                     const EncoderOptions& input) {
    const int tokens = tokenizer.vocab().size();
    if (tokens > folder.config.vocabSize) {
        throw ModelError(folder.path() + ": vocab.txt has " + std::to_string(tokens) +
                         " tokens but config.json's vocab_size is " +
                         std::to_string(folder.config.vocabSize) +
                         "; the vocabulary is not this model's");
    }
    if (input.pairTitleBody && folder.config.typeVocabSize < 2) {
        throw ModelError(folder.path() +
                         ": issuebert.json pairs title and body, but config.json's "
                         "type_vocab_size is " +
                         std::to_string(folder.config.typeVocabSize));
    }
}

// A classifier head (or, under pooler pooling, a pooler) that the checkpoint
// lacks would start random: predictions from it would be noise.
void requireTrainedHead(const LoadReport& report, Pooling pooling) {
    std::vector<std::string> fresh = report.resized;
    for (const std::string& key : report.missing) {
        if (key.rfind("classifier.", 0) == 0 ||
            (pooling == Pooling::Pooler && key.find("pooler.") != std::string::npos)) {
            fresh.push_back(key);
        }
    }
    if (!fresh.empty()) {
        throw ModelError(report.checkpoint + ": no trained weights for \"" + fresh.front() +
                         "\" (" + std::to_string(fresh.size()) +
                         " in all), so the classifier would start random; fine-tune the "
                         "model before predicting with it");
    }
}

// The CUDA device's name from the driver API (libcuda), which LibTorch's
// CPU-only builds do not link; "CUDA device N" when it cannot be asked.
std::string cudaDeviceName(int index) {
    const std::string fallback = "CUDA device " + std::to_string(index);
    void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (driver == nullptr) {
        return fallback;
    }
    using Init = int (*)(unsigned);
    using DeviceGet = int (*)(int*, int);
    using DeviceGetName = int (*)(char*, int, int);
    const auto init = reinterpret_cast<Init>(dlsym(driver, "cuInit"));
    const auto deviceGet = reinterpret_cast<DeviceGet>(dlsym(driver, "cuDeviceGet"));
    const auto getName = reinterpret_cast<DeviceGetName>(dlsym(driver, "cuDeviceGetName"));
    std::string name = fallback;
    int device = 0;
    char buffer[256] = {};
    if (init != nullptr && deviceGet != nullptr && getName != nullptr && init(0) == 0 &&
        deviceGet(&device, index) == 0 &&
        getName(buffer, static_cast<int>(sizeof buffer) - 1, device) == 0) {
        name = buffer;
    }
    dlclose(driver);
    return name;
}

} // namespace

struct Predictor::Impl {
    Impl(const std::string& modelDir, const PredictorOptions& predictorOptions);
    InferenceOptions inference() const { return {options.batchSize, device, precision.bf16}; }
    torch::Tensor logits(const std::vector<Encoding>& encodings,
                         const std::function<void(std::size_t, std::size_t)>& progress,
                         const std::atomic<bool>* cancel) const;

    PredictorOptions options;
    ModelFolder folder;
    std::vector<std::string> labels;
    Tokenizer tokenizer;
    Encoder encoder; // points at tokenizer: Impl never moves
    torch::Device device;
    PrecisionChoice precision;
    BertClassifier model{nullptr};
};

Predictor::Impl::Impl(const std::string& modelDir, const PredictorOptions& predictorOptions)
    : options(checked(predictorOptions)), folder(openModelFolder(modelDir)),
      labels(requireLabels(folder)), tokenizer(Tokenizer::fromModelDir(folder.path())),
      encoder(tokenizer, inputOptions(folder)), device(torchDevice(options.device)),
      precision(choosePrecisionFor(options.precision, device)) {
    checkVocabulary(folder, tokenizer, encoder.options());
    const ClassifierOptions classifierOptions = defaultClassifierOptions(folder, labels);
    LoadReport report;
    model = loadClassifier(folder, classifierOptions, &report);
    requireTrainedHead(report, classifierOptions.pooling);
    // Never trained here: no parameter needs a gradient, so explain's passes
    // keep the activations only.
    for (auto& parameter : model->parameters()) {
        parameter.set_requires_grad(false);
    }
    model->to(device);
    model->eval();
}

torch::Tensor Predictor::Impl::logits(const std::vector<Encoding>& encodings,
                                      const std::function<void(std::size_t, std::size_t)>& progress,
                                      const std::atomic<bool>* cancel) const {
    // computeLogits takes a mutable module; its no-grad passes change no state.
    return computeLogits(*model.ptr(), encodings, inference(), progress, cancel); // [N, C]
}

Predictor::Predictor(const std::string& modelDir, PredictorOptions options)
    : m_impl(std::make_unique<Impl>(modelDir, options)) {}

Predictor::~Predictor() = default;
Predictor::Predictor(Predictor&&) noexcept = default;
Predictor& Predictor::operator=(Predictor&&) noexcept = default;

const std::vector<std::string>& Predictor::labels() const {
    return m_impl->labels;
}

const EncoderOptions& Predictor::encoderOptions() const {
    return m_impl->encoder.options();
}

std::string Predictor::deviceName() const {
    return m_impl->device.is_cuda() ? cudaDeviceName(m_impl->device.index()) : "CPU";
}

bool Predictor::bf16() const {
    return m_impl->precision.bf16;
}

std::string Predictor::precisionReason() const {
    return m_impl->precision.reason;
}

Predictions Predictor::predict(const std::vector<Issue>& issues,
                               const std::function<void(std::size_t, std::size_t)>& progress,
                               const std::atomic<bool>* cancel) const {
    // Tokenizing (parallel) takes a small share of the time next to the
    // forward passes, so progress counts the issues through the model only.
    const std::vector<Encoding> encodings =
        encodeAll(m_impl->encoder, issues, m_impl->options.threads, {}, cancel);
    Predictions out =
        predictionsFromLogits(m_impl->logits(encodings, progress, cancel), m_impl->labels);
    applyThreshold(out, m_impl->options.threshold);
    return out;
}

std::vector<float> Predictor::probabilities(const Issue& issue) const {
    return predictionsFromLogits(m_impl->logits({encodeIssue(m_impl->encoder, issue)}, {}, nullptr),
                                 m_impl->labels)
        .probabilities;
}

Attribution Predictor::explain(const Issue& issue, int cls) const {
    const Encoding encoding = encodeIssue(m_impl->encoder, issue);
    const TokenScores scored =
        integratedGradients(*m_impl->model, m_impl->tokenizer.vocab(), encoding, cls,
                            m_impl->device, m_impl->precision.bf16);
    Attribution out;
    out.explainedClass = scored.explainedClass;
    const float* p = scored.probabilities.data_ptr<float>();
    out.probabilities.assign(p, p + scored.probabilities.numel());
    const float* s = scored.scores.data_ptr<float>();
    const Vocab& vocab = m_impl->tokenizer.vocab();
    for (std::size_t t = 0; t < encoding.inputIds.size(); ++t) {
        out.tokens.push_back({vocab.token(encoding.inputIds[t]), s[t]});
    }
    out.words = mergeWordPieces(out.tokens);
    out.truncated = encoding.truncated;
    return out;
}

} // namespace issuebert
