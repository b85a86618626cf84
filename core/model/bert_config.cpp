// config.json → BertConfig, with every field IssueBERT cannot honour reported
// by name; and the config.json of a saved model.
#include "core/model/bert_config.h"

#include "core/io/errors.h"
#include "core/io/json_file.h"

namespace issuebert {

namespace {

using nlohmann::json;

// BERT-large has 335 million weights; 2 billion (8 GB in fp32) leaves room for
// any BERT checkpoint while refusing sizes that could only be a mistake.
constexpr double kMaxParameters = 2e9;

// The field's value when present and not null, else nullptr.
const json* field(const json& object, const char* name) {
    const auto it = object.find(name);
    return it == object.end() || it->is_null() ? nullptr : &*it;
}

int intField(const json& object, const char* name, int fallback, const std::string& path) {
    const json* value = field(object, name);
    if (value == nullptr) {
        return fallback;
    }
    if (!value->is_number_integer()) {
        throwFieldError(path, name, "expected an integer, found " + jsonSummary(*value));
    }
    const auto number = value->get<long long>();
    if (number < -1 || number > (1LL << 30)) {
        throwFieldError(path, name, "the value " + std::to_string(number) + " is out of range");
    }
    return static_cast<int>(number);
}

double numberField(const json& object, const char* name, double fallback, const std::string& path) {
    const json* value = field(object, name);
    if (value == nullptr) {
        return fallback;
    }
    if (!value->is_number()) {
        throwFieldError(path, name, "expected a number, found " + jsonSummary(*value));
    }
    return value->get<double>();
}

std::string stringField(const json& object, const char* name, const std::string& fallback,
                        const std::string& path) {
    const json* value = field(object, name);
    if (value == nullptr) {
        return fallback;
    }
    if (!value->is_string()) {
        throwFieldError(path, name, "expected a string, found " + jsonSummary(*value));
    }
    return value->get<std::string>();
}

bool boolField(const json& object, const char* name, const std::string& path) {
    const json* value = field(object, name);
    if (value == nullptr) {
        return false;
    }
    if (!value->is_boolean()) {
        throwFieldError(path, name, "expected true or false, found " + jsonSummary(*value));
    }
    return value->get<bool>();
}

Activation parseActivation(const std::string& name, const std::string& path) {
    if (name == "gelu" || name == "gelu_python") {
        return Activation::Gelu;
    }
    if (name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast") {
        return Activation::GeluNew;
    }
    if (name == "relu") {
        return Activation::Relu;
    }
    throwFieldError(path, "hidden_act",
                    "\"" + name + "\" is not supported (supported: gelu, gelu_new, relu)");
}

// id2label {"0": "bug", "1": "feature"} → {"bug", "feature"}; ids must be 0..n-1.
std::vector<std::string> parseLabels(const json& object, const std::string& path) {
    const json* value = field(object, "id2label");
    if (value == nullptr) {
        return {};
    }
    if (!value->is_object()) {
        throwFieldError(path, "id2label", "expected an object {\"0\": \"label\", ...}");
    }
    std::vector<std::string> labels(value->size());
    std::vector<bool> seen(value->size(), false);
    for (const auto& [key, name] : value->items()) {
        std::size_t used = 0;
        long long id = -1;
        try {
            id = std::stoll(key, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != key.size() || id < 0 || id >= static_cast<long long>(labels.size()) ||
            seen[static_cast<std::size_t>(id)]) {
            throwFieldError(path, "id2label",
                            "the key \"" + key + "\" is not one of the ids 0 to " +
                                std::to_string(labels.size() - 1));
        }
        if (!name.is_string()) {
            throwFieldError(path, "id2label", "the label of id " + key + " is not a string");
        }
        seen[static_cast<std::size_t>(id)] = true;
        labels[static_cast<std::size_t>(id)] = name.get<std::string>();
    }
    return labels;
}

// The weights' count for a config, in double so absurd sizes cannot overflow.
double parameterCount(const BertConfig& c) {
    const double h = c.hiddenSize;
    const double i = c.intermediateSize;
    const double embeddings =
        (static_cast<double>(c.vocabSize) + c.maxPositionEmbeddings + c.typeVocabSize + 2) * h;
    const double layer = 4 * (h * h + h) + 2 * h * i + i + h + 4 * h;
    return embeddings + c.numHiddenLayers * layer + h * h + h;
}

} // namespace

const char* activationName(Activation activation) {
    switch (activation) {
    case Activation::Gelu:
        return "gelu";
    case Activation::GeluNew:
        return "gelu_new";
    case Activation::Relu:
        return "relu";
    }
    return "gelu";
}

BertConfig parseBertConfig(const std::string& jsonText, const std::string& path) {
    const json root = parseJsonObject(jsonText, path);
    const std::string modelType = stringField(root, "model_type", "bert", path);
    // "issuebert": a BERT that IssueBERT saved with a head or pooling of its own
    // (transformers_files.h).
    if (modelType != "bert" && modelType != "issuebert") {
        throwFieldError(path, "model_type",
                        "\"" + modelType +
                            "\" is not supported; IssueBERT runs BERT models (\"bert\")");
    }
    const std::string positions = stringField(root, "position_embedding_type", "absolute", path);
    if (positions != "absolute") {
        throwFieldError(
            path, "position_embedding_type",
            "\"" + positions +
                "\" is not supported; IssueBERT runs absolute position embeddings only");
    }
    if (boolField(root, "is_decoder", path)) {
        throwFieldError(path, "is_decoder", "decoder models are not supported");
    }
    if (boolField(root, "add_cross_attention", path)) {
        throwFieldError(path, "add_cross_attention", "cross-attention is not supported");
    }

    BertConfig config;
    config.vocabSize = intField(root, "vocab_size", config.vocabSize, path);
    config.hiddenSize = intField(root, "hidden_size", config.hiddenSize, path);
    config.numHiddenLayers = intField(root, "num_hidden_layers", config.numHiddenLayers, path);
    config.numAttentionHeads =
        intField(root, "num_attention_heads", config.numAttentionHeads, path);
    config.intermediateSize = intField(root, "intermediate_size", config.intermediateSize, path);
    config.hiddenAct = parseActivation(stringField(root, "hidden_act", "gelu", path), path);
    config.hiddenDropoutProb =
        numberField(root, "hidden_dropout_prob", config.hiddenDropoutProb, path);
    config.attentionProbsDropoutProb =
        numberField(root, "attention_probs_dropout_prob", config.attentionProbsDropoutProb, path);
    config.classifierDropout = numberField(root, "classifier_dropout", -1.0, path);
    config.maxPositionEmbeddings =
        intField(root, "max_position_embeddings", config.maxPositionEmbeddings, path);
    config.typeVocabSize = intField(root, "type_vocab_size", config.typeVocabSize, path);
    config.layerNormEps = numberField(root, "layer_norm_eps", config.layerNormEps, path);
    config.padTokenId = intField(root, "pad_token_id", config.padTokenId, path);
    config.initializerRange = numberField(root, "initializer_range", config.initializerRange, path);
    if (const json* arch = field(root, "architectures")) {
        if (!arch->is_array()) {
            throwFieldError(path, "architectures", "expected a list of names");
        }
        for (const json& name : *arch) {
            if (!name.is_string()) {
                throwFieldError(path, "architectures", "expected a list of names");
            }
            config.architectures.push_back(name.get<std::string>());
        }
    }
    config.labels = parseLabels(root, path);
    config.sourceJson = jsonText;
    validateBertConfig(config, path);
    return config;
}

void validateBertConfig(const BertConfig& config, const std::string& path) {
    const auto positive = [&](const char* name, int value) {
        if (value < 1) {
            throwFieldError(path, name, "must be at least 1, found " + std::to_string(value));
        }
    };
    positive("vocab_size", config.vocabSize);
    positive("hidden_size", config.hiddenSize);
    positive("num_hidden_layers", config.numHiddenLayers);
    positive("num_attention_heads", config.numAttentionHeads);
    positive("intermediate_size", config.intermediateSize);
    positive("max_position_embeddings", config.maxPositionEmbeddings);
    positive("type_vocab_size", config.typeVocabSize);
    if (config.hiddenSize % config.numAttentionHeads != 0) {
        throwFieldError(path, "num_attention_heads",
                        std::to_string(config.numAttentionHeads) +
                            " heads do not divide hidden_size " +
                            std::to_string(config.hiddenSize));
    }
    if (config.padTokenId < 0 || config.padTokenId >= config.vocabSize) {
        throwFieldError(path, "pad_token_id",
                        std::to_string(config.padTokenId) +
                            " is not an id of the vocabulary (size " +
                            std::to_string(config.vocabSize) + ")");
    }
    if (!(config.layerNormEps > 0.0 && config.layerNormEps < 1.0)) {
        throwFieldError(path, "layer_norm_eps", "must be between 0 and 1");
    }
    const auto probability = [&](const char* name, double value) {
        if (!(value >= 0.0 && value < 1.0)) {
            throwFieldError(path, name, "must be at least 0 and below 1");
        }
    };
    if (!(config.initializerRange > 0.0 && config.initializerRange < 10.0)) {
        throwFieldError(path, "initializer_range", "must be above 0 and below 10");
    }
    probability("hidden_dropout_prob", config.hiddenDropoutProb);
    probability("attention_probs_dropout_prob", config.attentionProbsDropoutProb);
    if (config.classifierDropout >= 0.0) {
        probability("classifier_dropout", config.classifierDropout);
    }
    // Checked before any tensor is allocated: a typo such as hidden_size 1e9
    // would otherwise end in an out-of-memory abort, not an error naming the file.
    if (const double count = parameterCount(config); count > kMaxParameters) {
        throw ModelError(path + ": the sizes describe a model of " +
                         std::to_string(static_cast<long long>(count / 1e6)) +
                         " million weights, more than IssueBERT loads (" +
                         std::to_string(static_cast<long long>(kMaxParameters / 1e6)) +
                         " million); check hidden_size, num_hidden_layers, intermediate_size " +
                         "and vocab_size");
    }
}

BertConfig loadBertConfig(const std::string& path) {
    return parseBertConfig(readWholeFile(path, "the model's config.json"), path);
}

std::string bertConfigJson(const BertConfig& config, const std::vector<std::string>& labels,
                           const std::string& dtypeName) {
    json root = json::parse(config.sourceJson, nullptr, false);
    if (!root.is_object()) {
        root = json::object();
    }
    root["model_type"] = "bert";
    root["architectures"] = json::array({"BertForSequenceClassification"});
    root["vocab_size"] = config.vocabSize;
    root["hidden_size"] = config.hiddenSize;
    root["num_hidden_layers"] = config.numHiddenLayers;
    root["num_attention_heads"] = config.numAttentionHeads;
    root["intermediate_size"] = config.intermediateSize;
    // Keep an equivalent spelling ("gelu_python") rather than rewrite it.
    const json* act = field(root, "hidden_act");
    if (act == nullptr || !act->is_string() ||
        parseActivation(act->get<std::string>(), "config.json") != config.hiddenAct) {
        root["hidden_act"] = activationName(config.hiddenAct);
    }
    root["hidden_dropout_prob"] = config.hiddenDropoutProb;
    root["attention_probs_dropout_prob"] = config.attentionProbsDropoutProb;
    root["classifier_dropout"] =
        config.classifierDropout < 0 ? json(nullptr) : json(config.classifierDropout);
    root["max_position_embeddings"] = config.maxPositionEmbeddings;
    root["type_vocab_size"] = config.typeVocabSize;
    root["layer_norm_eps"] = config.layerNormEps;
    root["pad_token_id"] = config.padTokenId;
    root["initializer_range"] = config.initializerRange;
    root["position_embedding_type"] = "absolute";
    json id2label = json::object();
    json label2id = json::object();
    for (std::size_t i = 0; i < labels.size(); ++i) {
        id2label[std::to_string(i)] = labels[i];
        label2id[labels[i]] = static_cast<int>(i);
    }
    root["id2label"] = id2label;
    root["label2id"] = label2id;
    root["problem_type"] = "single_label_classification";
    // transformers 4 reads torch_dtype, transformers 5 dtype.
    root["torch_dtype"] = dtypeName;
    root["dtype"] = dtypeName;
    return root.dump(2) + "\n";
}

} // namespace issuebert
