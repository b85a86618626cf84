// Dataset labels → a model's classes, matched by name (a model trained with
// another label order still lines up): the one alignment evaluation,
// prediction, threshold coverage, cross-validation and training use.
// LibTorch-free.
#pragma once

#include "core/data/issue.h"

#include <string>
#include <vector>

namespace issuebert {

// The class of a dataset label the model does not have: counted as
// misclassified where it is scored. kNoLabel (-1) means no label at all.
inline constexpr int kUnknownToModel = -2;

// For each of datasetLabels, its index in modelLabels, or kUnknownToModel.
std::vector<int> modelClassOfLabels(const std::vector<std::string>& datasetLabels,
                                    const std::vector<std::string>& modelLabels);

// Each issue's label as an index into modelLabels, kNoLabel when the issue is
// unlabelled, kUnknownToModel when the model has no such class. Throws
// DataError when an issue's label is not an index into datasetLabels.
std::vector<int> truthInModelOrder(const std::vector<Issue>& issues,
                                   const std::vector<std::string>& datasetLabels,
                                   const std::vector<std::string>& modelLabels);

} // namespace issuebert
