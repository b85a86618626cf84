// BERT's architecture as config.json states it, checked against what IssueBERT
// runs: anything it would compute differently from Hugging Face is an error.
#pragma once

#include <string>
#include <vector>

namespace issuebert {

// hidden_act values IssueBERT computes exactly as Hugging Face does.
enum class Activation {
    Gelu,    // "gelu", "gelu_python": exact, with erf
    GeluNew, // "gelu_new", "gelu_pytorch_tanh", "gelu_fast": the tanh approximation
    Relu,    // "relu"
};

struct BertConfig {
    int vocabSize = 30522;
    int hiddenSize = 768;
    int numHiddenLayers = 12;
    int numAttentionHeads = 12;
    int intermediateSize = 3072;
    Activation hiddenAct = Activation::Gelu;
    double hiddenDropoutProb = 0.1;
    double attentionProbsDropoutProb = 0.1;
    double classifierDropout = -1.0; // < 0: "classifier_dropout": null, hiddenDropoutProb is used
    int maxPositionEmbeddings = 512;
    int typeVocabSize = 2;
    double layerNormEps = 1e-12;
    int padTokenId = 0;
    double initializerRange = 0.02;         // std of the normal init of fresh weights
    std::vector<std::string> architectures; // e.g. {"BertModel"}; may be empty
    std::vector<std::string> labels;        // id2label in id order; empty when absent
    // The file's own text, so a save keeps the fields IssueBERT does not use.
    std::string sourceJson = "{}";

    int headSize() const { return hiddenSize / numAttentionHeads; }
    double effectiveClassifierDropout() const {
        return classifierDropout < 0 ? hiddenDropoutProb : classifierDropout;
    }
};

// Parses config.json text; `path` names the file in error messages. Throws
// ModelError naming the file and the field for a missing, mistyped, out-of-range
// or unsupported value (a relative position_embedding_type, a decoder, ...).
BertConfig parseBertConfig(const std::string& jsonText, const std::string& path);
// Reads and parses a config.json file. Throws IoError when it cannot be read.
BertConfig loadBertConfig(const std::string& path);
// Throws ModelError naming `path` when sizes are inconsistent (hidden size not
// divisible by the head count, non-positive sizes, dropout outside [0, 1)).
void validateBertConfig(const BertConfig& config, const std::string& path);

// The hidden_act word for an activation: "gelu", "gelu_new" or "relu".
const char* activationName(Activation activation);

// config.json for a saved model: the source file's fields, then IssueBERT's
// values over them, BertForSequenceClassification as the architecture and
// id2label/label2id from `labels`. dtypeName is "float32", "float16" or "bfloat16".
std::string bertConfigJson(const BertConfig& config, const std::vector<std::string>& labels,
                           const std::string& dtypeName);

} // namespace issuebert
