// The training events as JSON lines: metrics.jsonl and `issuebert-cli train --json`.
#include "core/train/events.h"

#include <nlohmann/json.hpp>

namespace issuebert {

namespace {

// ordered_json keeps "event" first, so a reader sees the kind before the values.
using json = nlohmann::ordered_json;

json eventObject(const char* kind) {
    json object = json::object();
    object["event"] = kind;
    return object;
}

// One line; replace: a path or a message with broken UTF-8 must not stop the run.
std::string line(const json& object) {
    return object.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace

const char* runOutcomeName(RunOutcome outcome) {
    switch (outcome) {
    case RunOutcome::Finished:
        return "finished";
    case RunOutcome::EarlyStopped:
        return "early_stopped";
    case RunOutcome::Cancelled:
        return "cancelled";
    case RunOutcome::Failed:
        return "failed";
    }
    return "failed";
}

std::string eventJson(const StepEvent& event) {
    json object = eventObject("step");
    object["step"] = event.step;
    object["total_steps"] = event.totalSteps;
    object["epoch"] = event.epoch;
    object["epochs"] = event.epochs;
    object["batch"] = event.batch;
    object["batches"] = event.batches;
    object["loss"] = event.loss;
    object["learning_rate"] = event.learningRate;
    object["samples_per_second"] = event.samplesPerSecond;
    object["tokens_per_second"] = event.tokensPerSecond;
    object["elapsed_seconds"] = event.elapsedSeconds;
    object["eta_seconds"] = event.etaSeconds;
    return line(object);
}

std::string eventJson(const EvalEvent& event) {
    json object = eventObject("eval");
    object["step"] = event.step;
    object["epoch"] = event.epoch;
    object["epoch_end"] = event.epochEnd;
    object["loss"] = event.loss;
    object["score"] = event.score;
    object["improved"] = event.improved;
    object["bad_evaluations"] = event.badEvaluations;
    object["metrics"] = json::parse(metricsToJson(event.metrics));
    return line(object);
}

std::string eventJson(const EpochEvent& event) {
    json object = eventObject("epoch");
    object["epoch"] = event.epoch;
    object["epochs"] = event.epochs;
    object["train_loss"] = event.trainLoss;
    object["seconds"] = event.seconds;
    object["padding_fraction"] = event.paddingFraction;
    return line(object);
}

std::string eventJson(const CheckpointEvent& event) {
    json object = eventObject("checkpoint");
    object["kind"] = event.kind == CheckpointKind::Best ? "best" : "last";
    object["path"] = event.path;
    object["step"] = event.step;
    return line(object);
}

std::string eventJson(const FinishedEvent& event) {
    json object = eventObject("finished");
    object["outcome"] = runOutcomeName(event.outcome);
    object["message"] = event.message;
    object["best_path"] = event.bestPath;
    object["best_score"] = event.bestScore;
    object["best_epoch"] = event.bestEpoch;
    object["steps"] = event.steps;
    object["elapsed_seconds"] = event.elapsedSeconds;
    return line(object);
}

std::string messageJson(const std::string& text) {
    json object = eventObject("message");
    object["text"] = text;
    return line(object);
}

} // namespace issuebert
