// How `issuebert-cli train` shows a run: one updating progress line on a
// terminal, plain lines when piped, JSON lines with --json.
#pragma once

#include "core/train/events.h"

#include <functional>
#include <iosfwd>
#include <string>

namespace issuebert::cli {

enum class ProgressMode {
    Terminal, // stderr is a terminal: a progress line redrawn in place
    Plain,    // stderr is piped or a file: a line now and then
    Json,     // --json: every event as a JSON line (stdout)
};

struct ProgressOptions {
    ProgressMode mode = ProgressMode::Plain;
    // Terminal columns; 0: $COLUMNS, else the terminal's, else 80 (asked at each redraw).
    int width = 0;
    // Plain mode: seconds between step lines.
    double plainIntervalSeconds = 5.0;
    // Monotonic seconds; empty: the steady clock. Tests pass their own.
    std::function<double()> clock;
};

// Terminal when stderr is a terminal, else Plain; Json when json is set.
ProgressMode detectProgressMode(bool json);
// The columns of the terminal on fd: $COLUMNS, else its window size, else 80.
int terminalWidth(int fd);

// "h:mm:ss" ("0:03:12", "27:00:05"); "-:--:--" when unknown (negative, NaN, inf).
std::string formatDuration(double seconds);
// The terminal's progress line, at most width - 1 columns: "epoch 2/3
// [=====>    ] 40/120 loss 0.5234 lr 1.80e-05 412 samples/s ETA 0:03:12".
// The bar and the count are the epoch's batches; the ETA is the run's.
// Narrow terminals lose the rate, the learning rate, then the bar.
std::string progressLine(const StepEvent& event, double smoothedLoss, int width);
// The piped form: "epoch 2/3 batch 40/120 step 240/360 loss 0.5234 lr 1.80e-05
// 412 samples/s elapsed 0:01:02 ETA 0:03:12".
std::string stepLine(const StepEvent& event, double smoothedLoss);
// "eval epoch 2 step 40: accuracy 0.8125 macro-F1 0.8000 loss 0.5200 (best)";
// without improvement "(no better for 2 evaluations)".
std::string evalLine(const EvalEvent& event);
// "epoch 2/3 done in 0:01:23: train loss 0.4123, padding 12.3%".
std::string epochLine(const EpochEvent& event);
// "saved the best model (step 40) to runs/a/best".
std::string checkpointLine(const CheckpointEvent& event);
// "training finished after 360 steps in 0:05:12: MESSAGE", then "best model:
// PATH (epoch 2, score 0.8125)" on a second line when there is one.
std::string finishedLine(const FinishedEvent& event);

// The TrainingListener `issuebert-cli train` hands the trainer. Runs on the
// training thread only, like every listener.
class TerminalListener : public TrainingListener {
public:
    // out: stderr for Terminal and Plain, stdout for Json.
    TerminalListener(std::ostream& out, ProgressOptions options);
    // Clears a progress line left on the terminal.
    ~TerminalListener() override;
    TerminalListener(const TerminalListener&) = delete;
    TerminalListener& operator=(const TerminalListener&) = delete;

    void onMessage(const std::string& text) override;
    void onStep(const StepEvent& event) override;
    void onEvaluation(const EvalEvent& event) override;
    void onEpochEnd(const EpochEvent& event) override;
    void onCheckpoint(const CheckpointEvent& event) override;
    void onFinished(const FinishedEvent& event) override;

    // The loss shown: an exponential moving average of the steps' losses.
    double smoothedLoss() const { return m_smoothedLoss; }

private:
    double now() const;
    // A whole line; on a terminal the progress line is cleared first.
    void printLine(const std::string& text);
    void clearProgress();
    void writeJson(const std::string& line);

    std::ostream& m_out;
    ProgressOptions m_options;
    double m_lossAverage = 0.0; // biased EMA; divided by 1 - beta^n for the shown value
    double m_smoothedLoss = 0.0;
    long long m_lossSteps = 0;
    double m_lastDraw = 0.0;
    bool m_drawnOnce = false;
    std::size_t m_drawnLength = 0; // columns of the progress line on screen; 0: none
};

} // namespace issuebert::cli
