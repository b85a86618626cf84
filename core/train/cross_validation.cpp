// crossValidate: folds from stratifiedFolds, one Trainer run per fold, the best
// model scored by the Predictor on the held-out fold, cv.json rewritten after
// every fold so a stopped cross-validation keeps what it measured.
#include "core/train/cross_validation.h"

#include "core/data/split.h"
#include "core/eval/label_alignment.h"
#include "core/eval/predictions_csv.h"
#include "core/eval/predictor.h"
#include "core/io/atomic_file.h"
#include "core/io/errors.h"
#include "core/train/trainer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>

namespace issuebert {

namespace fs = std::filesystem;

namespace {

// The most runs a cross-validation may ask for; beyond it a typo, not a plan.
constexpr int kMaxRuns = 1000;

Dataset subset(const Dataset& data, const std::vector<std::size_t>& rows) {
    Dataset part;
    part.path = data.path;
    part.format = data.format;
    part.labels = data.labels;
    part.idField = data.idField;
    part.titleField = data.titleField;
    part.bodyField = data.bodyField;
    part.textField = data.textField;
    part.labelField = data.labelField;
    part.issues.reserve(rows.size());
    for (const std::size_t row : rows) {
        part.issues.push_back(data.issues[row]);
    }
    return part;
}

std::vector<std::size_t> allBut(std::size_t rows, const std::vector<std::size_t>& held) {
    std::vector<bool> out(rows, false);
    for (const std::size_t row : held) {
        out[row] = true;
    }
    std::vector<std::size_t> kept;
    for (std::size_t row = 0; row < rows; ++row) {
        if (!out[row]) {
            kept.push_back(row);
        }
    }
    return kept;
}

void checkOptions(const TrainOptions& options, const CrossValidationOptions& cv) {
    if (!options.valPath.empty()) {
        throw DataError("cross-validation takes its validation split from the training folds; "
                        "drop the validation file (" +
                        options.valPath + ")");
    }
    if (cv.folds < 2 || cv.repeats < 1 || cv.folds * cv.repeats > kMaxRuns) {
        throw DataError("cross-validation needs 2 or more folds and 1 or more repeats, at most " +
                        std::to_string(kMaxRuns) +
                        " runs in all (asked: " + std::to_string(cv.folds) + " folds x " +
                        std::to_string(cv.repeats) + " repeats)");
    }
    if (cv.trainPerClass < 0) {
        throw DataError("issues per class " + std::to_string(cv.trainPerClass) +
                        " must be 0 (all) or more");
    }
    for (const int fold : cv.onlyFolds) {
        if (fold < 1 || fold > cv.folds) {
            throw DataError("fold " + std::to_string(fold) + " is not one of the " +
                            std::to_string(cv.folds) + " folds");
        }
    }
    if (options.outDir.empty()) {
        throw DataError("cross-validation needs a folder for its runs");
    }
    std::error_code ec;
    if (fs::exists(options.outDir) && !fs::is_empty(options.outDir, ec)) {
        throw DataError(options.outDir +
                        ": the folder is not empty; cross-validate into a new folder");
    }
    Trainer check(options); // throws DataError listing every bad setting
}

std::string foldName(int repeat, int fold) {
    return "repeat-" + std::to_string(repeat + 1) + "-fold-" + std::to_string(fold + 1);
}

void summarise(CrossValidationResult& result) {
    std::vector<double> accuracy, macroF1, seconds;
    for (const FoldResult& fold : result.folds) {
        accuracy.push_back(fold.test.accuracy);
        macroF1.push_back(fold.test.macroF1);
        seconds.push_back(fold.trainSeconds);
    }
    result.accuracy = meanStd(accuracy);
    result.macroF1 = meanStd(macroF1);
    result.trainSeconds = meanStd(seconds);
}

} // namespace

MeanStd meanStd(const std::vector<double>& values) {
    MeanStd result;
    if (values.empty()) {
        return result;
    }
    double sum = 0.0;
    for (const double v : values) {
        sum += v;
    }
    result.mean = sum / static_cast<double>(values.size());
    if (values.size() > 1) {
        double squares = 0.0;
        for (const double v : values) {
            squares += (v - result.mean) * (v - result.mean);
        }
        result.std = std::sqrt(squares / static_cast<double>(values.size() - 1));
    }
    return result;
}

CrossValidationResult crossValidate(const TrainOptions& options, const Dataset& data,
                                    const CrossValidationOptions& cv, TrainingListener& training,
                                    CrossValidationListener& listener,
                                    const std::atomic<bool>* cancel) {
    checkOptions(options, cv);
    std::vector<std::size_t> labelledRows;
    std::vector<int> labels;
    for (std::size_t row = 0; row < data.issues.size(); ++row) {
        if (data.issues[row].labelled()) {
            labelledRows.push_back(row);
            labels.push_back(data.issues[row].label);
        }
    }
    const Dataset labelled = subset(data, labelledRows);
    // Data that cannot fill the folds is refused before any folder is made.
    const std::uint64_t foldSeed = cv.foldSeed.value_or(options.seed);
    stratifiedFolds(labels, cv.folds, foldSeed);
    std::error_code ec;
    fs::create_directories(options.outDir, ec);
    if (ec) {
        throw IoError(options.outDir + ": cannot create the folder: " + ec.message());
    }

    CrossValidationResult result;
    result.labels = data.labels.names();
    const auto runsFold = [&](int k) {
        return cv.onlyFolds.empty() ||
               std::find(cv.onlyFolds.begin(), cv.onlyFolds.end(), k + 1) != cv.onlyFolds.end();
    };
    int foldsPerRepeat = 0;
    for (int k = 0; k < cv.folds; ++k) {
        foldsPerRepeat += runsFold(k) ? 1 : 0;
    }
    const int runs = foldsPerRepeat * cv.repeats;
    const auto writeSummary = [&] {
        writeFileAtomically(options.outDir + "/cv.json", [&](std::ostream& out) {
            out << crossValidationJson(result, options, cv) << '\n';
        });
    };
    for (int repeat = 0; repeat < cv.repeats && !result.cancelled; ++repeat) {
        const auto folds = stratifiedFolds(labels, cv.folds, foldSeed + repeat);
        for (int k = 0; k < cv.folds; ++k) {
            if (!runsFold(k)) {
                continue;
            }
            if (cancel != nullptr && cancel->load()) {
                result.cancelled = true;
                break;
            }
            listener.onFoldStart(repeat, k, static_cast<int>(result.folds.size()), runs);
            const auto& held = folds[static_cast<std::size_t>(k)];
            TrainOptions foldOptions = options;
            foldOptions.outDir = options.outDir + "/" + foldName(repeat, k);
            foldOptions.seed = options.seed + static_cast<std::uint64_t>(repeat);
            Trainer trainer(foldOptions);
            TrainData trainData;
            std::vector<std::size_t> trainRows = allBut(labelled.size(), held);
            if (cv.trainPerClass > 0) {
                std::vector<int> trainLabels;
                trainLabels.reserve(trainRows.size());
                for (const std::size_t row : trainRows) {
                    trainLabels.push_back(labels[row]);
                }
                std::vector<std::size_t> sampled;
                for (const std::size_t i :
                     stratifiedSample(trainLabels, cv.trainPerClass, foldSeed + repeat + k)) {
                    sampled.push_back(trainRows[i]);
                }
                trainRows = std::move(sampled);
            }
            trainData.train = subset(labelled, trainRows);
            const Dataset test = subset(labelled, held);

            // A stopped or failed fold leaves no folder behind unless asked.
            const auto dropRun = [&] {
                if (!cv.keepRuns) {
                    fs::remove_all(foldOptions.outDir, ec);
                }
            };
            FinishedEvent finished;
            try {
                finished = trainer.run(trainData, training, cancel);
            } catch (const CancelledError&) { // stopped while tokenizing
                finished.outcome = RunOutcome::Cancelled;
            }
            if (finished.outcome == RunOutcome::Cancelled) {
                dropRun();
                result.cancelled = true;
                break;
            }
            if (finished.outcome == RunOutcome::Failed || finished.bestPath.empty()) {
                dropRun();
                throw Error(ErrorKind::Internal,
                            foldName(repeat, k) + ": training failed: " + finished.message);
            }
            FoldResult fold;
            fold.repeat = repeat;
            fold.fold = k;
            fold.trainIssues = trainData.train.issues.size();
            fold.testIssues = test.issues.size();
            fold.bestEpoch = finished.bestEpoch;
            fold.trainSeconds = finished.elapsedSeconds;
            PredictorOptions predictorOptions;
            predictorOptions.device = options.device;
            predictorOptions.precision = options.precision;
            Predictions predictions;
            try {
                const Predictor predictor(finished.bestPath, predictorOptions);
                predictions = predictor.predict(test.issues, {}, cancel);
            } catch (const CancelledError&) {
                dropRun();
                result.cancelled = true;
                break;
            }
            // The run's classes are the dataset's names, in the model's order.
            const std::vector<int> truth =
                truthInModelOrder(test.issues, labelled.labels.names(), predictions.labels);
            fold.test = computeMetrics(truth, predictions.predicted, predictions.labels,
                                       predictions.probabilities);
            writePredictionsCsv(options.outDir + "/" + foldName(repeat, k) + "-predictions.csv",
                                test.issues, labelled.labels.names(), predictions);
            result.labels = predictions.labels;
            result.folds.push_back(fold);
            summarise(result);
            writeSummary();
            listener.onFoldEnd(fold);
            dropRun();
        }
    }
    summarise(result);
    writeSummary();
    return result;
}

std::string crossValidationJson(const CrossValidationResult& result, const TrainOptions& options,
                                const CrossValidationOptions& cv) {
    using nlohmann::json;
    json folds = json::array();
    for (const FoldResult& fold : result.folds) {
        folds.push_back({{"repeat", fold.repeat + 1},
                         {"fold", fold.fold + 1},
                         {"train_issues", fold.trainIssues},
                         {"test_issues", fold.testIssues},
                         {"best_epoch", fold.bestEpoch},
                         {"train_seconds", fold.trainSeconds},
                         {"accuracy", fold.test.accuracy},
                         {"macro_f1", fold.test.macroF1},
                         {"metrics", json::parse(metricsToJson(fold.test))}});
    }
    const auto pair = [](const MeanStd& v) { return json{{"mean", v.mean}, {"std", v.std}}; };
    const json out = {{"folds_per_repeat", cv.folds},
                      {"repeats", cv.repeats},
                      {"train_per_class", cv.trainPerClass},
                      {"fold_seed", cv.foldSeed.value_or(options.seed)},
                      {"only_folds", cv.onlyFolds},
                      {"labels", result.labels},
                      {"cancelled", result.cancelled},
                      {"runs", folds.size()},
                      {"accuracy", pair(result.accuracy)},
                      {"macro_f1", pair(result.macroF1)},
                      {"train_seconds", pair(result.trainSeconds)},
                      {"options", json::parse(trainOptionsToJson(options))},
                      {"folds", folds}};
    return out.dump(2);
}

} // namespace issuebert
