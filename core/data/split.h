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
