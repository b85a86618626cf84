// trainer_state.json (see trainer_state.h).
#include "core/train/trainer_state.h"

#include "core/io/json_file.h"

#include <nlohmann/json.hpp>

#include <optional>

namespace issuebert {

namespace {

const nlohmann::json& member(const nlohmann::json& object, const char* key,
                             const std::string& path) {
    const auto it = object.find(key);
    if (it == object.end()) {
        throwFieldError(path, key, "missing");
    }
    return *it;
}

template <typename T>
T integerField(const nlohmann::json& object, const char* key, const std::string& path) {
    const nlohmann::json& value = member(object, key, path);
    const std::optional<T> integer = integerValue<T>(value);
    if (!integer) {
        throwFieldError(path, key,
                        value.is_number_integer()
                            ? "the value " + jsonSummary(value) + " is out of range"
                            : "expected a whole number, found " + jsonSummary(value));
    }
    return *integer;
}

double numberField(const nlohmann::json& object, const char* key, const std::string& path) {
    const nlohmann::json& value = member(object, key, path);
    if (!value.is_number()) {
        throwFieldError(path, key, "expected a number, found " + jsonSummary(value));
    }
    return value.get<double>();
}

std::string stringField(const nlohmann::json& object, const char* key, const std::string& path) {
    const nlohmann::json& value = member(object, key, path);
    if (!value.is_string()) {
        throwFieldError(path, key, "expected a string, found " + jsonSummary(value));
    }
    return value.get<std::string>();
}

} // namespace

std::string trainerStateJson(const TrainerState& state) {
    nlohmann::ordered_json json;
    json["format"] = kTrainerStateFormat;
    json["epoch"] = state.epoch;
    json["batch"] = state.batch;
    json["step"] = state.step;
    json["best_score"] = state.bestScore;
    json["best_epoch"] = state.bestEpoch;
    json["best_step"] = state.bestStep;
    json["bad_evaluations"] = state.badEvaluations;
    json["last_eval_step"] = state.lastEvalStep;
    json["elapsed_seconds"] = state.elapsedSeconds;
    json["epoch_loss_sum"] = state.epochLossSum;
    json["epoch_batches"] = state.epochBatches;
    json["metrics_log_bytes"] = state.metricsLogBytes;
    json["fingerprint"] = state.fingerprint;
    return json.dump(2) + "\n";
}

TrainerState parseTrainerState(const std::string& text, const std::string& path) {
    const auto json = parseJsonObject(text, path);
    if (integerField<int>(json, "format", path) > kTrainerStateFormat) {
        throwFieldError(path, "format", "was written by a newer IssueBERT");
    }
    TrainerState state;
    state.epoch = integerField<int>(json, "epoch", path);
    state.batch = integerField<long long>(json, "batch", path);
    state.step = integerField<long long>(json, "step", path);
    state.bestScore = numberField(json, "best_score", path);
    state.bestEpoch = integerField<int>(json, "best_epoch", path);
    state.bestStep = integerField<long long>(json, "best_step", path);
    state.badEvaluations = integerField<int>(json, "bad_evaluations", path);
    state.lastEvalStep = integerField<long long>(json, "last_eval_step", path);
    state.elapsedSeconds = numberField(json, "elapsed_seconds", path);
    state.epochLossSum = numberField(json, "epoch_loss_sum", path);
    state.epochBatches = integerField<long long>(json, "epoch_batches", path);
    state.metricsLogBytes = integerField<long long>(json, "metrics_log_bytes", path);
    state.fingerprint = stringField(json, "fingerprint", path);
    if (state.epoch < 0 || state.batch < 0 || state.step < 0 || state.metricsLogBytes < 0) {
        throwFieldError(path, "epoch", "the position is negative");
    }
    return state;
}

} // namespace issuebert
