// Opening model folders and loading their weights into our modules.
#include "core/model/model_folder.h"

#include "core/io/errors.h"
#include "core/model/key_mapping.h"
#include "core/model/safetensors.h"
#include "core/model/weights.h"

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace issuebert {

namespace {

bool startsWith(const std::string& s, const std::string& prefix) {
    return s.rfind(prefix, 0) == 0;
}

bool hasPoolerWeights(const ModelFolder& folder) {
    const auto isPooler = [](const std::string& key) {
        return key == "pooler.dense.weight" || key == "bert.pooler.dense.weight";
    };
    if (fs::path(folder.weightsPath).extension() == ".safetensors") {
        const auto file = SafetensorsFile::open(folder.weightsPath);
        return std::any_of(file.tensors().begin(), file.tensors().end(),
                           [&](const StTensorInfo& info) { return isPooler(info.name); });
    }
    const auto tensors = loadCheckpointTensors(folder.weightsPath, /*toFloat32=*/false);
    return std::any_of(tensors.begin(), tensors.end(),
                       [&](const auto& item) { return isPooler(item.first); });
}

// Missing weights other than the head and the pooler mean the checkpoint is
// not this config's model: a randomly initialised encoder is never wanted.
void requireEncoder(const LoadReport& report, const std::string& prefix) {
    std::vector<std::string> lacking;
    for (const std::string& key : report.missing) {
        if (!startsWith(key, "classifier.") && !startsWith(key, prefix + "pooler.")) {
            lacking.push_back(key);
        }
    }
    if (lacking.empty()) {
        return;
    }
    std::string message =
        report.checkpoint + ": the checkpoint lacks " + std::to_string(lacking.size()) +
        " weights of the model config.json describes, e.g. \"" + lacking.front() + "\"";
    if (!report.unexpected.empty()) {
        message += "; it has others instead, e.g. \"" + report.unexpected.front() + "\"";
    }
    throw ModelError(message);
}

// A pooler the checkpoint lacks starts as Hugging Face would start it.
void initMissingPooler(const LoadReport& report, BertPooler& pooler, const BertConfig& config) {
    for (const std::string& key : report.missing) {
        if (key.find("pooler.") != std::string::npos) {
            initBertWeights(*pooler, config.initializerRange);
            return;
        }
    }
}

std::vector<std::pair<std::string, torch::Tensor>> readWeights(const ModelFolder& folder) {
    return loadCheckpointTensors(folder.weightsPath, /*toFloat32=*/true);
}

} // namespace

ModelFolder openModelFolder(const std::string& dirOrId) {
    ModelFolder folder;
    folder.location = locateModel(dirOrId);
    const fs::path dir(folder.location.path);
    std::error_code ec;
    if (!fs::is_regular_file(dir / "config.json", ec)) {
        throw ModelError(folder.location.path + ": not a model folder (config.json is missing)");
    }
    folder.config = loadBertConfig((dir / "config.json").string());
    folder.weightsPath = findCheckpointFile(folder.location.path);
    folder.saved = readSavedSettings(folder.location.path);
    return folder;
}

Pooling suggestedPooling(const ModelFolder& folder) {
    if (folder.saved) {
        return folder.saved->pooling;
    }
    const fs::path dir(folder.path());
    std::error_code ec;
    const bool sentenceTransformers = fs::exists(dir / "modules.json", ec) ||
                                      fs::exists(dir / "1_Pooling", ec) ||
                                      fs::exists(dir / "sentence_bert_config.json", ec);
    const auto& arch = folder.config.architectures;
    const bool bareEncoder = arch.size() == 1 && arch.front() == "BertModel";
    if (sentenceTransformers || bareEncoder || !hasPoolerWeights(folder)) {
        return Pooling::Mean;
    }
    return Pooling::Pooler;
}

ClassifierOptions defaultClassifierOptions(const ModelFolder& folder,
                                           std::vector<std::string> labels) {
    ClassifierOptions options;
    options.labels = std::move(labels);
    if (folder.saved) {
        options.head = folder.saved->head;
        options.pooling = folder.saved->pooling;
    } else {
        options.pooling = suggestedPooling(folder);
    }
    return options;
}

BertClassifier loadClassifier(const ModelFolder& folder, const ClassifierOptions& options,
                              LoadReport* report) {
    // No initialisation the checkpoint overwrites: it costs ~0.5 s for bert-base.
    BertClassifier model(folder.config, options, /*hfInit=*/false);
    const LoadReport loaded = loadStateDict(
        *model, readWeights(folder), folder.weightsPath, "BertForSequenceClassification",
        [](const std::string& key) { return startsWith(key, "classifier."); });
    requireEncoder(loaded, "bert.");
    initMissingPooler(loaded, model->bert->pooler, folder.config);
    model->eval();
    if (report != nullptr) {
        *report = loaded;
    }
    return model;
}

BertModel loadBertModel(const ModelFolder& folder, LoadReport* report) {
    BertModel model(folder.config, /*addPooler=*/true, /*hfInit=*/false);
    LoadReport loaded = loadStateDict(*model, readWeights(folder), folder.weightsPath, "BertModel");
    requireEncoder(loaded, "");
    initMissingPooler(loaded, model->pooler, folder.config);
    model->eval();
    if (report != nullptr) {
        *report = loaded;
    }
    return model;
}

std::vector<std::string> folderLabels(const ModelFolder& folder) {
    if (!folder.config.labels.empty()) {
        return folder.config.labels;
    }
    return folder.saved ? folder.saved->labels : std::vector<std::string>{};
}

} // namespace issuebert
