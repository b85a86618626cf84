// Coverage of a confidence threshold: counts at one threshold, and a whole
// curve from one descending sort plus prefix sums.
#include "core/eval/threshold_coverage.h"

#include "core/io/errors.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace issuebert {

namespace {

void checkSizes(const Predictions& predictions, const std::vector<int>& truth) {
    if (predictions.confidence.size() != predictions.size() || truth.size() != predictions.size()) {
        throw DataError("threshold coverage: " + std::to_string(predictions.size()) +
                        " predictions, " + std::to_string(predictions.confidence.size()) +
                        " confidences and " + std::to_string(truth.size()) +
                        " true labels; expected as many of each");
    }
}

void checkThreshold(float threshold) {
    // Written as a negation so that NaN is refused as well.
    if (!(threshold >= 0.0F && threshold <= 1.0F)) {
        throw DataError("confidence threshold " + std::to_string(threshold) + " is outside [0, 1]");
    }
}

double ratio(long long part, long long whole) {
    return whole == 0 ? -1.0 : static_cast<double>(part) / static_cast<double>(whole);
}

} // namespace

CoveragePoint coverageAt(const Predictions& predictions, const std::vector<int>& truth,
                         float threshold) {
    checkSizes(predictions, truth);
    checkThreshold(threshold);
    CoveragePoint point;
    point.threshold = threshold;
    point.total = static_cast<long long>(predictions.size());
    for (std::size_t row = 0; row < predictions.size(); ++row) {
        if (!(predictions.confidence[row] >= threshold)) {
            continue;
        }
        ++point.automatic;
        if (truth[row] != kNoLabel) {
            ++point.judged;
            point.correct += truth[row] == predictions.predicted[row] ? 1 : 0;
        }
    }
    point.accuracy = ratio(point.correct, point.judged);
    return point;
}

std::vector<CoveragePoint> coverageCurve(const Predictions& predictions,
                                         const std::vector<int>& truth, int points) {
    checkSizes(predictions, truth);
    if (points < 2) {
        throw DataError("threshold coverage: " + std::to_string(points) +
                        " points; at least 2 are needed (0 and 1)");
    }
    struct Row {
        float confidence;
        int judged;
        int correct;
    };
    std::vector<Row> rows;
    rows.reserve(predictions.size());
    for (std::size_t row = 0; row < predictions.size(); ++row) {
        const float confidence = predictions.confidence[row];
        if (std::isnan(confidence)) {
            continue; // never automatic, as in coverageAt; NaN would break the sort
        }
        const bool judged = truth[row] != kNoLabel;
        rows.push_back({confidence, judged ? 1 : 0,
                        judged && truth[row] == predictions.predicted[row] ? 1 : 0});
    }
    std::sort(rows.begin(), rows.end(),
              [](const Row& a, const Row& b) { return a.confidence > b.confidence; });
    // judgedBefore[i], correctBefore[i]: counts over the i most confident rows.
    std::vector<long long> judgedBefore(rows.size() + 1, 0);
    std::vector<long long> correctBefore(rows.size() + 1, 0);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        judgedBefore[i + 1] = judgedBefore[i] + rows[i].judged;
        correctBefore[i + 1] = correctBefore[i] + rows[i].correct;
    }
    std::vector<CoveragePoint> curve;
    curve.reserve(static_cast<std::size_t>(points));
    for (int i = 0; i < points; ++i) {
        // i / (points - 1) in float, so the curve's 0.8 is exactly coverageAt's 0.8F.
        const float threshold = static_cast<float>(i) / static_cast<float>(points - 1);
        const auto end = std::partition_point(rows.begin(), rows.end(), [threshold](const Row& r) {
            return r.confidence >= threshold;
        });
        const auto count = static_cast<std::size_t>(end - rows.begin());
        CoveragePoint point;
        point.threshold = threshold;
        point.total = static_cast<long long>(predictions.size());
        point.automatic = static_cast<long long>(count);
        point.judged = judgedBefore[count];
        point.correct = correctBefore[count];
        point.accuracy = ratio(point.correct, point.judged);
        curve.push_back(point);
    }
    return curve;
}

std::string describeCoverage(const CoveragePoint& point) {
    char text[160];
    if (point.automatic == 0) {
        std::snprintf(text, sizeof text, "at %.2f: no issue is labelled automatically",
                      static_cast<double>(point.threshold));
    } else if (point.judged == 0) {
        std::snprintf(text, sizeof text,
                      "at %.2f: %.0f%% of issues labelled automatically (no true labels to "
                      "judge accuracy)",
                      static_cast<double>(point.threshold), 100.0 * point.share());
    } else {
        std::snprintf(text, sizeof text,
                      "at %.2f: %.0f%% of issues labelled automatically at %.1f%% accuracy",
                      static_cast<double>(point.threshold), 100.0 * point.share(),
                      100.0 * point.accuracy);
    }
    return text;
}

} // namespace issuebert
