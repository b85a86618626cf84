// Margin and entropy sampling (uncertainty.h).
#include "core/eval/uncertainty.h"

#include <algorithm>
#include <cmath>

namespace issuebert {

std::vector<double> marginOf(const Predictions& predictions) {
    std::vector<double> margin(predictions.size(), 0.0);
    for (std::size_t row = 0; row < predictions.size(); ++row) {
        float first = 0.0F;
        float second = 0.0F;
        for (int cls = 0; cls < predictions.numClasses(); ++cls) {
            const float value = predictions.probability(row, cls);
            if (value > first) {
                second = first;
                first = value;
            } else if (value > second) {
                second = value;
            }
        }
        margin[row] = first - second;
    }
    return margin;
}

std::vector<double> entropyOf(const Predictions& predictions) {
    std::vector<double> entropy(predictions.size(), 0.0);
    for (std::size_t row = 0; row < predictions.size(); ++row) {
        double sum = 0.0;
        for (int cls = 0; cls < predictions.numClasses(); ++cls) {
            const double p = predictions.probability(row, cls);
            sum -= p > 0.0 ? p * std::log(p) : 0.0; // 0 log 0 = 0
        }
        entropy[row] = sum;
    }
    return entropy;
}

std::vector<std::size_t> mostUncertainFirst(const Predictions& predictions,
                                            const std::function<bool(std::size_t)>& skip,
                                            UncertaintyMeasure measure) {
    // Ascending keys: the margin, or the entropy negated.
    std::vector<double> key;
    if (measure == UncertaintyMeasure::Margin) {
        key = marginOf(predictions);
    } else {
        key = entropyOf(predictions);
        std::transform(key.begin(), key.end(), key.begin(), [](double e) { return -e; });
    }
    std::vector<std::size_t> order;
    for (std::size_t row = 0; row < predictions.size(); ++row) {
        if (!skip || !skip(row)) {
            order.push_back(row);
        }
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return key[a] < key[b]; });
    return order;
}

} // namespace issuebert
