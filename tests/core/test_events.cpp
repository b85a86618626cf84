// Training events as JSON lines: each parses back, "event" comes first, and
// the values are the event's, numbers as numbers. A past run's metrics.jsonl
// reads back as the charts draw it; a bad line is named, never half read.
#include "core/io/errors.h"
#include "core/train/events.h"
#include "core/train/metrics_log.h"
#include "tests/support/unit.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <variant>

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

TEST_CASE("metrics log: a run's log reads back as the charts draw it") {
    StepEvent first;
    first.step = 1;
    first.loss = 1.25;
    StepEvent diverged;
    diverged.step = 2;
    diverged.loss = std::numeric_limits<double>::quiet_NaN(); // written as null
    EvalEvent evaluation;
    evaluation.step = 2;
    evaluation.loss = 0.75;
    evaluation.metrics.accuracy = 0.625;
    evaluation.metrics.macroF1 = 0.5;
    evaluation.improved = true;
    EpochEvent epoch;
    epoch.epoch = 1;
    // Lines the charts skip, a blank line, a Windows line end and no final newline.
    const std::string log =
        messageJson("loaded 12 issues") + "\n" + eventJson(first) + "\r\n\n" + eventJson(diverged) +
        "\n" + eventJson(CheckpointEvent{CheckpointKind::Best, "run/best", 2}) + "\n" +
        eventJson(evaluation) + "\n" + eventJson(epoch) + "\n" + eventJson(FinishedEvent{});
    unit::TempDir dir;
    const std::string path = dir.write("metrics.jsonl", log);
    for (const auto& events : {readMetricsLog(path), parseMetricsLog(log, path)}) {
        CHECK_EQ(events.size(), std::size_t{4});
        CHECK(std::holds_alternative<StepEvent>(events[0]));
        CHECK_EQ(std::get<StepEvent>(events[0]).step, 1LL);
        CHECK_EQ(std::get<StepEvent>(events[0]).loss, 1.25);
        CHECK(std::isnan(std::get<StepEvent>(events[1]).loss));
        CHECK(std::holds_alternative<EvalEvent>(events[2]));
        const auto& read = std::get<EvalEvent>(events[2]);
        CHECK_EQ(read.step, 2LL);
        CHECK_EQ(read.loss, 0.75);
        CHECK_EQ(read.metrics.accuracy, 0.625);
        CHECK_EQ(read.metrics.macroF1, 0.5);
        CHECK(read.improved);
        CHECK(std::holds_alternative<EpochEvent>(events[3]));
        CHECK_EQ(std::get<EpochEvent>(events[3]).epoch, 1);
    }
}

TEST_CASE("metrics log: a bad line is refused with the file, the line and what is wrong") {
    const std::string good = R"({"event":"step","step":1,"loss":0.5})";
    const struct {
        std::string line;
        std::string what;
    } cases[] = {
        {R"({"event":"step","step":3)", "not valid JSON"},
        {"[1, 2]", "not a JSON object"},
        {R"({"step":3})", "no \"event\" key"},
        {R"({"event":7})", "\"event\" is not a string"},
        {R"({"event":"step","step":2})", "no \"loss\" key"},
        {R"({"event":"step","step":"2","loss":1})", "\"step\" is not a whole number"},
        {R"({"event":"step","step":2.5,"loss":1})", "\"step\" is not a whole number"},
        // Once undefined behaviour: 1e300 converted to a whole number.
        {R"({"event":"step","step":1e300,"loss":1})", "\"step\" is not a whole number"},
        {R"({"event":"step","step":18446744073709551615,"loss":1})",
         "\"step\" is out of range (18446744073709551615)"},
        {R"({"event":"epoch","epoch":4294967296})", "\"epoch\" is out of range (4294967296)"},
        {R"({"event":"step","step":2,"loss":"low"})", "\"loss\" is not a number"},
        {R"({"event":"eval","step":2,"loss":1,"metrics":[]})", "\"metrics\" is not an object"},
        {R"({"event":"eval","step":2,"loss":1,"metrics":{"accuracy":"high","macro_f1":0.5}})",
         "\"accuracy\" is not a number"},
        {R"({"event":"eval","step":2,"loss":1,"metrics":{"accuracy":0.5}})", "no \"macro_f1\" key"},
        {R"({"event":"step","x":)" + std::string(200000, '[') + "}",
         "not a metrics line: nested more than 100"},
        {"{\"event\":\"message\",\"text\":\"" + std::string(kMaxMetricsLineBytes, 'a') + "\"}",
         "longer than 1 MiB"},
    };
    unit::TempDir dir;
    for (const auto& bad : cases) {
        const std::string log = good + "\n\n" + bad.line + "\n" + good + "\n";
        const std::string path = dir.write("metrics.jsonl", log);
        CHECK_THROWS_WITH(readMetricsLog(path), DataError, path + ": line 3: " + bad.what);
        CHECK_THROWS_WITH(parseMetricsLog(log, "m.jsonl"), DataError,
                          "m.jsonl: line 3: " + bad.what);
    }
    // A long line is refused before the rest of it is read, even without a line end.
    const std::string endless =
        dir.write("endless.jsonl", good + "\n" + std::string(3 << 20, ' ') + "x");
    CHECK_THROWS_WITH(readMetricsLog(endless), DataError, endless + ": line 2: longer than 1 MiB");
    const std::string missing = (dir.path() / "nowhere" / "metrics.jsonl").string();
    CHECK_THROWS_WITH(readMetricsLog(missing), IoError, missing + ": cannot open: No such file");
}
