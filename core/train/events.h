// What a training run reports while it works: a plain callback interface the
// CLI prints and the GUI's worker turns into queued signals. metrics.jsonl in
// the run folder records the same stream. LibTorch-free.
#pragma once

#include "core/eval/metrics.h"

#include <string>

namespace issuebert {

struct StepEvent {
    long long step = 0;       // optimizer steps done, 1-based after the first
    long long totalSteps = 0; // for the whole run
    int epoch = 0;            // 1-based
    int epochs = 0;
    long long batch = 0;   // batches done in this epoch
    long long batches = 0; // batches per epoch
    double loss = 0.0;     // mean loss of this step's batches
    double learningRate = 0.0;
    double samplesPerSecond = 0.0; // since the run (or resume) began
    double tokensPerSecond = 0.0;  // real (unpadded) tokens
    double elapsedSeconds = 0.0;   // wall time of the run, resumes included
    double etaSeconds = 0.0;       // to the last step
};

struct EvalEvent {
    long long step = 0;
    int epoch = 0;         // 1-based; the epoch in progress for mid-epoch evaluations
    bool epochEnd = false; // false: an every-N-steps evaluation
    double loss = 0.0;     // validation loss (class-weighted as training)
    ClassificationMetrics metrics;
    double score = 0.0;     // the early-stopping metric's value
    bool improved = false;  // a new best: best/ was saved
    int badEvaluations = 0; // evaluations without improvement so far
};

struct EpochEvent {
    int epoch = 0; // 1-based, the one that ended
    int epochs = 0;
    double trainLoss = 0.0; // mean over the epoch's batches
    double seconds = 0.0;
    double paddingFraction = 0.0; // padding tokens / all tokens in its batches
};

enum class CheckpointKind { Best, Last };

struct CheckpointEvent {
    CheckpointKind kind = CheckpointKind::Last;
    std::string path; // the model folder written
    long long step = 0;
};

enum class RunOutcome {
    Finished,     // every epoch ran
    EarlyStopped, // patience ran out
    Cancelled,    // stopped on request: last/ holds the state to resume from
    Failed,       // an error: message says what; best/ is intact
};

struct FinishedEvent {
    RunOutcome outcome = RunOutcome::Finished;
    std::string message;  // Failed: the error; otherwise a one-line summary
    std::string bestPath; // best/ (empty when no evaluation ran)
    double bestScore = 0.0;
    int bestEpoch = 0;
    long long steps = 0;
    double elapsedSeconds = 0.0;
};

// Every method runs on the training thread, between batches; keep them quick.
class TrainingListener {
public:
    virtual ~TrainingListener() = default;
    // A log line for people: data and model summary, warnings.
    virtual void onMessage(const std::string& /*text*/) {}
    virtual void onStep(const StepEvent& /*event*/) {}
    virtual void onEvaluation(const EvalEvent& /*event*/) {}
    virtual void onEpochEnd(const EpochEvent& /*event*/) {}
    virtual void onCheckpoint(const CheckpointEvent& /*event*/) {}
    virtual void onFinished(const FinishedEvent& /*event*/) {}
};

// Passes every event on to another listener; a subclass overrides the events
// it adds to (a log, a file written at the first step) and calls the base.
class ForwardingListener : public TrainingListener {
public:
    explicit ForwardingListener(TrainingListener& inner) : m_inner(inner) {}
    void onMessage(const std::string& text) override { m_inner.onMessage(text); }
    void onStep(const StepEvent& event) override { m_inner.onStep(event); }
    void onEvaluation(const EvalEvent& event) override { m_inner.onEvaluation(event); }
    void onEpochEnd(const EpochEvent& event) override { m_inner.onEpochEnd(event); }
    void onCheckpoint(const CheckpointEvent& event) override { m_inner.onCheckpoint(event); }
    void onFinished(const FinishedEvent& event) override { m_inner.onFinished(event); }

private:
    TrainingListener& m_inner;
};

const char* runOutcomeName(RunOutcome outcome);

// One JSON object per event, as metrics.jsonl and `--json` write them:
// {"event":"step",...}, {"event":"eval",...}, {"event":"epoch",...},
// {"event":"checkpoint",...}, {"event":"finished",...}, {"event":"message",...}.
std::string eventJson(const StepEvent& event);
std::string eventJson(const EvalEvent& event);
std::string eventJson(const EpochEvent& event);
std::string eventJson(const CheckpointEvent& event);
std::string eventJson(const FinishedEvent& event);
std::string messageJson(const std::string& text);

} // namespace issuebert
