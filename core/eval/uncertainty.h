// Which predicted issues to label next: the ones the model is least sure of
// (active learning's uncertainty sampling), by the margin between its two
// likeliest classes or by the entropy of its class probabilities. What the
// Classify page's Next Most Uncertain walks. LibTorch-free.
#pragma once

#include "core/eval/predictions.h"

#include <cstddef>
#include <functional>
#include <vector>

namespace issuebert {

// The probability of the likeliest class minus the second likeliest's, per row
// (the likeliest class's probability with a single class).
std::vector<double> marginOf(const Predictions& predictions);

// The entropy of each row's class probabilities, in nats: 0 when the model
// is certain, log(classes) when every class is as likely.
std::vector<double> entropyOf(const Predictions& predictions);

enum class UncertaintyMeasure {
    Margin,  // the two likeliest classes are close: which of two it is
    Entropy, // the probability is spread over many classes
};

// Rows most uncertain first by measure (smallest margin, or largest
// entropy; ties in row order), leaving out the rows skip says to (e.g.
// issues already labelled).
std::vector<std::size_t>
mostUncertainFirst(const Predictions& predictions,
                   const std::function<bool(std::size_t)>& skip = {},
                   UncertaintyMeasure measure = UncertaintyMeasure::Margin);

} // namespace issuebert
