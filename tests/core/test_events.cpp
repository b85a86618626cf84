// Training events as JSON lines: each parses back, "event" comes first, and
// the values are the event's, numbers as numbers.
#include "core/train/events.h"
#include "tests/support/unit.h"

#include <nlohmann/json.hpp>

using namespace issuebert;
using nlohmann::json;

namespace {

// The event's line, parsed; checks it is one line that starts with "event".
json parsed(const std::string& line, const std::string& kind) {
    if (line.find('\n') != std::string::npos) {
        return json("more than one line");
    }
    if (line.rfind("{\"event\":\"" + kind + "\"", 0) != 0) {
        return json("\"event\" is not first");
    }
    return json::parse(line);
}

} // namespace

TEST_CASE("events: a step's line holds its values as numbers") {
    StepEvent e;
    e.step = 240;
    e.totalSteps = 360;
    e.epoch = 2;
    e.epochs = 3;
    e.batch = 120;
    e.batches = 180;
    e.loss = 0.4375;
    e.learningRate = 1.5e-5;
    e.samplesPerSecond = 412.5;
    e.tokensPerSecond = 51234.0;
    e.elapsedSeconds = 62.25;
    e.etaSeconds = 31.5;
    const json j = parsed(eventJson(e), "step");
    CHECK(j.is_object());
    CHECK_EQ(j.at("step").get<long long>(), 240LL);
    CHECK_EQ(j.at("total_steps").get<long long>(), 360LL);
    CHECK_EQ(j.at("epoch").get<int>(), 2);
    CHECK_EQ(j.at("epochs").get<int>(), 3);
    CHECK_EQ(j.at("batch").get<long long>(), 120LL);
    CHECK_EQ(j.at("batches").get<long long>(), 180LL);
    CHECK(j.at("loss").is_number());
    CHECK_EQ(j.at("loss").get<double>(), 0.4375);
    CHECK_EQ(j.at("learning_rate").get<double>(), 1.5e-5);
    CHECK_EQ(j.at("samples_per_second").get<double>(), 412.5);
    CHECK_EQ(j.at("tokens_per_second").get<double>(), 51234.0);
    CHECK_EQ(j.at("elapsed_seconds").get<double>(), 62.25);
    CHECK_EQ(j.at("eta_seconds").get<double>(), 31.5);
}

TEST_CASE("events: an evaluation's line carries its metrics") {
    EvalEvent e;
    e.step = 40;
    e.epoch = 2;
    e.epochEnd = true;
    e.loss = 0.52;
    e.metrics = computeMetrics({0, 1, 1, 0}, {0, 1, 0, 0}, {"bug", "feature"});
    e.score = e.metrics.accuracy;
    e.improved = true;
    e.badEvaluations = 0;
    const json j = parsed(eventJson(e), "eval");
    CHECK(j.is_object());
    CHECK_EQ(j.at("step").get<long long>(), 40LL);
    CHECK_EQ(j.at("epoch").get<int>(), 2);
    CHECK_EQ(j.at("epoch_end").get<bool>(), true);
    CHECK_EQ(j.at("loss").get<double>(), 0.52);
    CHECK_EQ(j.at("score").get<double>(), 0.75);
    CHECK_EQ(j.at("improved").get<bool>(), true);
    CHECK_EQ(j.at("bad_evaluations").get<int>(), 0);
    CHECK(j.at("metrics").is_object());
    CHECK_EQ(j.at("metrics").at("accuracy").get<double>(), 0.75);
    CHECK_EQ(j.at("metrics").at("count").get<long long>(), 4LL);
    CHECK_EQ(j.at("metrics").at("per_class").size(), std::size_t{2});
    CHECK_EQ(j.at("metrics").at("per_class")[1].at("name").get<std::string>(),
             std::string("feature"));
    CHECK_EQ(j.at("metrics").at("confusion")[0][0].get<long long>(), 2LL);
}

TEST_CASE("events: epoch, checkpoint, finished and message lines") {
    EpochEvent epoch;
    epoch.epoch = 1;
    epoch.epochs = 3;
    epoch.trainLoss = 0.75;
    epoch.seconds = 12.5;
    epoch.paddingFraction = 0.125;
    const json e = parsed(eventJson(epoch), "epoch");
    CHECK(e.is_object());
    CHECK_EQ(e.at("epoch").get<int>(), 1);
    CHECK_EQ(e.at("epochs").get<int>(), 3);
    CHECK_EQ(e.at("train_loss").get<double>(), 0.75);
    CHECK_EQ(e.at("seconds").get<double>(), 12.5);
    CHECK_EQ(e.at("padding_fraction").get<double>(), 0.125);

    const json c = parsed(eventJson(CheckpointEvent{CheckpointKind::Best, "runs/a \"b\"/best", 40}),
                          "checkpoint");
    CHECK(c.is_object());
    CHECK_EQ(c.at("kind").get<std::string>(), std::string("best"));
    CHECK_EQ(c.at("path").get<std::string>(), std::string("runs/a \"b\"/best"));
    CHECK_EQ(c.at("step").get<long long>(), 40LL);
    CHECK_EQ(json::parse(eventJson(CheckpointEvent{})).at("kind").get<std::string>(),
             std::string("last"));

    FinishedEvent f;
    f.outcome = RunOutcome::EarlyStopped;
    f.message = "no better accuracy for 5 evaluations\nstopped";
    f.bestPath = "runs/a/best";
    f.bestScore = 0.8125;
    f.bestEpoch = 2;
    f.steps = 360;
    f.elapsedSeconds = 300.5;
    const json d = parsed(eventJson(f), "finished");
    CHECK(d.is_object());
    CHECK_EQ(d.at("outcome").get<std::string>(), std::string("early_stopped"));
    CHECK_EQ(d.at("message").get<std::string>(), f.message);
    CHECK_EQ(d.at("best_path").get<std::string>(), f.bestPath);
    CHECK_EQ(d.at("best_score").get<double>(), 0.8125);
    CHECK_EQ(d.at("best_epoch").get<int>(), 2);
    CHECK_EQ(d.at("steps").get<long long>(), 360LL);
    CHECK_EQ(d.at("elapsed_seconds").get<double>(), 300.5);

    const json m = parsed(messageJson("loaded 1,200 issues; 3 labels"), "message");
    CHECK(m.is_object());
    CHECK_EQ(m.at("text").get<std::string>(), std::string("loaded 1,200 issues; 3 labels"));
}

TEST_CASE("events: outcomes have names, broken UTF-8 does not throw") {
    CHECK_EQ(std::string(runOutcomeName(RunOutcome::Finished)), std::string("finished"));
    CHECK_EQ(std::string(runOutcomeName(RunOutcome::EarlyStopped)), std::string("early_stopped"));
    CHECK_EQ(std::string(runOutcomeName(RunOutcome::Cancelled)), std::string("cancelled"));
    CHECK_EQ(std::string(runOutcomeName(RunOutcome::Failed)), std::string("failed"));
    const json m = json::parse(messageJson("caf\xe9 label"));
    CHECK_EQ(m.at("text").get<std::string>(), std::string("caf\xef\xbf\xbd label"));
}
