// Classification metrics: accuracy, per-class precision/recall/F1/support,
// macro/micro/weighted F1, the confusion matrix and log loss. LibTorch-free.
#pragma once

#include <string>
#include <vector>

namespace issuebert {

struct ClassMetrics {
    std::string name;
    double precision = 0.0; // 0 when the class was never predicted
    double recall = 0.0;    // 0 when the class has no true issues
    double f1 = 0.0;
    long long support = 0; // true issues of the class
};

struct ClassificationMetrics {
    long long count = 0; // issues scored
    double accuracy = 0.0;
    double macroPrecision = 0.0;
    double macroRecall = 0.0;
    double macroF1 = 0.0;
    double microF1 = 0.0;    // equals accuracy for single-label classification
    double weightedF1 = 0.0; // per-class F1 weighted by support
    double logLoss = -1.0;   // mean -ln p(true class), clamped at 1e-15; -1 without probabilities
    std::vector<ClassMetrics> perClass;
    // confusion[true][predicted]: counts, classes in label order.
    std::vector<std::vector<long long>> confusion;
};

// truth and predicted hold class indices in [0, labels.size()); rows whose
// truth is negative (unlabelled) are skipped. probabilities, when not empty, is
// row-major [truth.size() * labels.size()] and gives the log loss. Throws
// DataError when sizes disagree or an index is out of range.
ClassificationMetrics computeMetrics(const std::vector<int>& truth,
                                     const std::vector<int>& predicted,
                                     const std::vector<std::string>& labels,
                                     const std::vector<float>& probabilities = {});

// The metrics as one JSON object (metrics.jsonl, issuebert.json, --json):
// {"count","accuracy","macro_f1","micro_f1","weighted_f1","macro_precision",
//  "macro_recall","log_loss" (null without probabilities),
//  "per_class":[{"name","precision","recall","f1","support"}],"confusion":[[...]]}
std::string metricsToJson(const ClassificationMetrics& metrics);

// A human-readable report: accuracy, log loss, a per-class table and the
// confusion matrix, as the CLI prints it.
std::string metricsReport(const ClassificationMetrics& metrics);

} // namespace issuebert
