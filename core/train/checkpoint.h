// A run's last/ checkpoint: the model folder plus optimizer.safetensors,
// rng.safetensors (optimizer.pt and rng.pt of IssueBERTs before 2026-12-07 are
// refused with a message) and trainer_state.json — everything Resume needs to continue with the
// same next batch, learning rate and random state. Written into a fresh sibling folder that then
// replaces last/, so a crash leaves the previous checkpoint whole.
#pragma once

#include "core/model/classifier.h"
#include "core/model/model_save.h"
#include "core/train/adamw.h"
#include "core/train/trainer_state.h"

#include <cstdint>
#include <string>

namespace issuebert {

// Writes lastDir (replacing it): the model in fp32, the optimizer state, the
// random generators' state and state. Throws IoError / ModelError.
void saveLastCheckpoint(BertClassifierImpl& model, const AdamW& optimizer,
                        const TrainerState& state, const std::string& tokenizerDir,
                        const std::string& lastDir, const SaveOptions& saveOptions);

// lastDir's trainer state; when a crash fell between the two renames of
// saveLastCheckpoint, the completed sibling is moved into place first.
// Throws ModelError / IoError naming the file, also when the checkpoint is an
// earlier IssueBERT's (optimizer.pt, rng.pt: LibTorch archives, not read).
TrainerState readLastState(const std::string& lastDir);

// Restores the optimizer and the random generators from lastDir. Throws
// ModelError naming the file, also for an earlier IssueBERT's optimizer.pt or
// rng.pt (LibTorch archives, not read).
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
