// A run's last/ checkpoint: the model folder plus optimizer.pt, rng.pt and
// trainer_state.json — everything Resume needs to continue with the same next
// batch, learning rate and random state. Written into a fresh sibling folder
// that then replaces last/, so a crash leaves the previous checkpoint whole.
#pragma once

#include "core/model/classifier.h"
#include "core/model/model_save.h"
#include "core/train/adamw.h"

#include <cstdint>
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

// Writes lastDir (replacing it): the model in fp32, the optimizer state, the
// random generators' state and state. Throws IoError / ModelError.
void saveLastCheckpoint(BertClassifierImpl& model, const AdamW& optimizer,
                        const TrainerState& state, const std::string& tokenizerDir,
                        const std::string& lastDir, const SaveOptions& saveOptions);

// lastDir's trainer state; when a crash fell between the two renames of
// saveLastCheckpoint, the completed sibling is moved into place first.
// Throws ModelError / IoError naming the file.
TrainerState readLastState(const std::string& lastDir);

// Restores the optimizer and the random generators from lastDir.
void restoreLastCheckpoint(AdamW& optimizer, const std::string& lastDir);

// FNV-1a over the token ids and labels of a tokenized set, as 16 hex digits.
class Fingerprint {
public:
    void add(const std::vector<std::int32_t>& ids);
    void add(std::int64_t value);
    std::string hex() const;

private:
    std::uint64_t m_hash = 1469598103934665603ULL;
};

} // namespace issuebert
