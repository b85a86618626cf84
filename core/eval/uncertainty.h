// Which predicted issues to label next: the ones the model is least sure of,
// by the margin between its two likeliest classes (active learning's "margin
// sampling"). What the Classify page's Next Most Uncertain walks. LibTorch-free.
#pragma once

#include "core/eval/predictions.h"

#include <cstddef>
#include <functional>
#include <vector>

namespace issuebert {

// The probability of the likeliest class minus the second likeliest's, per row
// (the likeliest class's probability with a single class).
std::vector<double> marginOf(const Predictions& predictions);

// Rows by margin, smallest first (ties in row order), leaving out the rows
// skip says to (e.g. issues already labelled).
std::vector<std::size_t> mostUncertainFirst(const Predictions& predictions,
                                            const std::function<bool(std::size_t)>& skip = {});

} // namespace issuebert
