// applyThreshold: the "uncertain" flag the Predict page and the CSV export show.
#include "core/eval/predictions.h"

#include "core/io/errors.h"

#include <sstream>

namespace issuebert {

void applyThreshold(Predictions& predictions, float threshold) {
    // Written as a negation so that NaN is refused as well.
    if (!(threshold >= 0.0F && threshold <= 1.0F)) {
        std::ostringstream message;
        message << "confidence threshold " << threshold << " is outside [0, 1]";
        throw DataError(message.str());
    }
    if (predictions.confidence.size() != predictions.size()) {
        throw DataError("predictions: " + std::to_string(predictions.confidence.size()) +
                        " confidences for " + std::to_string(predictions.size()) + " issues");
    }
    predictions.threshold = threshold;
    predictions.uncertain.assign(predictions.size(), false);
    for (std::size_t row = 0; row < predictions.size(); ++row) {
        predictions.uncertain[row] = predictions.confidence[row] < threshold;
    }
}

} // namespace issuebert
