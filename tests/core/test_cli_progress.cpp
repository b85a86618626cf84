// issuebert-cli train's console output: the line formats, the throttled
// progress line on a terminal, plain lines when piped, JSON lines with --json.
#include "app/cli/progress.h"
#include "tests/support/unit.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

using namespace issuebert;
using namespace issuebert::cli;

namespace {

StepEvent step(long long n) {
    StepEvent e;
    e.step = n;
    e.totalSteps = 360;
    e.epoch = 2;
    e.epochs = 3;
    e.batch = 40;
    e.batches = 120;
    e.loss = 0.5234;
    e.learningRate = 1.8e-5;
    e.samplesPerSecond = 412.3;
    e.elapsedSeconds = 62;
    e.etaSeconds = 192;
    return e;
}

EvalEvent evaluation(bool improved, int bad) {
    EvalEvent e;
    e.step = 40;
    e.epoch = 2;
    e.loss = 0.52;
    e.metrics.accuracy = 0.8125;
    e.metrics.macroF1 = 0.8;
    e.improved = improved;
    e.badEvaluations = bad;
    return e;
}

std::size_t countOf(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

bool has(const std::string& text, const std::string& what) {
    return text.find(what) != std::string::npos;
}

} // namespace

TEST_CASE("progress: durations read as h:mm:ss") {
    CHECK_EQ(formatDuration(0), std::string("0:00:00"));
    CHECK_EQ(formatDuration(192), std::string("0:03:12"));
    CHECK_EQ(formatDuration(3599.6), std::string("1:00:00"));
    CHECK_EQ(formatDuration(97205), std::string("27:00:05"));
    CHECK_EQ(formatDuration(-1), std::string("-:--:--"));
    CHECK_EQ(formatDuration(std::nan("")), std::string("-:--:--"));
    CHECK_EQ(formatDuration(INFINITY), std::string("-:--:--"));
}

TEST_CASE("progress: the terminal line shows the epoch, a bar and the figures") {
    StepEvent e = step(240);
    e.batch = 60;
    const std::string line = progressLine(e, 0.5234, 120);
    CHECK_EQ(line, std::string("epoch 2/3 [===============>              ] 60/120 loss 0.5234 lr "
                               "1.80e-05 412 samples/s ETA 0:03:12"));
    e.batch = 120;
    CHECK(has(progressLine(e, 0.5, 120), "[" + std::string(30, '=') + "]"));
    e.samplesPerSecond = 8.54;
    CHECK(has(progressLine(e, 0.5, 120), " 8.5 samples/s"));
}

TEST_CASE("progress: narrow terminals drop the rate, then the lr, then the bar") {
    const StepEvent e = step(240);
    const std::string medium = progressLine(e, 0.5, 70);
    CHECK(!has(medium, "samples/s"));
    CHECK(has(medium, "lr 1.80e-05"));
    CHECK(has(medium, "["));
    const std::string narrow = progressLine(e, 0.5, 50);
    CHECK(!has(narrow, "lr "));
    CHECK(has(narrow, "ETA 0:03:12"));
    CHECK(!has(progressLine(e, 0.5, 42), "["));
    for (int width = 1; width <= 200; ++width) {
        const std::string line = progressLine(e, 0.5, width);
        // One column left free: a line that fills the last column wraps on some terminals.
        CHECK(line.size() <= static_cast<std::size_t>(std::max(width, 20) - 1));
        CHECK(line.rfind("epoch 2/3", 0) == 0);
    }
}

TEST_CASE("progress: the evaluation, epoch, checkpoint and finished lines") {
    CHECK_EQ(
        evalLine(evaluation(true, 0)),
        std::string("eval epoch 2 step 40: accuracy 0.8125 macro-F1 0.8000 loss 0.5200 (best)"));
    CHECK(has(evalLine(evaluation(false, 2)), "loss 0.5200 (no better for 2 evaluations)"));
    CHECK(has(evalLine(evaluation(false, 1)), "(no better for 1 evaluation)"));
    CHECK_EQ(epochLine(EpochEvent{2, 3, 0.41234, 83, 0.123}),
             std::string("epoch 2/3 done in 0:01:23: train loss 0.4123, padding 12.3%"));
    CHECK_EQ(checkpointLine(CheckpointEvent{CheckpointKind::Best, "runs/a/best", 40}),
             std::string("saved the best model (step 40) to runs/a/best"));
    CHECK(has(checkpointLine(CheckpointEvent{CheckpointKind::Last, "runs/a/last", 80}),
              "latest state (step 80) to runs/a/last"));
    FinishedEvent f;
    f.outcome = RunOutcome::EarlyStopped;
    f.message = "no better accuracy for 5 evaluations";
    f.bestPath = "runs/a/best";
    f.bestEpoch = 2;
    f.bestScore = 0.8125;
    f.steps = 360;
    f.elapsedSeconds = 312;
    CHECK_EQ(finishedLine(f),
             std::string("training stopped early after 360 steps in 0:05:12: no better accuracy "
                         "for 5 evaluations\nbest model: runs/a/best (epoch 2, score 0.8125)"));
    f.outcome = RunOutcome::Failed;
    f.message = "loss is NaN at step 12";
    f.bestPath.clear();
    CHECK_EQ(finishedLine(f),
             std::string("training failed after 360 steps in 0:05:12: loss is NaN at step 12"));
}

TEST_CASE("progress: a terminal redraws one line at most ten times a second") {
    std::ostringstream out;
    double clock = 100.0;
    {
        TerminalListener listener(out, {ProgressMode::Terminal, 100, 5.0, [&] { return clock; }});
        for (int i = 1; i <= 20; ++i) {
            listener.onStep(step(i));
            clock += 0.01; // 100 steps a second
        }
        // 0.2 s of steps: drawn at 100.0, 100.1 and about 100.2.
        CHECK(countOf(out.str(), "\r") >= 2);
        CHECK(countOf(out.str(), "\r") <= 3);
        CHECK(!has(out.str(), "\n"));
        listener.onEvaluation(evaluation(true, 0));
        const std::string text = out.str();
        // The progress line is blanked, then the evaluation is a line of its own.
        CHECK(has(text, "\r" + std::string(90, ' ')));
        CHECK(has(text, "\reval epoch 2 step 40: accuracy 0.8125"));
        CHECK(text.back() == '\n');
        clock += 1.0;
        listener.onStep(step(21));
        CHECK(out.str().back() != '\n');
    }
    // Leaving clears the line the last step drew.
    CHECK(out.str().back() == '\r');
}

TEST_CASE("progress: piped output is plain lines, a step every few seconds") {
    std::ostringstream out;
    double clock = 0.0;
    TerminalListener listener(out, {ProgressMode::Plain, 0, 5.0, [&] { return clock; }});
    listener.onMessage("loaded 1,200 issues");
    for (int i = 1; i <= 12; ++i) {
        listener.onStep(step(i));
        clock += 1.0;
    }
    listener.onEpochEnd(EpochEvent{2, 3, 0.4, 83, 0.1});
    const std::string text = out.str();
    CHECK(!has(text, "\r"));
    // Steps at 0, 5 and 10 seconds.
    CHECK_EQ(countOf(text, "batch 40/120 step "), std::size_t{3});
    CHECK(has(text, "step 1/360 "));
    CHECK(has(text, "step 6/360 "));
    CHECK(has(text, "step 11/360 "));
    CHECK(text.rfind("loaded 1,200 issues\n", 0) == 0);
    CHECK(has(text, "\nepoch 2/3 done in 0:01:23"));
    CHECK_EQ(countOf(text, "\n"), std::size_t{5});
}

TEST_CASE("progress: --json writes every event, each step included, as a JSON line") {
    std::ostringstream out;
    TerminalListener listener(out, {ProgressMode::Json, 0, 5.0, [] { return 0.0; }});
    listener.onMessage("start");
    for (int i = 1; i <= 12; ++i) {
        listener.onStep(step(i));
    }
    listener.onEvaluation(evaluation(true, 0));
    listener.onEpochEnd(EpochEvent{});
    listener.onCheckpoint(CheckpointEvent{});
    listener.onFinished(FinishedEvent{});
    std::istringstream lines(out.str());
    std::vector<std::string> kinds;
    for (std::string line; std::getline(lines, line);) {
        kinds.push_back(nlohmann::json::parse(line).at("event").get<std::string>());
    }
    CHECK_EQ(kinds.size(), std::size_t{17});
    CHECK_EQ(kinds.front(), std::string("message"));
    CHECK_EQ(std::count(kinds.begin(), kinds.end(), "step"), 12);
    CHECK_EQ(kinds.back(), std::string("finished"));
    CHECK(!has(out.str(), "\r"));
}

TEST_CASE("progress: the shown loss is a moving average that starts at the first loss") {
    std::ostringstream out;
    TerminalListener listener(out, {ProgressMode::Json, 0, 5.0, [] { return 0.0; }});
    StepEvent e = step(1);
    e.loss = 1.0;
    listener.onStep(e);
    CHECK_NEAR(listener.smoothedLoss(), 1.0, 1e-12);
    e.loss = 0.0;
    listener.onStep(e);
    // (0.9 * 0.1) / (1 - 0.81): the second step weighs a little more than the first.
    CHECK_NEAR(listener.smoothedLoss(), 0.09 / 0.19, 1e-12);
    for (int i = 0; i < 200; ++i) {
        e.loss = 0.25;
        listener.onStep(e);
    }
    CHECK_NEAR(listener.smoothedLoss(), 0.25, 1e-6);
}
