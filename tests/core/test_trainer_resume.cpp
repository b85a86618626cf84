// The Trainer stopped and resumed, on a tiny BERT: a stopped run resumes with
// the same next batch and ends exactly as an unbroken one, before its first
// checkpoint too; a legacy checkpoint is refused by name; running out of
// memory ends the run with best/ kept.
#include "core/io/errors.h"
#include "core/model/collate.h"
#include "core/model/model_folder.h"
#include "core/model/saved_settings.h"
#include "core/model/weights.h"
#include "core/train/checkpoint.h"
#include "core/train/metrics_log.h"
#include "core/train/train_step.h"
#include "core/train/trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <new>
#include <random>
#include <sstream>

#include "tests/support/trainer_fixtures.h"
#include "tests/support/unit.h"

using namespace issuebert;
using namespace trainer_fixtures;
namespace fs = std::filesystem;

TEST_CASE("train: a stopped run resumes with the same next batch and ends exactly as an "
          "uninterrupted one, in fp32 and in bf16") {
    unit::TempDir temp;
    const std::string model = tinyModel(temp);
    const Dataset data = separable(20);
    for (const Precision precision : {Precision::Float32, Precision::BFloat16}) {
        const fs::path dir = temp.path() / precisionName(precision);
        auto options = tinyOptions(model, dir / "straight");
        options.precision = precision;
        options.epochs = 3;
        options.dropout = 0.2; // dropout draws random numbers: the generator state must resume too
        Recorder straight;
        Trainer(options).run({data, {}}, straight);

        options.outDir = (dir / "stopped").string();
        std::atomic<bool> cancel{false};
        Recorder first;
        first.cancel = &cancel;
        first.cancelAtStep = 10; // mid-epoch 2 (45 training issues: 6 steps an epoch)
        const FinishedEvent stopped = Trainer(options).run({data, {}}, first, &cancel);
        CHECK_EQ(runOutcomeName(stopped.outcome), std::string("cancelled"));
        CHECK_EQ(stopped.steps, 10LL);
        CHECK(canResume(options.outDir));
        // What resume keeps of the log: all of it up to the checkpoint, not a
        // step logged after it (as a kill leaves one).
        const fs::path logPath = dir / "stopped" / "metrics.jsonl";
        const long long kept = resumedMetricsBytes(options.outDir);
        CHECK(kept > 0 && kept <= static_cast<long long>(fs::file_size(logPath)));
        std::ofstream(logPath, std::ios::app) << "{\"event\":\"step\",\"step\":1000,\"loss\":1}\n";
        const auto keptEvents = readMetricsLog(logPath.string(), kept);
        CHECK_EQ(keptEvents.size() + 1, readMetricsLog(logPath.string()).size());
        CHECK_EQ(resumedMetricsBytes(options.outDir), kept);

        Recorder second;
        const TrainOptions saved = readRunOptions(options.outDir);
        CHECK_EQ(saved.dropout, 0.2);
        CHECK(saved.precision == precision);
        const FinishedEvent resumed = Trainer(saved).resume({data, {}}, second);
        CHECK_EQ(runOutcomeName(resumed.outcome), std::string("finished"));
        CHECK_EQ(second.steps.front().step, 11LL);
        CHECK_EQ(second.steps.front().learningRate, straight.steps[10].learningRate);
        CHECK_EQ(second.steps.front().loss, straight.steps[10].loss);
        CHECK_EQ(second.evals.back().loss, straight.evals.back().loss);
        CHECK_EQ(second.evals.back().metrics.accuracy, straight.evals.back().metrics.accuracy);
        // The log reads as one run: every step once.
        const std::string log = readFile(dir / "stopped" / "metrics.jsonl");
        CHECK_EQ(countLines(log, "\"event\":\"step\""), static_cast<int>(straight.steps.size()));
    }
}

TEST_CASE("train: a checkpoint of an IssueBERT before 2026-12-07 (optimizer.pt, rng.pt) is "
          "refused by name, the run folder untouched") {
    unit::TempDir temp;
    const std::string model = tinyModel(temp);
    const Dataset data = separable(20);
    for (const std::string name : {"optimizer", "rng"}) {
        auto options = tinyOptions(model, temp.path() / name);
        options.epochs = 3;
        std::atomic<bool> cancel{false};
        Recorder first;
        first.cancel = &cancel;
        first.cancelAtStep = 10;
        Trainer(options).run({data, {}}, first, &cancel);
        // What an earlier IssueBERT left: a LibTorch archive (never opened now).
        const fs::path last = temp.path() / name / "last";
        fs::remove(last / (name + ".safetensors"));
        std::ofstream(last / (name + ".pt"), std::ios::binary) << "PK\x03\x04 a LibTorch archive";
        // Steps logged after the checkpoint, as a killed run leaves them.
        const fs::path log = temp.path() / name / "metrics.jsonl";
        std::ofstream(log, std::ios::app) << "{\"event\":\"step\",\"step\":11}\n";
        const std::string logBefore = readFile(log);

        Recorder second;
        CHECK_THROWS_WITH(Trainer(readRunOptions(options.outDir)).resume({data, {}}, second),
                          ModelError,
                          (last / (name + ".pt")).string() +
                              ": this checkpoint was written by an IssueBERT from before "
                              "2026-12-07 in LibTorch's archive format, which is no longer read");
        CHECK(second.steps.empty());
        CHECK_EQ(readFile(log), logBefore); // not cut back to the checkpoint: no data lost
        CHECK(fs::exists(temp.path() / name / "best" / "model.safetensors"));
    }
}

TEST_CASE("train: running out of memory ends the run with advice, best/ kept, nothing thrown") {
    unit::TempDir temp;
    const std::string model = tinyModel(temp);
    // LibTorch's own errors, raised where a step would raise them (no GPU here
    // to exhaust; on a lent one the same path runs for real).
    struct OutOfMemory : Recorder {
        std::string what;
        void onStep(const StepEvent& e) override {
            Recorder::onStep(e);
            if (e.step == 8 && what.empty()) { // after the first epoch's evaluation and best/
                throw std::bad_alloc();
            }
            if (e.step == 8) {
                TORCH_CHECK(false, what);
            }
        }
    };
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"CUDA out of memory. Tried to allocate 96.00 MiB (GPU 0; 23.65 GiB total capacity)",
         "the computer ran out of memory at batch size 8 and max length 32"},
        {"DefaultCPUAllocator: can't allocate memory: you tried to allocate 3221225472 bytes.",
         "the computer ran out of memory at batch size 8 and max length 32"},
        {"", "the computer ran out of memory at batch size 8 and max length 32"}}; // bad_alloc
    for (const auto& [what, said] : cases) {
        const fs::path dir = temp.path() / ("oom-" + std::to_string(what.size()));
        auto options = tinyOptions(model, dir);
        options.epochs = 3;
        OutOfMemory listener;
        listener.what = what;
        const FinishedEvent end = Trainer(options).run({separable(20), {}}, listener);
        CHECK_EQ(runOutcomeName(end.outcome), std::string("failed"));
        CHECK(end.message.find(said) != std::string::npos);
        CHECK(end.message.find("use a smaller batch size (gradient accumulation keeps the "
                               "effective batch) or a shorter max length") != std::string::npos);
        CHECK(end.message.find((dir / "best").string()) != std::string::npos);
        CHECK(fs::exists(dir / "best" / "model.safetensors"));
        CHECK_EQ(listener.finished.size(), std::size_t{1});
    }
}

TEST_CASE("train: a run stopped before its first checkpoint resumes from its first step") {
    unit::TempDir temp;
    const std::string model = tinyModel(temp);
    const Dataset data = separable(20);
    auto options = tinyOptions(model, temp.path() / "straight");
    options.epochs = 2;
    Recorder straight;
    Trainer(options).run({data, {}}, straight);

    // What a kill during the first epoch leaves: config.json, part of the log.
    options.outDir = (temp.path() / "killed").string();
    std::atomic<bool> cancel{false};
    Recorder first;
    first.cancel = &cancel;
    first.cancelAtStep = 3;
    Trainer(options).run({data, {}}, first, &cancel);
    fs::remove_all(temp.path() / "killed" / "last");
    CHECK(canResume(options.outDir));
    CHECK_EQ(resumedMetricsBytes(options.outDir), 0LL); // starts over: no curve is kept

    Recorder second;
    const FinishedEvent resumed =
        Trainer(readRunOptions(options.outDir)).resume({data, {}}, second);
    CHECK_EQ(runOutcomeName(resumed.outcome), std::string("finished"));
    CHECK_EQ(second.steps.front().step, 1LL);
    CHECK_EQ(second.evals.back().loss, straight.evals.back().loss);
    CHECK(std::any_of(second.messages.begin(), second.messages.end(), [](const std::string& m) {
        return m.find("No checkpoint yet: starting the run again") != std::string::npos;
    }));
    // The log is this run's alone: the first attempt's steps are gone.
    const std::string log = readFile(temp.path() / "killed" / "metrics.jsonl");
    CHECK_EQ(countLines(log, "\"event\":\"step\""), static_cast<int>(straight.steps.size()));
    // A folder that holds no run is still refused, a model folder too.
    CHECK(!canResume((temp.path() / "nothing").string()));
    CHECK(!canResume(model));
}
