// The fine-tuning run (see trainer.h): set-up, the epoch loop, evaluation,
// early stopping, checkpoints and resume.
#include "core/train/trainer.h"

#include "core/eval/inference.h"
#include "core/eval/metrics.h"
#include "core/io/atomic_file.h"
#include "core/io/errors.h"
#include "core/io/json_file.h"
#include "core/io/paths.h"
#include "core/model/batcher.h"
#include "core/model/collate.h"
#include "core/model/model_folder.h"
#include "core/train/checkpoint.h"
#include "core/train/data_parallel.h"
#include "core/train/metrics_log.h"
#include "core/train/session.h"
#include "core/train/train_step.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <new>
#include <optional>
#include <sstream>

namespace issuebert {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// Linear warmup then linear decay to zero, as transformers'
// get_linear_schedule_with_warmup: step is the number of updates already made.
double scheduledRate(const TrainOptions& options, long long step, long long totalSteps) {
    const auto warmup = static_cast<long long>(
        std::llround(options.warmupFraction * static_cast<double>(totalSteps)));
    if (step < warmup) {
        return options.learningRate * static_cast<double>(step) /
               static_cast<double>(std::max(1LL, warmup));
    }
    const double remaining = static_cast<double>(totalSteps - step) /
                             static_cast<double>(std::max(1LL, totalSteps - warmup));
    return options.learningRate * std::max(0.0, remaining);
}

// CUDA's "CUDA out of memory. Tried to allocate …", the CPU allocator's
// "DefaultCPUAllocator: can't allocate memory: you tried to allocate …".
bool isOutOfMemory(const std::string& what) {
    return what.find("out of memory") != std::string::npos ||
           what.find("can't allocate memory") != std::string::npos;
}

// The run itself, shared by run() and resume().
class Run {
public:
    Run(const TrainOptions& options, Session& session, TrainingListener& listener,
        const std::atomic<bool>* cancel, DataParallel* parallel)
        : m_options(options), m_s(session), m_listener(listener), m_cancel(cancel),
          m_parallel(parallel), m_folder{options.outDir} {}

    FinishedEvent execute(TrainerState state, bool resumed);

private:
    // The step runner (its optimizer restored on resume) and the batch plan.
    void prepare(bool resumed);
    // One epoch from state's position: its steps, evaluations and checkpoint.
    // An event when the run ends inside it (stopped, failed, stopped early).
    std::optional<FinishedEvent> trainEpoch(TrainerState& state, int epoch);
    // The micro-batches of the step starting at batch b of batches (fewer at
    // the epoch's end); b moves past them.
    // In a data-parallel run: this rank's rows of each, and their shares.
    std::vector<Batch> nextStep(const std::vector<BatchIndices>& batches, long long& b,
                                std::vector<BatchShare>& shares);
    // Every token id of a step's whole micro-batches, padding's 0 included.
    std::vector<std::int64_t> tokensOf(const std::vector<BatchIndices>& batches, long long first,
                                       long long last) const;
    void reportStep(const TrainerState& state, int epoch, long long batch, double loss, double lr);
    void endEpoch(TrainerState& state, int epoch, const std::vector<BatchIndices>& batches,
                  Clock::time_point epochStart);
    FinishedEvent finish(const TrainerState& state, RunOutcome outcome, std::string message);
    std::string outOfMemoryMessage() const;
    std::string earlyStopMessage(const TrainerState& state) const;
    bool stopsEarly(const TrainerState& state) const {
        return m_options.patience > 0 && state.badEvaluations >= m_options.patience;
    }
    // In a data-parallel run every rank stops when any was asked to (a
    // collective: every rank asks at the same point).
    bool cancelled() const {
        const bool here = m_cancel != nullptr && m_cancel->load(std::memory_order_relaxed);
        if (m_parallel == nullptr) {
            return here;
        }
        return m_parallel->sum({here ? 1.0 : 0.0}).front() > 0.0;
    }
    // Rank 0 (or the only process) writes best/ and last/.
    bool writes() const { return m_parallel == nullptr || m_parallel->isMain(); }
    // The validation logits [N, C]: each rank computes its share, every rank gets all.
    torch::Tensor validationLogits();
    // The whole micro-batch's summed class weights (its rows without weights).
    double weightOf(const BatchIndices& indices) const;
    EvalEvent evaluate(TrainerState& state, int epoch, bool epochEnd);
    // Without validation data: best/ holds the model at the end of epoch.
    void keepWithoutValidation(TrainerState& state, int epoch);
    bool validating() const { return !m_s.validation.empty(); }
    void saveLast(const TrainerState& state);
    SaveOptions saveOptions() const;
    double elapsed(const TrainerState& state) const {
        return state.elapsedSeconds +
               std::chrono::duration<double>(Clock::now() - m_sessionStart).count();
    }

    const TrainOptions& m_options;
    Session& m_s;
    TrainingListener& m_listener;
    const std::atomic<bool>* m_cancel;
    DataParallel* m_parallel;
    std::vector<double> m_classWeights; // a data-parallel run's, read once (weightOf)
    RunFolder m_folder;
    std::unique_ptr<StepRunner> m_runner;
    BatchPlanOptions m_plan;
    long long m_batchesPerEpoch = 0;
    long long m_totalSteps = 0;
    // This session's throughput (a resumed run counts from its resume).
    Clock::time_point m_sessionStart = Clock::now();
    long long m_startStep = 0;
    long long m_sessionSamples = 0;
    long long m_sessionTokens = 0;
};

SaveOptions Run::saveOptions() const {
    SaveOptions save;
    save.dtype = m_options.saveDtype;
    save.encoder = m_options.encoder;
    save.encoder.padToMaxLength = true;
    save.baseModel = m_options.model.empty() ? m_s.folder.path() : m_options.model;
    save.trainingJson = trainOptionsToJson(m_options);
    return save;
}

void Run::keepWithoutValidation(TrainerState& state, int epoch) {
    if (writes()) {
        saveModelFolder(*m_s.model, m_s.folder.path(), m_folder.bestDir(), saveOptions());
    }
    // Only once best/ holds it: a failed save (a full disk) leaves the state
    // naming the model best/ still holds.
    state.lastEvalStep = state.step;
    state.bestEpoch = epoch + 1;
    state.bestStep = state.step;
    m_listener.onCheckpoint({CheckpointKind::Best, m_folder.bestDir(), state.step});
}

torch::Tensor Run::validationLogits() {
    InferenceOptions inference;
    inference.batchSize = std::max(32, m_options.batchSize * 2);
    inference.device = m_s.device;
    inference.bf16 = m_s.bf16;
    if (m_parallel == nullptr) {
        return computeLogits(*m_s.model, m_s.validation, inference, {}, m_cancel); // [N, C]
    }
    const auto [first, last] = m_parallel->share(m_s.validation.size());
    const std::vector<Encoding> mine(m_s.validation.begin() + static_cast<std::ptrdiff_t>(first),
                                     m_s.validation.begin() + static_cast<std::ptrdiff_t>(last));
    // No cancel here: a rank leaving the evaluation alone would leave the
    // others waiting; a stop is agreed at the next step instead.
    auto local = mine.empty() ? torch::empty({0, static_cast<std::int64_t>(m_s.labels.size())})
                              : computeLogits(*m_s.model, mine, inference, {}, nullptr);
    return m_parallel->gatherRows(local.to(torch::kCPU).to(torch::kFloat32), m_s.validation.size());
}

double Run::weightOf(const BatchIndices& indices) const {
    if (m_classWeights.empty()) {
        return static_cast<double>(indices.size());
    }
    double sum = 0.0;
    for (const std::size_t i : indices) {
        sum += m_classWeights[static_cast<std::size_t>(m_s.trainLabels[i])];
    }
    return sum;
}

EvalEvent Run::evaluate(TrainerState& state, int epoch, bool epochEnd) {
    const auto logits = validationLogits(); // [N, C]
    m_s.model->train();
    const auto labels = torch::tensor(m_s.validationLabels, torch::kInt64);
    const auto weights =
        m_s.classWeights.defined() ? m_s.classWeights.to(torch::kCPU) : torch::Tensor();
    EvalEvent event;
    event.step = state.step;
    event.epoch = epoch + 1;
    event.epochEnd = epochEnd;
    event.loss = classificationLoss(logits, labels, weights).item<double>();
    const Predictions predictions = predictionsFromLogits(logits, m_s.labels);
    event.metrics = computeMetrics(m_s.validationLabels, predictions.predicted, m_s.labels,
                                   predictions.probabilities);
    event.score = m_options.stopMetric == StopMetric::Accuracy ? event.metrics.accuracy
                                                               : event.metrics.macroF1;
    event.improved = event.score > state.bestScore;
    if (event.improved && writes()) {
        SaveOptions save = saveOptions();
        save.metricsJson = metricsToJson(event.metrics);
        saveModelFolder(*m_s.model, m_s.folder.path(), m_folder.bestDir(), save);
    }
    if (event.improved) {
        // Only once best/ holds it: a failed save (a full disk) leaves the
        // state naming the model best/ still holds.
        state.bestScore = event.score;
        state.bestEpoch = epoch + 1;
        state.bestStep = state.step;
        state.badEvaluations = 0;
    } else {
        ++state.badEvaluations;
    }
    state.lastEvalStep = state.step;
    event.badEvaluations = state.badEvaluations;
    m_listener.onEvaluation(event);
    if (event.improved) {
        m_listener.onCheckpoint({CheckpointKind::Best, m_folder.bestDir(), state.step});
    }
    return event;
}

void Run::saveLast(const TrainerState& state) {
    if (!writes()) {
        return;
    }
    TrainerState saved = state;
    saved.elapsedSeconds = elapsed(state);
    saved.metricsLogBytes = metricsLogSize(m_folder.metricsPath());
    saveLastCheckpoint(*m_s.model, m_runner->optimizer(), saved, m_s.folder.path(),
                       m_folder.lastDir(), saveOptions());
    m_listener.onCheckpoint({CheckpointKind::Last, m_folder.lastDir(), state.step});
}

void Run::prepare(bool resumed) {
    StepOptions stepOptions;
    stepOptions.weightDecay = m_options.weightDecay;
    stepOptions.layerDecay = m_options.layerDecay;
    stepOptions.maxGradNorm = m_options.maxGradNorm;
    stepOptions.bf16 = m_s.bf16;
    stepOptions.classWeights = m_s.classWeights;
    m_runner = std::make_unique<StepRunner>(*m_s.model, stepOptions);
    if (resumed) {
        restoreLastCheckpoint(m_runner->optimizer(), m_folder.lastDir());
    }
    if (m_parallel != nullptr) {
        // Every rank starts from rank 0's weights.
        std::vector<torch::Tensor> tensors;
        for (const auto& parameter : m_s.model->parameters()) {
            tensors.push_back(parameter);
        }
        for (const auto& buffer : m_s.model->buffers()) {
            tensors.push_back(buffer);
        }
        m_parallel->broadcastFromMain(tensors);
        m_runner->setDataParallel(m_parallel);
        if (m_s.classWeights.defined()) {
            const auto weights = m_s.classWeights.to(torch::kCPU).to(torch::kFloat64).contiguous();
            m_classWeights.assign(weights.data_ptr<double>(),
                                  weights.data_ptr<double>() + weights.numel());
        }
    }
    m_plan.batchSize = m_options.batchSize;
    m_plan.seed = m_options.seed;
    m_batchesPerEpoch = static_cast<long long>(planBatches(m_s.trainLengths, m_plan, 0).size());
    const long long accumulation = m_options.gradAccumulation;
    const long long stepsPerEpoch = (m_batchesPerEpoch + accumulation - 1) / accumulation;
    m_totalSteps = stepsPerEpoch * m_options.epochs;
}

FinishedEvent Run::finish(const TrainerState& state, RunOutcome outcome, std::string message) {
    FinishedEvent finished;
    finished.bestPath = m_folder.bestDir();
    finished.outcome = outcome;
    finished.message = std::move(message);
    finished.bestScore = state.bestScore;
    finished.bestEpoch = state.bestEpoch;
    finished.steps = state.step;
    finished.elapsedSeconds = elapsed(state);
    if (state.bestScore < 0.0 && (validating() || state.bestEpoch == 0)) {
        finished.bestPath.clear();
    }
    m_listener.onFinished(finished);
    return finished;
}

std::string Run::outOfMemoryMessage() const {
    return std::string(m_s.device.is_cuda() ? "the GPU" : "the computer") +
           " ran out of memory at batch size " + std::to_string(m_options.batchSize) +
           " and max length " + std::to_string(m_options.encoder.maxLength) +
           ": use a smaller batch size (gradient accumulation keeps the effective batch) or "
           "a shorter max length. The best model so far is in " +
           m_folder.bestDir();
}

std::string Run::earlyStopMessage(const TrainerState& state) const {
    return "no improvement in " + std::to_string(state.badEvaluations) + " evaluations; best " +
           stopMetricName(m_options.stopMetric) + " from epoch " + std::to_string(state.bestEpoch);
}

std::vector<Batch> Run::nextStep(const std::vector<BatchIndices>& batches, long long& b,
                                 std::vector<BatchShare>& shares) {
    std::vector<Batch> micro;
    shares.clear();
    const long long end = std::min(m_batchesPerEpoch, b + m_options.gradAccumulation);
    for (; b < end; ++b) {
        const BatchIndices& whole = batches[static_cast<std::size_t>(b)];
        if (m_parallel == nullptr) {
            micro.push_back(collate(m_s.train, whole, m_s.trainLabels, m_s.device));
            m_sessionSamples += micro.back().inputIds.size(0);
            m_sessionTokens += micro.back().realTokens;
            continue;
        }
        // This rank's rows, padded as the whole batch is; the throughput is the whole's.
        const auto [first, last] = m_parallel->share(whole.size());
        const BatchIndices mine(whole.begin() + static_cast<std::ptrdiff_t>(first),
                                whole.begin() + static_cast<std::ptrdiff_t>(last));
        std::int64_t longest = 0;
        for (const std::size_t i : whole) {
            const auto length = static_cast<std::int64_t>(m_s.train[i].inputIds.size());
            longest = std::max(longest, length);
            m_sessionTokens += length;
        }
        micro.push_back(collate(m_s.train, mine, m_s.trainLabels, m_s.device, longest));
        shares.push_back({static_cast<std::int64_t>(first), static_cast<std::int64_t>(whole.size()),
                          weightOf(whole)});
        m_sessionSamples += static_cast<long long>(whole.size());
    }
    return micro;
}

std::vector<std::int64_t> Run::tokensOf(const std::vector<BatchIndices>& batches, long long first,
                                        long long last) const {
    std::vector<std::int64_t> tokens{0};
    for (long long b = first; b < last; ++b) {
        for (const std::size_t i : batches[static_cast<std::size_t>(b)]) {
            tokens.insert(tokens.end(), m_s.train[i].inputIds.begin(), m_s.train[i].inputIds.end());
        }
    }
    std::sort(tokens.begin(), tokens.end());
    tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
    return tokens;
}

void Run::reportStep(const TrainerState& state, int epoch, long long batch, double loss,
                     double lr) {
    const double sessionSeconds =
        std::chrono::duration<double>(Clock::now() - m_sessionStart).count();
    StepEvent step;
    step.step = state.step;
    step.totalSteps = m_totalSteps;
    step.epoch = epoch + 1;
    step.epochs = m_options.epochs;
    step.batch = batch;
    step.batches = m_batchesPerEpoch;
    step.loss = loss;
    step.learningRate = lr;
    step.samplesPerSecond = static_cast<double>(m_sessionSamples) / std::max(1e-9, sessionSeconds);
    step.tokensPerSecond = static_cast<double>(m_sessionTokens) / std::max(1e-9, sessionSeconds);
    step.elapsedSeconds = elapsed(state);
    step.etaSeconds = sessionSeconds / static_cast<double>(state.step - m_startStep) *
                      static_cast<double>(m_totalSteps - state.step);
    m_listener.onStep(step);
}

void Run::endEpoch(TrainerState& state, int epoch, const std::vector<BatchIndices>& batches,
                   Clock::time_point epochStart) {
    EpochEvent epochEvent;
    epochEvent.epoch = epoch + 1;
    epochEvent.epochs = m_options.epochs;
    epochEvent.trainLoss =
        state.epochLossSum / static_cast<double>(std::max(1LL, state.epochBatches));
    epochEvent.seconds = std::chrono::duration<double>(Clock::now() - epochStart).count();
    epochEvent.paddingFraction = paddingFraction(m_s.trainLengths, batches);
    m_listener.onEpochEnd(epochEvent);
    if (!validating()) {
        keepWithoutValidation(state, epoch);
    } else if (state.lastEvalStep != state.step) {
        evaluate(state, epoch, true);
    }
    state.epoch = epoch + 1;
    state.batch = 0;
    state.epochLossSum = 0.0;
    state.epochBatches = 0;
    saveLast(state);
}

std::optional<FinishedEvent> Run::trainEpoch(TrainerState& state, int epoch) {
    const auto epochStart = Clock::now();
    const auto batches = planBatches(m_s.trainLengths, m_plan, epoch);
    if (state.batch == 0) {
        state.epochLossSum = 0.0;
        state.epochBatches = 0;
    }
    long long b = state.batch;
    while (b < m_batchesPerEpoch) {
        if (cancelled()) {
            state.epoch = epoch;
            state.batch = b;
            saveLast(state);
            return finish(state, RunOutcome::Cancelled,
                          "stopped at step " + std::to_string(state.step) +
                              "; resume continues from there");
        }
        std::vector<BatchShare> shares;
        const long long first = b;
        const std::vector<Batch> micro = nextStep(batches, b, shares);
        const double lr = scheduledRate(m_options, state.step, m_totalSteps);
        const StepResult result =
            m_parallel == nullptr ? m_runner->step(micro, lr)
                                  : m_runner->step(micro, shares, lr, tokensOf(batches, first, b));
        if (!result.finite) {
            return finish(state, RunOutcome::Failed,
                          "the loss became " +
                              std::string(std::isnan(result.loss) ? "NaN" : "infinite") +
                              " at step " + std::to_string(state.step + 1) + " (epoch " +
                              std::to_string(epoch + 1) +
                              "); lower the learning rate. The best model so far is in " +
                              m_folder.bestDir());
        }
        ++state.step;
        state.epochLossSum += result.loss * static_cast<double>(micro.size());
        state.epochBatches += static_cast<long long>(micro.size());
        reportStep(state, epoch, b, result.loss, lr);

        if (validating() && m_options.evalEverySteps > 0 &&
            state.step % m_options.evalEverySteps == 0 && b < m_batchesPerEpoch) {
            evaluate(state, epoch, false);
            if (stopsEarly(state)) {
                state.epoch = epoch;
                state.batch = b;
                saveLast(state);
                return finish(state, RunOutcome::EarlyStopped, earlyStopMessage(state));
            }
        }
    }
    endEpoch(state, epoch, batches, epochStart);
    if (stopsEarly(state) && epoch + 1 < m_options.epochs) {
        return finish(state, RunOutcome::EarlyStopped, earlyStopMessage(state));
    }
    return std::nullopt;
}

FinishedEvent Run::execute(TrainerState state, bool resumed) {
    prepare(resumed);
    m_startStep = state.step;
    try {
        for (int epoch = state.epoch; epoch < m_options.epochs; ++epoch) {
            if (auto end = trainEpoch(state, epoch)) {
                return *end;
            }
        }
    } catch (const CancelledError&) {
        // Cancelled inside an evaluation: the step counts are consistent, the
        // epoch's position is not worth saving mid-evaluation.
        return finish(state, RunOutcome::Cancelled,
                      "stopped during an evaluation; resume continues from the last checkpoint");
    } catch (const Error& e) {
        return finish(state, RunOutcome::Failed, e.what());
    } catch (const c10::Error& e) {
        const std::string what = e.what_without_backtrace();
        if (isOutOfMemory(what)) {
            return finish(state, RunOutcome::Failed, outOfMemoryMessage());
        }
        return finish(state, RunOutcome::Failed, "LibTorch: " + what);
    } catch (const std::bad_alloc&) {
        return finish(state, RunOutcome::Failed, outOfMemoryMessage());
    } catch (const std::exception& e) {
        return finish(state, RunOutcome::Failed, e.what());
    }
    std::ostringstream message;
    message.precision(4);
    message << "trained " << m_options.epochs << " epochs; ";
    if (validating()) {
        message << "best " << stopMetricName(m_options.stopMetric) << " " << state.bestScore
                << " at epoch " << state.bestEpoch;
    } else {
        message << "no validation data, so the last epoch's model is kept";
    }
    return finish(state, RunOutcome::Finished, message.str());
}

// Forwards every event to the caller's listener and appends it to metrics.jsonl.
class LoggingListener : public ForwardingListener {
public:
    LoggingListener(TrainingListener& inner, MetricsLog& log)
        : ForwardingListener(inner), m_log(log) {}
    void onMessage(const std::string& text) override {
        m_log.append(messageJson(text));
        ForwardingListener::onMessage(text);
    }
    void onStep(const StepEvent& e) override {
        m_log.append(eventJson(e));
        ForwardingListener::onStep(e);
    }
    void onEvaluation(const EvalEvent& e) override {
        m_log.append(eventJson(e));
        ForwardingListener::onEvaluation(e);
    }
    void onEpochEnd(const EpochEvent& e) override {
        m_log.append(eventJson(e));
        ForwardingListener::onEpochEnd(e);
    }
    void onCheckpoint(const CheckpointEvent& e) override {
        m_log.append(eventJson(e));
        ForwardingListener::onCheckpoint(e);
    }
    void onFinished(const FinishedEvent& e) override {
        m_log.append(eventJson(e));
        ForwardingListener::onFinished(e);
    }

private:
    MetricsLog& m_log;
};

} // namespace

namespace {

// The trainer_state.json resume will read: last/'s, or that of a checkpoint a
// crash left complete beside it (readLastState moves it into place); empty
// when there is no checkpoint.
std::string checkpointState(const RunFolder& folder) {
    for (std::string path :
         {folder.statePath(), folder.lastDir() + ".pending/trainer_state.json"}) {
        if (fs::exists(path)) {
            return path;
        }
    }
    return {};
}

bool hasCheckpoint(const RunFolder& folder) {
    return !checkpointState(folder).empty();
}

} // namespace

long long resumedMetricsBytes(const std::string& runDir) {
    const std::string path = checkpointState(RunFolder{runDir});
    if (path.empty()) {
        return 0;
    }
    return parseTrainerState(readWholeFile(path, "the trainer state"), path).metricsLogBytes;
}

bool canResume(const std::string& runDir) {
    const RunFolder folder{runDir};
    if (!fs::exists(folder.configPath())) {
        return false;
    }
    if (hasCheckpoint(folder)) {
        return true;
    }
    // A run's settings, not a model's config.json.
    try {
        return parseJsonObject(readWholeFile(folder.configPath(), "the run's settings"),
                               folder.configPath())
            .contains("train_path");
    } catch (const std::exception&) {
        return false;
    }
}

TrainOptions readRunOptions(const std::string& runDir) {
    const RunFolder folder{runDir};
    if (!fs::exists(folder.configPath())) {
        throw DataError(runDir + ": not a training run folder (config.json is missing)");
    }
    return trainOptionsFromJson(readWholeFile(folder.configPath(), "the run's settings"),
                                folder.configPath());
}

Trainer::Trainer(TrainOptions options) : m_options(std::move(options)) {
    const auto problems = validateOptions(m_options);
    if (!problems.empty()) {
        std::string message = "invalid training settings:";
        for (const auto& problem : problems) {
            message += "\n  " + problem;
        }
        throw DataError(message);
    }
}

Trainer::~Trainer() = default;

void Trainer::resolveAutoSettings(const Session& session, TrainingListener& listener) {
    TrainOptions resolved =
        resolveAuto(m_options, session.train.size(), session.model->config().hiddenSize);
    resolved.encoder.maxLength = session.maxLength; // setUpSession said what auto chose
    if (resolved.valPath.empty()) {
        resolved.valFraction = session.valFraction; // likewise
    }
    std::ostringstream message;
    if (m_options.epochs == kAutoEpochs) {
        message << "Epochs (auto): " << resolved.epochs << ", for at least " << kAutoTargetSteps
                << " optimizer steps on " << session.train.size() << " issues (at most "
                << kAutoMaxEpochs << ")";
    }
    if (m_options.learningRate == kAutoLearningRate) {
        message << (message.tellp() > 0 ? "; " : "")
                << "learning rate (auto): " << resolved.learningRate << " for hidden size "
                << session.model->config().hiddenSize;
    }
    if (message.tellp() > 0) {
        listener.onMessage(message.str());
    }
    m_options = resolved;
}

TrainingListener& Trainer::reporter(TrainingListener& listener) {
    return writesRunFolder() ? listener : m_silent;
}

bool Trainer::writesRunFolder() const {
    return m_parallel == nullptr || m_parallel->isMain();
}

FinishedEvent Trainer::run(const TrainData& data, TrainingListener& caller,
                           const std::atomic<bool>* cancel) {
    TrainingListener& listener = reporter(caller);
    const RunFolder folder{m_options.outDir};
    std::error_code ec;
    if (writesRunFolder()) {
        if (fs::exists(folder.configPath())) {
            throw DataError(
                m_options.outDir +
                ": a training run is already there; resume it or choose another folder");
        }
        // A run killed while it wrote its config.json left only that temporary.
        removeStaleTemporaries(folder.configPath(), kAtomicFileKind);
        if (fs::exists(m_options.outDir) && !fs::is_empty(m_options.outDir, ec)) {
            throw DataError(m_options.outDir +
                            ": the folder is not empty; choose a new or empty folder for the run");
        }
    }
    const std::string modelSource = m_options.model.empty() ? defaultModelDir() : m_options.model;
    Session session = setUpSession(m_options, data, modelSource, listener, cancel);
    resolveAutoSettings(session, listener);
    if (writesRunFolder()) {
        // Created once the data and the model are known to be usable, so a
        // mistyped path leaves no empty run folder behind.
        fs::create_directories(m_options.outDir, ec);
        if (ec) {
            throw IoError(m_options.outDir + ": cannot create the run folder: " + ec.message());
        }
        writeFileAtomically(folder.configPath(),
                            [&](std::ostream& out) { out << trainOptionsToJson(m_options); });
    }
    return fromFirstStep(session, listener, cancel, {});
}

FinishedEvent Trainer::fromFirstStep(Session& session, TrainingListener& listener,
                                     const std::atomic<bool>* cancel, const std::string& note) {
    TrainerState state;
    state.fingerprint = session.fingerprint;
    if (!writesRunFolder()) {
        return Run(m_options, session, listener, cancel, m_parallel).execute(state, false);
    }
    MetricsLog log(RunFolder{m_options.outDir}.metricsPath(), 0);
    LoggingListener logging(listener, log);
    if (!note.empty()) {
        logging.onMessage(note);
    }
    return Run(m_options, session, logging, cancel, m_parallel).execute(state, false);
}

FinishedEvent Trainer::resume(const TrainData& data, TrainingListener& caller,
                              const std::atomic<bool>* cancel) {
    TrainingListener& listener = reporter(caller);
    const RunFolder folder{m_options.outDir};
    if (!hasCheckpoint(folder)) {
        // Stopped (killed, a power cut) before its first checkpoint: the run
        // starts again from its first step with its own settings.
        const std::string modelSource =
            m_options.model.empty() ? defaultModelDir() : m_options.model;
        Session session = setUpSession(m_options, data, modelSource, listener, cancel);
        resolveAutoSettings(session, listener);
        return fromFirstStep(session, listener, cancel,
                             "No checkpoint yet: starting the run again from its first step");
    }
    // Rank 0 first: reading may move a checkpoint a crash left complete into
    // place, which the other ranks then read.
    if (m_parallel != nullptr && !writesRunFolder()) {
        m_parallel->sum({0.0});
    }
    const TrainerState state = readLastState(folder.lastDir());
    if (m_parallel != nullptr && writesRunFolder()) {
        m_parallel->sum({0.0});
    }
    Session session = setUpSession(m_options, data, folder.lastDir(), listener, cancel);
    resolveAutoSettings(session, listener);
    if (session.fingerprint != state.fingerprint) {
        throw DataError(m_options.outDir +
                        ": the training or validation data differ from the data this run "
                        "started with; resume needs the same files and settings");
    }
    if (state.epoch >= m_options.epochs) {
        throw DataError(m_options.outDir + ": this run already finished all " +
                        std::to_string(m_options.epochs) + " epochs; there is nothing to resume");
    }
    if (!writesRunFolder()) {
        return Run(m_options, session, listener, cancel, m_parallel).execute(state, true);
    }
    // The log is cut back to the checkpoint, so it reads as one uninterrupted run.
    MetricsLog log(folder.metricsPath(), state.metricsLogBytes);
    LoggingListener logging(listener, log);
    logging.onMessage("Resuming at epoch " + std::to_string(state.epoch + 1) + ", step " +
                      std::to_string(state.step));
    return Run(m_options, session, logging, cancel, m_parallel).execute(state, true);
}

} // namespace issuebert
