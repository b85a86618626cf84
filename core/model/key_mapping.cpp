// Name matching between checkpoint keys and module keys.
#include "core/model/key_mapping.h"

#include "core/io/errors.h"

#include <map>
#include <set>

namespace issuebert {

namespace {

constexpr const char* kPrefix = "bert.";

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool startsWith(const std::string& s, const std::string& prefix) {
    return s.rfind(prefix, 0) == 0;
}

// Buffers older transformers saved and newer ones recreate: never a weight.
bool isIgnoredBuffer(const std::string& key) {
    return endsWith(key, "embeddings.position_ids") || endsWith(key, "embeddings.token_type_ids");
}

std::string shapeText(c10::IntArrayRef sizes) {
    std::string out = "[";
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        out += (i > 0 ? ", " : "") + std::to_string(sizes[i]);
    }
    return out + "]";
}

} // namespace

std::string canonicalKey(const std::string& key) {
    if (endsWith(key, ".gamma")) {
        return key.substr(0, key.size() - 5) + "weight";
    }
    if (endsWith(key, ".beta")) {
        return key.substr(0, key.size() - 4) + "bias";
    }
    return key;
}

LoadReport loadStateDict(torch::nn::Module& module,
                         const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                         const std::string& checkpointPath, const std::string& modelName,
                         const std::function<bool(const std::string&)>& mayResize) {
    std::map<std::string, torch::Tensor> targets;
    for (const auto& item : module.named_parameters(/*recurse=*/true)) {
        targets.emplace(item.key(), item.value());
    }
    for (const auto& item : module.named_buffers(/*recurse=*/true)) {
        targets.emplace(item.key(), item.value());
    }

    LoadReport report;
    report.checkpoint = checkpointPath;
    report.modelName = modelName;
    std::set<std::string> loaded;
    std::vector<std::string> mismatches;
    torch::NoGradGuard noGrad;
    for (const auto& [rawKey, tensor] : tensors) {
        const std::string key = canonicalKey(rawKey);
        std::string target;
        for (const std::string& candidate :
             {key, startsWith(key, kPrefix) ? key.substr(5) : std::string(kPrefix) + key}) {
            if (targets.count(candidate) > 0 && loaded.count(candidate) == 0) {
                target = candidate;
                break;
            }
        }
        if (target.empty()) {
            if (!isIgnoredBuffer(key)) {
                report.unexpected.push_back(rawKey);
            }
            continue;
        }
        torch::Tensor& destination = targets[target];
        loaded.insert(target);
        if (destination.sizes() != tensor.sizes()) {
            if (mayResize && mayResize(target)) {
                report.resized.push_back(target);
            } else {
                mismatches.push_back("\"" + rawKey + "\" has shape " + shapeText(tensor.sizes()) +
                                     " in the checkpoint, " + shapeText(destination.sizes()) +
                                     " in the model");
            }
            continue;
        }
        destination.copy_(tensor);
    }
    if (!mismatches.empty()) {
        std::string message = checkpointPath + ": the weights do not fit the model config.json " +
                              "describes: " + mismatches.front();
        if (mismatches.size() > 1) {
            message += " (and " + std::to_string(mismatches.size() - 1) + " more)";
        }
        throw ModelError(message);
    }
    for (const auto& [key, tensor] : targets) {
        if (loaded.count(key) == 0) {
            report.missing.push_back(key);
        }
    }
    return report;
}

} // namespace issuebert
