// inspectModel: config.json plus the weights file's tensor list.
#include "core/model/model_info.h"

#include "core/model/key_mapping.h"
#include "core/model/model_folder.h"
#include "core/model/safetensors.h"
#include "core/model/weights.h"

#include <filesystem>
#include <map>
#include <set>

namespace fs = std::filesystem;

namespace issuebert {

namespace {

std::string dtypeWord(torch::Dtype dtype) {
    if (dtype == torch::kFloat16) {
        return "float16";
    }
    if (dtype == torch::kBFloat16) {
        return "bfloat16";
    }
    if (dtype == torch::kFloat64) {
        return "float64";
    }
    return "float32";
}

} // namespace

ModelInfo inspectModel(const std::string& dirOrId) {
    const ModelFolder folder = openModelFolder(dirOrId);
    const BertConfig& config = folder.config;
    ModelInfo info;
    info.architecture = config.architectures.empty() ? "BertModel" : config.architectures.front();
    info.hiddenSize = config.hiddenSize;
    info.layers = config.numHiddenLayers;
    info.heads = config.numAttentionHeads;
    info.intermediateSize = config.intermediateSize;
    info.vocabSize = config.vocabSize;
    info.maxPositions = config.maxPositionEmbeddings;
    info.labels = folderLabels(folder);
    info.path = folder.path();
    info.source = modelSourceName(folder.location.source);
    info.weightsFile = fs::path(folder.weightsPath).filename().string();
    std::error_code ec;
    const auto size = fs::file_size(folder.weightsPath, ec);
    info.weightsBytes = ec ? 0 : static_cast<std::int64_t>(size);
    if (folder.saved) {
        info.head = headName(folder.saved->head);
        info.pooling = poolingName(folder.saved->pooling);
    }

    // Count what the model uses: encoder keys (with or without bert.) and the head.
    const std::vector<std::string> names = bertParameterNames(config);
    const std::set<std::string> keys(names.begin(), names.end());
    std::map<std::string, std::int64_t> countByDtype;
    const auto add = [&](const std::string& rawKey, std::int64_t elements,
                         const std::string& dtype) {
        std::string key = canonicalKey(rawKey);
        if (key.rfind("bert.", 0) == 0) {
            key = key.substr(5);
        }
        if (keys.count(key) > 0 || key.rfind("classifier.", 0) == 0) {
            info.parameterCount += elements;
            countByDtype[dtype] += elements;
        }
    };
    if (fs::path(folder.weightsPath).extension() == ".safetensors") {
        const auto file = SafetensorsFile::open(folder.weightsPath);
        for (const StTensorInfo& tensor : file.tensors()) {
            std::int64_t elements = 1;
            for (const auto dim : tensor.shape) {
                elements *= dim;
            }
            add(tensor.name, elements, dtypeWord(stDtypeToTorch(tensor.dtype)));
        }
    } else {
        for (const auto& [name, tensor] :
             loadCheckpointTensors(folder.weightsPath, /*toFloat32=*/false)) {
            add(name, tensor.numel(), dtypeWord(tensor.scalar_type()));
        }
    }
    std::int64_t most = -1;
    for (const auto& [dtype, count] : countByDtype) {
        if (count > most) {
            info.dtype = dtype;
            most = count;
        }
    }
    return info;
}

} // namespace issuebert
