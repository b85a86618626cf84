// trainer_state.json: where a run stands at its last checkpoint (the next
// batch, the best score so far, the data's fingerprint), as Resume reads it.
// LibTorch-free, so the fuzz targets can read it (tests/fuzz/fuzz_resume.cpp).
#pragma once

#include <string>

namespace issuebert {

// trainer_state.json's format version.
inline constexpr int kTrainerStateFormat = 1;

struct TrainerState {
    int epoch = 0;           // 0-based epoch to continue in
    long long batch = 0;     // next batch of that epoch
    long long step = 0;      // optimizer steps done
    double bestScore = -1.0; // < 0: no evaluation yet
    int bestEpoch = 0;
    long long bestStep = 0;
    int badEvaluations = 0;
    long long lastEvalStep = -1;
    double elapsedSeconds = 0.0;
    double epochLossSum = 0.0; // the epoch in progress: sum of its batch losses
    long long epochBatches = 0;
    long long metricsLogBytes = 0; // metrics.jsonl's size at the checkpoint
    std::string fingerprint;       // of the tokenized training and validation data
};

std::string trainerStateJson(const TrainerState& state);
// Throws ModelError naming path and the field.
TrainerState parseTrainerState(const std::string& text, const std::string& path);

} // namespace issuebert
