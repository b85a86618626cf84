// Fine-tuning a pretrained BERT on labelled issues: the whole run — tokenize
// once, length-bucket batches, AdamW with warmup and decay, evaluation, early
// stopping, best/ and last/ checkpoints, exact resume. Reports through a
// TrainingListener. LibTorch-free (pimpl), so the GUI's worker includes it.
#pragma once

#include "core/data/dataset.h"
#include "core/train/events.h"
#include "core/train/train_options.h"

#include <atomic>
#include <memory>
#include <string>

namespace issuebert {

class DataParallel;
struct Session;

// What a run trains and validates on: datasets already loaded (the GUI has
// them; the CLI loads options.trainPath / valPath). validation empty: a
// stratified split of train by options.valFraction and options.seed.
struct TrainData {
    Dataset train;
    Dataset validation; // empty issues: split train
};

// The files of a run folder.
struct RunFolder {
    std::string root;
    std::string configPath() const { return root + "/config.json"; }
    std::string metricsPath() const { return root + "/metrics.jsonl"; }
    std::string bestDir() const { return root + "/best"; }
    std::string lastDir() const { return root + "/last"; }
    std::string statePath() const { return lastDir() + "/trainer_state.json"; }
    std::string optimizerPath() const { return lastDir() + "/optimizer.safetensors"; }
};

// True when dir holds a run that can be resumed: its config.json (written before
// the first step). Without a checkpoint (last/ with trainer_state.json) yet,
// resume() starts the run again from its first step.
bool canResume(const std::string& runDir);

// How much of runDir's metrics.jsonl a resume keeps: its size at the last
// checkpoint (what was logged after it is logged again), 0 when there is no
// checkpoint yet (the run starts over). Throws DataError / IoError for a
// checkpoint whose trainer_state.json cannot be read.
long long resumedMetricsBytes(const std::string& runDir);

// The options a run folder was started with (its config.json). Throws
// DataError / IoError naming the file.
TrainOptions readRunOptions(const std::string& runDir);

class Trainer {
public:
    // Throws DataError listing the problems when validateOptions finds any.
    explicit Trainer(TrainOptions options);
    ~Trainer();
    Trainer(const Trainer&) = delete;
    Trainer& operator=(const Trainer&) = delete;

    const TrainOptions& options() const { return m_options; }

    // Trains from the start into options.outDir (created; an existing run
    // there is refused: resume it or pick another folder). Errors before
    // training starts (bad data, model, folder) are thrown; errors during
    // training (NaN loss, out of memory, disk full) end the run with
    // RunOutcome::Failed, best/ intact. cancel is checked every batch; a
    // cancelled run saves last/ at that batch and returns Cancelled.
    FinishedEvent run(const TrainData& data, TrainingListener& listener,
                      const std::atomic<bool>* cancel = nullptr);

    // Continues the run in options.outDir from last/: same next batch, same
    // learning rate, same random state. data must be what the run started
    // with (checked by a fingerprint: DataError otherwise). A run stopped
    // before its first checkpoint starts again from its first step.
    FinishedEvent resume(const TrainData& data, TrainingListener& listener,
                         const std::atomic<bool>* cancel = nullptr);

    // Trains as one rank of group, a data-parallel run (null: one process).
    // Every rank calls run() or resume() with the same options and data and
    // builds the same batches; each computes its share of every batch (its
    // rows padded as the whole batch is), the gradients are summed across
    // the ranks, and every rank makes the same update: N processes train what
    // one process with the whole batches trains. Validation is split across
    // the ranks and the logits gathered, so every rank reaches the same
    // metrics and the same decisions. Rank 0 alone writes the run folder
    // (config.json, metrics.jsonl, best/, last/) and reports events; the
    // others' listeners hear nothing. Resume reads last/ on every rank (the
    // run folder must be visible to all: one machine, or a shared folder).
    void setDataParallel(DataParallel* group) { m_parallel = group; }

private:
    // Auto epochs and learning rate replaced by their values for the session's
    // training data and model, said in a message.
    void resolveAutoSettings(const Session& session, TrainingListener& listener);
    // Trains the session from step 0 into m_options.outDir, metrics.jsonl
    // started afresh (note, when not empty, its first message).
    FinishedEvent fromFirstStep(Session& session, TrainingListener& listener,
                                const std::atomic<bool>* cancel, const std::string& note);

    // The listener events go to: listener on rank 0 (or alone), else none.
    TrainingListener& reporter(TrainingListener& listener);
    bool writesRunFolder() const;

    TrainOptions m_options;
    DataParallel* m_parallel = nullptr;
    TrainingListener m_silent; // the events of ranks other than 0
};

} // namespace issuebert
