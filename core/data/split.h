// Stratified train/validation split: every class keeps its share in both parts,
// and a seed gives the same split on every platform and standard library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace issuebert {

struct SplitIndices {
    std::vector<std::size_t> train;      // row indices, ascending
    std::vector<std::size_t> validation; // row indices, ascending
};

// Splits rows by their class index (labels[i] >= 0): per class, round(fraction
// * members) rows go to validation, at least one when the class has two or more
// members and fraction > 0, never all of them. Throws DataError when fraction
// is outside [0, 1) or a label is negative (the message names the 1-based row).
SplitIndices stratifiedSplit(const std::vector<int>& labels, double fraction, std::uint64_t seed);

} // namespace issuebert

namespace issuebert {

// Stratified K-fold: every row lands in exactly one of folds test folds. Per
// class (in class order) the members are shuffled by seed and dealt round-robin,
// the deal continuing across classes, so fold sizes differ by at most one and
// every class's members spread as evenly as they can. Throws DataError when
// folds < 2, when there are fewer rows than folds, or when a label is negative.
std::vector<std::vector<std::size_t>> stratifiedFolds(const std::vector<int>& labels, int folds,
                                                      std::uint64_t seed);

} // namespace issuebert

namespace issuebert {

// A seeded sample of at most perClass rows of each class (all of a smaller
// class), row indices ascending: the small training sets of a learning curve.
// Throws DataError when perClass < 1 or a label is negative.
std::vector<std::size_t> stratifiedSample(const std::vector<int>& labels, int perClass,
                                          std::uint64_t seed);

} // namespace issuebert
