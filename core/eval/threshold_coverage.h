// What the confidence-threshold slider shows: on issues with known labels, how
// many would be labelled automatically (confidence >= threshold) and how often
// those automatic labels are right. LibTorch-free.
#pragma once

#include "core/eval/label_alignment.h"
#include "core/eval/predictions.h"

#include <string>
#include <vector>

namespace issuebert {

struct CoveragePoint {
    float threshold = 0.0F;
    long long automatic = 0; // issues with confidence >= threshold
    long long total = 0;     // all issues
    long long judged = 0;    // automatic issues with a true label
    long long correct = 0;   // judged issues whose prediction is right
    double accuracy = -1.0;  // correct / judged; -1 when nothing is judged

    // automatic / total; 0 for no issues.
    double share() const {
        return total == 0 ? 0.0 : static_cast<double>(automatic) / static_cast<double>(total);
    }
};

// Coverage and accuracy at one threshold in [0, 1]; ties count as automatic.
// truth holds one entry per prediction, as truthInModelOrder makes it
// (label_alignment.h): kNoLabel is not judged, kUnknownToModel is wrong.
// Throws DataError when sizes disagree or the threshold is outside [0, 1].
CoveragePoint coverageAt(const Predictions& predictions, const std::vector<int>& truth,
                         float threshold);

// coverageAt for points evenly spaced thresholds from 0 to 1 (101: every
// hundredth), from one sort by confidence: O(n log n + points log n).
// Throws DataError as coverageAt does, or when points < 2.
std::vector<CoveragePoint> coverageCurve(const Predictions& predictions,
                                         const std::vector<int>& truth, int points = 101);

// "at 0.80: 71% of issues labelled automatically at 96.2% accuracy".
std::string describeCoverage(const CoveragePoint& point);

} // namespace issuebert
