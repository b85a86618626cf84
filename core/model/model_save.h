// Saving a fine-tuned BertClassifier as a Hugging Face folder that transformers'
// AutoModelForSequenceClassification opens and computes as IssueBERT does, plus
// issuebert.json.
#pragma once

#include "core/model/classifier.h"
#include "core/model/saved_settings.h"

#include <string>

namespace issuebert {

struct SaveOptions {
    SaveDtype dtype = SaveDtype::Float32;
    EncoderOptions encoder;          // max length, truncation, pairs: recorded in issuebert.json
                                     // (max length also in tokenizer_config.json)
    std::string baseModel;           // where the fine-tune started
    std::string trainingJson = "{}"; // free JSON objects, recorded in issuebert.json
    std::string metricsJson = "{}";
};

// Writes outDir/: config.json (id2label, label2id, dtype, head and pooling;
// see transformers_files.h), model.safetensors in options.dtype, vocab.txt,
// tokenizer_config.json (with the max length), special_tokens_map.json
// (tokenizer.json too when tokenizerDir has one), issuebert.json, and
// modeling_issuebert.py unless the classifier is BertForSequenceClassification's
// own layout (linear head, pooler). The files are written into a
// temporary sibling folder that then takes outDir's place, so a crash never
// leaves a half-written model. tokenizerDir supplies vocab.txt (required) and
// the tokenizer files; missing ones get BertTokenizer's defaults. Throws
// ModelError when vocab.txt is missing or tokenizer_config.json is not a JSON
// object, IoError when writing fails or outDir
// is an existing folder that is not a model folder (it is never replaced).
void saveModelFolder(BertClassifierImpl& model, const std::string& tokenizerDir,
                     const std::string& outDir, const SaveOptions& options);

// The weights as they go into model.safetensors: the state dict's names (HF
// keys) and contiguous CPU tensors in dtype.
std::vector<std::pair<std::string, torch::Tensor>> exportWeights(const torch::nn::Module& model,
                                                                 SaveDtype dtype);

} // namespace issuebert
