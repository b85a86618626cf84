// Hugging Face model folders in: config.json, the weights (model.safetensors,
// else pytorch_model.bin), issuebert.json when IssueBERT saved it; and a
// BertClassifier or BertModel built from them.
#pragma once

#include "core/model/bert.h"
#include "core/model/classifier.h"
#include "core/model/load_report.h"
#include "core/model/model_locator.h"
#include "core/model/saved_settings.h"

#include <optional>
#include <string>
#include <vector>

namespace issuebert {

struct ModelFolder {
    ModelLocation location;
    BertConfig config;
    std::string weightsPath;            // model.safetensors or pytorch_model.bin
    std::optional<SavedSettings> saved; // issuebert.json, when IssueBERT saved the folder

    const std::string& path() const { return location.path; }
};

// Locates dirOrId (a folder or a model id, see locateModel) and reads its
// config.json and issuebert.json; the weights are not read yet. Throws
// ModelError when config.json is missing or unsupported or there is no weights file.
ModelFolder openModelFolder(const std::string& dirOrId);

// Mean for sentence-transformers exports (modules.json or 1_Pooling/ beside
// the weights, or a bare "BertModel" export such as the default model: their
// pooler was never trained for classification) and checkpoints without pooler
// weights; Pooler (Hugging Face's default) otherwise; a saved fine-tune's own.
Pooling suggestedPooling(const ModelFolder& folder);

// For fine-tuning folder on labels: a saved fine-tune's head and pooling, else
// the linear head with suggestedPooling.
ClassifierOptions defaultClassifierOptions(const ModelFolder& folder,
                                           std::vector<std::string> labels);

// A BertClassifier with the checkpoint's weights (fp16 / bf16 upcast to fp32),
// in eval mode. A new or resized head and unused checkpoint weights are
// information, returned in *report; encoder weights the checkpoint lacks are a
// ModelError naming the file.
BertClassifier loadClassifier(const ModelFolder& folder, const ClassifierOptions& options,
                              LoadReport* report = nullptr);

// The encoder alone (with its pooler), in eval mode; same rules as loadClassifier.
BertModel loadBertModel(const ModelFolder& folder, LoadReport* report = nullptr);

// The class names a folder was fine-tuned on: config.json's id2label, else
// issuebert.json's labels; empty for a pretrained model.
std::vector<std::string> folderLabels(const ModelFolder& folder);

} // namespace issuebert
