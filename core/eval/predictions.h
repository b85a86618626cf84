// What a Predictor returns for a dataset: class probabilities per issue, the
// predicted class and its confidence, and whether it fell below the threshold.
// LibTorch-free, so the ui and the CSV writer use it directly.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace issuebert {

struct Predictions {
    std::vector<std::string> labels;  // class names in id order
    std::vector<float> probabilities; // row-major [size() * labels.size()]
    std::vector<int> predicted;       // argmax class per issue
    std::vector<float> confidence;    // the argmax probability
    std::vector<bool> uncertain;      // confidence < threshold
    float threshold = 0.0F;           // 0: nothing is uncertain

    std::size_t size() const { return predicted.size(); }
    int numClasses() const { return static_cast<int>(labels.size()); }
    float probability(std::size_t row, int cls) const {
        return probabilities[row * labels.size() + static_cast<std::size_t>(cls)];
    }
};

// Marks rows whose confidence is below threshold (in [0, 1]) as uncertain.
void applyThreshold(Predictions& predictions, float threshold);

} // namespace issuebert
