// Evaluation metrics against hand-computed values, and the confidence threshold.
#include "core/eval/metrics.h"
#include "core/eval/predictions.h"
#include "core/eval/uncertainty.h"
#include "core/io/errors.h"
#include "tests/support/unit.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

using namespace issuebert;

namespace {

const std::vector<std::string> kLabels = {"bug", "feature", "question"};

// The worked example, 12 scored issues:
//
//   true \ predicted   bug  feature  question   support
//   bug                  5        1         0         6
//   feature              2        1         1         4
//   question             0        1         1         2
//   predicted            7        3         2
//
//   bug:      P = 5/7, R = 5/6, F1 = 2PR/(P+R) = 10/13
//   feature:  P = 1/3, R = 1/4, F1 = 2/7
//   question: P = 1/2, R = 1/2, F1 = 1/2
//   accuracy = micro F1 = 7/12
//   macro P  = (5/7 + 1/3 + 1/2) / 3 = 65/126
//   macro R  = (5/6 + 1/4 + 1/2) / 3 = 19/36
//   macro F1 = (10/13 + 2/7 + 1/2) / 3 = 283/546
//   weighted F1 = (6 * 10/13 + 4 * 2/7 + 2 * 1/2) / 12 = 205/364
//
// Each correct row gives its true class 0.8, each wrong one 0.2, so
//   log loss = (7 * -ln 0.8 + 5 * -ln 0.2) / 12 = 0.8007662
const std::vector<int> kTruth = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2};
const std::vector<int> kPredicted = {0, 0, 0, 0, 0, 1, 0, 0, 1, 2, 1, 2};

std::vector<float> exampleProbabilities() {
    std::vector<float> probabilities;
    for (std::size_t row = 0; row < kTruth.size(); ++row) {
        const bool correct = kTruth[row] == kPredicted[row];
        std::vector<float> p(3, correct ? 0.1F : 0.0F);
        p[static_cast<std::size_t>(kTruth[row])] = correct ? 0.8F : 0.2F;
        if (!correct) {
            // The rest to the predicted class, so it is the argmax as a model's would be.
            p[static_cast<std::size_t>(kPredicted[row])] = 0.8F;
        }
        probabilities.insert(probabilities.end(), p.begin(), p.end());
    }
    return probabilities;
}

constexpr double kTolerance = 1e-6;

} // namespace

TEST_CASE("metrics: the worked three-class example") {
    const ClassificationMetrics m =
        computeMetrics(kTruth, kPredicted, kLabels, exampleProbabilities());
    CHECK_EQ(m.count, 12LL);
    const std::vector<std::vector<long long>> confusion = {{5, 1, 0}, {2, 1, 1}, {0, 1, 1}};
    CHECK(m.confusion == confusion);
    CHECK_NEAR(m.accuracy, 7.0 / 12.0, kTolerance);
    CHECK_NEAR(m.microF1, 7.0 / 12.0, kTolerance);
    CHECK_NEAR(m.macroPrecision, 65.0 / 126.0, kTolerance);
    CHECK_NEAR(m.macroRecall, 19.0 / 36.0, kTolerance);
    CHECK_NEAR(m.macroF1, 283.0 / 546.0, kTolerance);
    CHECK_NEAR(m.weightedF1, 205.0 / 364.0, kTolerance);
    CHECK_NEAR(m.logLoss, 0.8007662, kTolerance);

    CHECK_EQ(m.perClass.size(), std::size_t{3});
    CHECK_EQ(m.perClass[0].name, std::string("bug"));
    CHECK_NEAR(m.perClass[0].precision, 5.0 / 7.0, kTolerance);
    CHECK_NEAR(m.perClass[0].recall, 5.0 / 6.0, kTolerance);
    CHECK_NEAR(m.perClass[0].f1, 10.0 / 13.0, kTolerance);
    CHECK_EQ(m.perClass[0].support, 6LL);
    CHECK_NEAR(m.perClass[1].precision, 1.0 / 3.0, kTolerance);
    CHECK_NEAR(m.perClass[1].recall, 1.0 / 4.0, kTolerance);
    CHECK_NEAR(m.perClass[1].f1, 2.0 / 7.0, kTolerance);
    CHECK_EQ(m.perClass[1].support, 4LL);
    CHECK_NEAR(m.perClass[2].precision, 0.5, kTolerance);
    CHECK_NEAR(m.perClass[2].recall, 0.5, kTolerance);
    CHECK_NEAR(m.perClass[2].f1, 0.5, kTolerance);
    CHECK_EQ(m.perClass[2].support, 2LL);
}

TEST_CASE("metrics: without probabilities there is no log loss") {
    const ClassificationMetrics m = computeMetrics(kTruth, kPredicted, kLabels);
    CHECK_EQ(m.logLoss, -1.0);
    CHECK_NEAR(m.macroF1, 283.0 / 546.0, kTolerance);
}

TEST_CASE("metrics: a probability of 0 for the true class costs ln(1e15), not infinity") {
    // Row 1: p(true) = 0.8 -> 0.2231436; row 2: p(true) = 0 -> -ln(1e-15) = 34.5387764.
    const ClassificationMetrics m =
        computeMetrics({0, 1}, {0, 0}, {"a", "b"}, {0.8F, 0.2F, 1.0F, 0.0F});
    CHECK(std::isfinite(m.logLoss));
    CHECK_NEAR(m.logLoss, (0.2231436 + 34.5387764) / 2.0, kTolerance);
}

TEST_CASE("metrics: a class never predicted has precision 0, not NaN") {
    // truth a b c c, predicted a a a c:
    //   a: P = 1/3, R = 1, F1 = 1/2;  b: never predicted, P = R = F1 = 0;
    //   c: P = 1, R = 1/2, F1 = 2/3;  macro F1 = (1/2 + 0 + 2/3) / 3 = 7/18.
    const ClassificationMetrics m = computeMetrics({0, 1, 2, 2}, {0, 0, 0, 2}, {"a", "b", "c"});
    CHECK_EQ(m.perClass[1].precision, 0.0);
    CHECK_EQ(m.perClass[1].recall, 0.0);
    CHECK_EQ(m.perClass[1].f1, 0.0);
    CHECK_EQ(m.perClass[1].support, 1LL);
    CHECK_NEAR(m.perClass[0].f1, 0.5, kTolerance);
    CHECK_NEAR(m.perClass[2].f1, 2.0 / 3.0, kTolerance);
    CHECK_NEAR(m.macroF1, 7.0 / 18.0, kTolerance);
    CHECK(!std::isnan(m.macroPrecision));
}

TEST_CASE("metrics: a class without support but predicted counts as F1 0") {
    // truth a a b b, predicted a c b b: c has no true issues but one prediction.
    //   a: P = 1, R = 1/2, F1 = 2/3;  b: F1 = 1;  c: P = R = F1 = 0, support 0.
    //   macro F1 = (2/3 + 1 + 0) / 3 = 5/9;  weighted F1 = (2 * 2/3 + 2 * 1) / 4 = 5/6.
    const ClassificationMetrics m = computeMetrics({0, 0, 1, 1}, {0, 2, 1, 1}, {"a", "b", "c"});
    CHECK_EQ(m.perClass[2].support, 0LL);
    CHECK_EQ(m.perClass[2].precision, 0.0);
    CHECK_EQ(m.perClass[2].recall, 0.0);
    CHECK_NEAR(m.macroF1, 5.0 / 9.0, kTolerance);
    CHECK_NEAR(m.weightedF1, 5.0 / 6.0, kTolerance);
}

TEST_CASE("metrics: a class absent from truth and predictions leaves the macro average alone") {
    // As scikit-learn: macro averages run over the classes that occur.
    const ClassificationMetrics m = computeMetrics({0, 1}, {0, 1}, {"a", "b", "c"});
    CHECK_NEAR(m.macroF1, 1.0, kTolerance);
    CHECK_NEAR(m.macroPrecision, 1.0, kTolerance);
    CHECK_EQ(m.perClass.size(), std::size_t{3});
    CHECK_EQ(m.perClass[2].support, 0LL);
    CHECK_EQ(m.perClass[2].f1, 0.0);
}

TEST_CASE("metrics: unlabelled rows are skipped, their probabilities too") {
    // Row 2 is unlabelled and wrong by any measure; it must not count.
    // Rows 1 and 3 give their true class 0.5: log loss = ln 2.
    const ClassificationMetrics m =
        computeMetrics({0, -1, 1}, {0, 1, 1}, {"a", "b"}, {0.5F, 0.5F, 0.0F, 1.0F, 0.5F, 0.5F});
    CHECK_EQ(m.count, 2LL);
    CHECK_EQ(m.accuracy, 1.0);
    const std::vector<std::vector<long long>> confusion = {{1, 0}, {0, 1}};
    CHECK(m.confusion == confusion);
    CHECK_NEAR(m.logLoss, std::log(2.0), kTolerance);
}

TEST_CASE("metrics: nothing to score gives zeros, not NaN") {
    const ClassificationMetrics m = computeMetrics({-1, -1}, {0, 1}, {"a", "b"}, {1, 0, 0, 1});
    CHECK_EQ(m.count, 0LL);
    CHECK_EQ(m.accuracy, 0.0);
    CHECK_EQ(m.macroF1, 0.0);
    CHECK_EQ(m.weightedF1, 0.0);
    CHECK_EQ(m.logLoss, -1.0);
}

TEST_CASE("metrics: mismatched sizes and out-of-range classes are data errors") {
    CHECK_THROWS_WITH(computeMetrics({0, 1, 2}, {0, 1}, kLabels), DataError,
                      "2 predictions for 3 true labels");
    CHECK_THROWS_WITH(computeMetrics({0, 1}, {0, 1}, kLabels, {0.5F, 0.5F, 0.5F}), DataError,
                      "3 probabilities for 2 rows of 3 classes; expected 6");
    CHECK_THROWS_WITH(computeMetrics({0, 3}, {0, 1}, kLabels), DataError,
                      "row 2: true class 3 is outside 0..2");
    CHECK_THROWS_WITH(computeMetrics({0, 1, 1}, {0, 1, -2}, kLabels), DataError,
                      "row 3: predicted class -2 is outside 0..2");
}

TEST_CASE("metrics: JSON holds every documented key with the values") {
    const ClassificationMetrics m =
        computeMetrics(kTruth, kPredicted, kLabels, exampleProbabilities());
    const nlohmann::json json = nlohmann::json::parse(metricsToJson(m));
    for (const char* key :
         {"count", "accuracy", "macro_f1", "micro_f1", "weighted_f1", "macro_precision",
          "macro_recall", "log_loss", "per_class", "confusion"}) {
        CHECK(json.contains(key));
    }
    CHECK_EQ(json["count"].get<long long>(), 12LL);
    CHECK_NEAR(json["macro_f1"].get<double>(), 283.0 / 546.0, kTolerance);
    CHECK_NEAR(json["log_loss"].get<double>(), 0.8007662, kTolerance);
    CHECK_EQ(json["per_class"].size(), std::size_t{3});
    CHECK_EQ(json["per_class"][1]["name"].get<std::string>(), std::string("feature"));
    CHECK_NEAR(json["per_class"][1]["recall"].get<double>(), 0.25, kTolerance);
    CHECK_EQ(json["per_class"][1]["support"].get<long long>(), 4LL);
    for (const char* key : {"name", "precision", "recall", "f1", "support"}) {
        CHECK(json["per_class"][0].contains(key));
    }
    CHECK(json["confusion"] == nlohmann::json::parse("[[5,1,0],[2,1,1],[0,1,1]]"));
    // One line: metrics.jsonl holds one object per line.
    CHECK(metricsToJson(m).find('\n') == std::string::npos);

    const nlohmann::json noProbabilities =
        nlohmann::json::parse(metricsToJson(computeMetrics(kTruth, kPredicted, kLabels)));
    CHECK(noProbabilities["log_loss"].is_null());
}

TEST_CASE("metrics: the report shows the figures, the classes and the confusion matrix") {
    const std::string report =
        metricsReport(computeMetrics(kTruth, kPredicted, kLabels, exampleProbabilities()));
    CHECK(report.find("accuracy       0.5833") != std::string::npos);
    CHECK(report.find("macro F1       0.5183") != std::string::npos);
    CHECK(report.find("log loss       0.8008") != std::string::npos);
    // The bug row: precision 5/7, recall 5/6, F1 10/13, support 6.
    CHECK(report.find("bug          0.7143     0.8333     0.7692          6") != std::string::npos);
    // Confusion row "feature": 2 taken for bugs, 1 right, 1 taken for a question.
    CHECK(report.find("\nfeature          2         1         1\n") != std::string::npos);
    const std::string noLoss = metricsReport(computeMetrics(kTruth, kPredicted, kLabels));
    CHECK(noLoss.find("log loss       -") != std::string::npos);
}

TEST_CASE("threshold: exactly the rows below it are uncertain") {
    Predictions p;
    p.labels = {"a", "b"};
    p.predicted = {0, 1, 0, 1};
    p.confidence = {0.9F, 0.5F, 0.49F, 0.7F};
    p.probabilities = {0.9F, 0.1F, 0.5F, 0.5F, 0.49F, 0.51F, 0.3F, 0.7F};
    applyThreshold(p, 0.5F);
    CHECK_EQ(p.threshold, 0.5F);
    CHECK(p.uncertain == std::vector<bool>({false, false, true, false}));
    applyThreshold(p, 0.8F);
    CHECK(p.uncertain == std::vector<bool>({false, true, true, true}));
    applyThreshold(p, 0.0F);
    CHECK(p.uncertain == std::vector<bool>(4, false));
    CHECK_EQ(p.threshold, 0.0F);
}

TEST_CASE("threshold: outside [0, 1] is a data error and changes nothing") {
    Predictions p;
    p.labels = {"a"};
    p.predicted = {0};
    p.confidence = {0.4F};
    applyThreshold(p, 0.5F);
    CHECK_THROWS_WITH(applyThreshold(p, 1.5F), DataError, "outside [0, 1]");
    CHECK_THROWS_WITH(applyThreshold(p, -0.1F), DataError, "-0.1");
    CHECK_THROWS_WITH(applyThreshold(p, std::numeric_limits<float>::quiet_NaN()), DataError,
                      "outside [0, 1]");
    CHECK_EQ(p.threshold, 0.5F);
    CHECK(p.uncertain == std::vector<bool>({true}));
    applyThreshold(p, 1.0F);
    CHECK(p.uncertain == std::vector<bool>({true}));
}

TEST_CASE("uncertainty: the smallest margin between the two likeliest classes comes first, "
          "ties in row order, skipped rows left out") {
    Predictions p;
    p.labels = {"bug", "feature", "question"};
    p.predicted = {0, 1, 2, 0, 1};
    p.confidence = {0.8F, 0.4F, 0.5F, 0.9F, 0.4F};
    p.probabilities = {0.8F,  0.1F,  0.1F,   // margin 0.7
                       0.35F, 0.4F,  0.25F,  // 0.05
                       0.2F,  0.3F,  0.5F,   // 0.2
                       0.9F,  0.05F, 0.05F,  // 0.85
                       0.25F, 0.4F,  0.35F}; // 0.05, a tie with row 1
    const std::vector<double> margin = marginOf(p);
    CHECK(std::abs(margin[1] - 0.05) < 1e-6);
    CHECK(std::abs(margin[3] - 0.85) < 1e-6);
    CHECK_EQ(mostUncertainFirst(p), (std::vector<std::size_t>{1, 4, 2, 0, 3}));
    CHECK_EQ(mostUncertainFirst(p, [](std::size_t row) { return row == 1 || row == 2; }),
             (std::vector<std::size_t>{4, 0, 3}));
    CHECK(mostUncertainFirst(Predictions{}).empty());
}

TEST_CASE("uncertainty: by entropy, the probability spread widest comes first; it can order "
          "otherwise than the margin") {
    Predictions p;
    p.labels = {"bug", "feature", "question"};
    p.predicted = {0, 0, 1, 0};
    p.confidence = {0.5F, 0.34F, 0.6F, 1.0F};
    p.probabilities = {0.5F,  0.5F,  0.0F,  // margin 0, entropy log 2 = 0.693
                       0.34F, 0.33F, 0.33F, // margin 0.01, entropy 1.0985 (near log 3)
                       0.2F,  0.6F,  0.2F,  // margin 0.4, entropy 0.950
                       1.0F,  0.0F,  0.0F}; // certain: entropy 0
    const std::vector<double> entropy = entropyOf(p);
    CHECK(std::abs(entropy[0] - std::log(2.0)) < 1e-6);
    CHECK(std::abs(entropy[2] - (-0.4 * std::log(0.2) - 0.6 * std::log(0.6))) < 1e-6);
    CHECK_EQ(entropy[3], 0.0); // 0 log 0 taken as 0, not NaN
    CHECK_EQ(mostUncertainFirst(p, {}, UncertaintyMeasure::Entropy),
             (std::vector<std::size_t>{1, 2, 0, 3}));
    CHECK_EQ(mostUncertainFirst(p, {}, UncertaintyMeasure::Margin),
             (std::vector<std::size_t>{0, 1, 2, 3}));
    CHECK_EQ(mostUncertainFirst(
                 p, [](std::size_t row) { return row == 1; }, UncertaintyMeasure::Entropy),
             (std::vector<std::size_t>{2, 0, 3}));
}
