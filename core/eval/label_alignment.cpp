// Dataset labels → model classes (label_alignment.h).
#include "core/eval/label_alignment.h"

#include "core/io/errors.h"

#include <unordered_map>

namespace issuebert {

std::vector<int> modelClassOfLabels(const std::vector<std::string>& datasetLabels,
                                    const std::vector<std::string>& modelLabels) {
    std::unordered_map<std::string, int> modelIndex;
    for (std::size_t i = 0; i < modelLabels.size(); ++i) {
        modelIndex.emplace(modelLabels[i], static_cast<int>(i));
    }
    std::vector<int> mapping;
    mapping.reserve(datasetLabels.size());
    for (const std::string& name : datasetLabels) {
        const auto it = modelIndex.find(name);
        mapping.push_back(it == modelIndex.end() ? kUnknownToModel : it->second);
    }
    return mapping;
}

std::vector<int> truthInModelOrder(const std::vector<Issue>& issues,
                                   const std::vector<std::string>& datasetLabels,
                                   const std::vector<std::string>& modelLabels) {
    // Resolved once per label, not per issue.
    const std::vector<int> mapping = modelClassOfLabels(datasetLabels, modelLabels);
    std::vector<int> truth;
    truth.reserve(issues.size());
    for (const Issue& issue : issues) {
        if (!issue.labelled()) {
            truth.push_back(kNoLabel);
            continue;
        }
        if (issue.label < 0 || static_cast<std::size_t>(issue.label) >= mapping.size()) {
            throw DataError("issue \"" + issue.id + "\": label index " +
                            std::to_string(issue.label) + " is not one of the dataset's " +
                            std::to_string(mapping.size()) + " labels");
        }
        truth.push_back(mapping[static_cast<std::size_t>(issue.label)]);
    }
    return truth;
}

} // namespace issuebert
