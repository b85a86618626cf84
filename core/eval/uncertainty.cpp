// Margin sampling (uncertainty.h).
#include "core/eval/uncertainty.h"

#include <algorithm>

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

std::vector<std::size_t> mostUncertainFirst(const Predictions& predictions,
                                            const std::function<bool(std::size_t)>& skip) {
    const std::vector<double> margin = marginOf(predictions);
    std::vector<std::size_t> order;
    for (std::size_t row = 0; row < predictions.size(); ++row) {
        if (!skip || !skip(row)) {
            order.push_back(row);
        }
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return margin[a] < margin[b]; });
    return order;
}

} // namespace issuebert
