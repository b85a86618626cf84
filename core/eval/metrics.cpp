// Classification metrics from a confusion matrix, the same definitions as
// scikit-learn's classification_report and log_loss.
#include "core/eval/metrics.h"

#include "core/io/errors.h"
#include "core/text/utf8.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace issuebert {

namespace {

// Probabilities below this count as this in the log loss, so one confident
// mistake costs ln(1e15) ~ 34.5 instead of infinity (scikit-learn's eps).
constexpr double kMinProbability = 1e-15;

double ratio(long long numerator, long long denominator) {
    return denominator > 0 ? static_cast<double>(numerator) / static_cast<double>(denominator)
                           : 0.0;
}

double harmonicMean(double a, double b) {
    return a + b > 0.0 ? 2.0 * a * b / (a + b) : 0.0;
}

void checkIndex(int index, std::size_t row, const char* what, std::size_t classes) {
    if (index < 0 || static_cast<std::size_t>(index) >= classes) {
        throw DataError("metrics: row " + std::to_string(row + 1) + ": " + what + " class " +
                        std::to_string(index) + " is outside 0.." +
                        std::to_string(static_cast<long long>(classes) - 1));
    }
}

std::string formatNumber(const char* format, double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, format, value);
    return buffer;
}

// Pads UTF-8 text with spaces to width characters (left-aligned).
std::string padRight(const std::string& text, std::size_t width) {
    const std::size_t length = codepointCount(text);
    return length >= width ? text : text + std::string(width - length, ' ');
}

std::string padLeft(const std::string& text, std::size_t width) {
    const std::size_t length = codepointCount(text);
    return length >= width ? text : std::string(width - length, ' ') + text;
}

} // namespace

ClassificationMetrics computeMetrics(const std::vector<int>& truth,
                                     const std::vector<int>& predicted,
                                     const std::vector<std::string>& labels,
                                     const std::vector<float>& probabilities) {
    const std::size_t classes = labels.size();
    if (predicted.size() != truth.size()) {
        throw DataError("metrics: " + std::to_string(predicted.size()) + " predictions for " +
                        std::to_string(truth.size()) + " true labels");
    }
    if (!probabilities.empty() && probabilities.size() != truth.size() * classes) {
        throw DataError("metrics: " + std::to_string(probabilities.size()) + " probabilities for " +
                        std::to_string(truth.size()) + " rows of " + std::to_string(classes) +
                        " classes; expected " + std::to_string(truth.size() * classes));
    }

    ClassificationMetrics metrics;
    metrics.confusion.assign(classes, std::vector<long long>(classes, 0));
    double lossSum = 0.0;
    for (std::size_t row = 0; row < truth.size(); ++row) {
        if (truth[row] < 0) {
            continue; // unlabelled: nothing to score against
        }
        checkIndex(truth[row], row, "true", classes);
        checkIndex(predicted[row], row, "predicted", classes);
        const auto t = static_cast<std::size_t>(truth[row]);
        ++metrics.confusion[t][static_cast<std::size_t>(predicted[row])];
        ++metrics.count;
        if (!probabilities.empty()) {
            // max(eps, p) and not max(p, eps): a NaN probability counts as eps.
            const double p = std::max(kMinProbability, double{probabilities[row * classes + t]});
            lossSum -= std::log(p);
        }
    }

    long long correct = 0;
    long long presentClasses = 0; // classes with support or predictions
    for (std::size_t c = 0; c < classes; ++c) {
        ClassMetrics cm;
        cm.name = labels[c];
        long long predictedCount = 0;
        for (std::size_t t = 0; t < classes; ++t) {
            cm.support += metrics.confusion[c][t];
            predictedCount += metrics.confusion[t][c];
        }
        const long long hits = metrics.confusion[c][c];
        correct += hits;
        cm.precision = ratio(hits, predictedCount);
        cm.recall = ratio(hits, cm.support);
        cm.f1 = harmonicMean(cm.precision, cm.recall);
        // Macro averages run over the classes that occur in the truth or the
        // predictions, as scikit-learn's do: a class absent from an evaluation
        // set says nothing about the model and must not pull the average to 0.
        if (cm.support > 0 || predictedCount > 0) {
            ++presentClasses;
            metrics.macroPrecision += cm.precision;
            metrics.macroRecall += cm.recall;
            metrics.macroF1 += cm.f1;
        }
        metrics.weightedF1 += cm.f1 * static_cast<double>(cm.support);
        metrics.perClass.push_back(std::move(cm));
    }
    if (presentClasses > 0) {
        const auto n = static_cast<double>(presentClasses);
        metrics.macroPrecision /= n;
        metrics.macroRecall /= n;
        metrics.macroF1 /= n;
    }
    metrics.accuracy = ratio(correct, metrics.count);
    // Single-label: micro precision = micro recall = correct / count.
    metrics.microF1 = metrics.accuracy;
    metrics.weightedF1 =
        metrics.count > 0 ? metrics.weightedF1 / static_cast<double>(metrics.count) : 0.0;
    if (!probabilities.empty() && metrics.count > 0) {
        metrics.logLoss = lossSum / static_cast<double>(metrics.count);
    }
    return metrics;
}

std::string metricsToJson(const ClassificationMetrics& metrics) {
    // ordered_json: the keys stay in the documented order for people reading the file.
    nlohmann::ordered_json json;
    json["count"] = metrics.count;
    json["accuracy"] = metrics.accuracy;
    json["macro_f1"] = metrics.macroF1;
    json["micro_f1"] = metrics.microF1;
    json["weighted_f1"] = metrics.weightedF1;
    json["macro_precision"] = metrics.macroPrecision;
    json["macro_recall"] = metrics.macroRecall;
    json["log_loss"] = metrics.logLoss < 0.0 ? nlohmann::ordered_json(nullptr)
                                             : nlohmann::ordered_json(metrics.logLoss);
    nlohmann::ordered_json perClass = nlohmann::ordered_json::array();
    for (const ClassMetrics& cm : metrics.perClass) {
        nlohmann::ordered_json item;
        item["name"] = cm.name;
        item["precision"] = cm.precision;
        item["recall"] = cm.recall;
        item["f1"] = cm.f1;
        item["support"] = cm.support;
        perClass.push_back(std::move(item));
    }
    json["per_class"] = std::move(perClass);
    json["confusion"] = metrics.confusion;
    // Class names come from datasets: replace ill-formed UTF-8 rather than throw.
    return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string metricsReport(const ClassificationMetrics& metrics) {
    std::string out;
    out += "issues scored  " + std::to_string(metrics.count) + "\n";
    out += "accuracy       " + formatNumber("%.4f", metrics.accuracy) + "\n";
    out += "macro F1       " + formatNumber("%.4f", metrics.macroF1) + "\n";
    out += "micro F1       " + formatNumber("%.4f", metrics.microF1) + "\n";
    out += "weighted F1    " + formatNumber("%.4f", metrics.weightedF1) + "\n";
    out += "log loss       " +
           (metrics.logLoss < 0.0 ? std::string("-") : formatNumber("%.4f", metrics.logLoss)) +
           "\n";

    std::size_t nameWidth = 5; // "class"
    for (const ClassMetrics& cm : metrics.perClass) {
        nameWidth = std::max(nameWidth, codepointCount(cm.name));
    }
    out += "\n" + padRight("class", nameWidth) + "  precision     recall         f1    support\n";
    for (const ClassMetrics& cm : metrics.perClass) {
        out += padRight(cm.name, nameWidth) + "  " +
               padLeft(formatNumber("%.4f", cm.precision), 9) + "  " +
               padLeft(formatNumber("%.4f", cm.recall), 9) + "  " +
               padLeft(formatNumber("%.4f", cm.f1), 9) + "  " +
               padLeft(std::to_string(cm.support), 9) + "\n";
    }

    // Confusion matrix: one row per true class, one column per predicted class.
    std::size_t cellWidth = 1;
    for (const ClassMetrics& cm : metrics.perClass) {
        cellWidth = std::max(cellWidth, codepointCount(cm.name));
    }
    for (const auto& row : metrics.confusion) {
        for (const long long n : row) {
            cellWidth = std::max(cellWidth, std::to_string(n).size());
        }
    }
    out += "\nconfusion (rows: true class, columns: predicted class)\n";
    out += std::string(nameWidth, ' ');
    for (const ClassMetrics& cm : metrics.perClass) {
        out += "  " + padLeft(cm.name, cellWidth);
    }
    out += "\n";
    for (std::size_t t = 0; t < metrics.confusion.size(); ++t) {
        const std::string name =
            t < metrics.perClass.size() ? metrics.perClass[t].name : std::to_string(t);
        out += padRight(name, nameWidth);
        for (const long long n : metrics.confusion[t]) {
            out += "  " + padLeft(std::to_string(n), cellWidth);
        }
        out += "\n";
    }
    return out;
}

} // namespace issuebert
