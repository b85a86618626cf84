// The training job: the core Trainer on a JobRunner thread, its listener's
// events posted to the page's handlers.
#include "ui/workers/trainingworker.h"

#include "core/data/loader.h"
#include "core/io/errors.h"
#include "core/runtime.h"
#include "core/train/trainer.h"

#include <QElapsedTimer>

#include <exception>
#include <filesystem>

namespace issuebert {

namespace {

using Handlers = std::shared_ptr<const TrainingHandlers>;

// Runs on the training thread: each event posted to its handler, steps
// gathered and posted at most every kStepIntervalMs (and before any other
// event, so the charts see them in order).
class PostingListener : public TrainingListener {
public:
    PostingListener(const JobRunner::Context& job, Handlers handlers)
        : m_job(job), m_handlers(std::move(handlers)) {
        m_sinceSent.start();
    }

    void onMessage(const std::string& text) override {
        flush();
        send(&TrainingHandlers::message, QString::fromStdString(text));
    }
    void onStep(const StepEvent& event) override {
        m_pending.push_back(event);
        if (m_sinceSent.elapsed() >= kStepIntervalMs) {
            flush();
        }
    }
    void onEvaluation(const EvalEvent& event) override {
        flush();
        send(&TrainingHandlers::evaluated, event);
    }
    void onEpochEnd(const EpochEvent& event) override {
        flush();
        send(&TrainingHandlers::epochEnded, event);
    }
    void onCheckpoint(const CheckpointEvent& event) override {
        flush();
        send(&TrainingHandlers::checkpointSaved, event);
    }
    void onFinished(const FinishedEvent& /*event*/) override {
        // The job's result carries it.
        flush();
    }

    void flush() {
        if (!m_pending.isEmpty()) {
            send(&TrainingHandlers::steps, m_pending);
            m_pending.clear();
        }
        m_sinceSent.restart();
    }

    // Posts handler(value) to the GUI thread, where the handler is set.
    template <class Member, class Value>
    void send(Member handler, Value value) const {
        if (!((*m_handlers).*handler)) {
            return;
        }
        m_job.post([handlers = m_handlers, handler, value = std::move(value)] {
            ((*handlers).*handler)(value);
        });
    }

private:
    const JobRunner::Context& m_job;
    Handlers m_handlers;
    QVector<StepEvent> m_pending;
    QElapsedTimer m_sinceSent;
};

// A resumed run's metrics.jsonl up to the checkpoint it continues from (what
// was logged after it is logged again), posted before the first step.
void sendHistory(const TrainingRequest& request, PostingListener& listener) {
    const std::string& dir = request.options.outDir;
    try {
        const long long kept = resumedMetricsBytes(dir);
        listener.send(
            &TrainingHandlers::history,
            readMetricsLog((std::filesystem::path(dir) / "metrics.jsonl").string(), kept));
    } catch (const std::exception& error) {
        listener.send(&TrainingHandlers::historyUnreadable, QString::fromStdString(error.what()));
    }
}

FinishedEvent train(const TrainingRequest& request, const JobRunner::Context& job,
                    const Handlers& handlers) {
    // A finished or failed run gives its memory back (initRuntime keeps it otherwise).
    struct Release {
        ~Release() { releaseFreeMemory(); }
    } release;
    PostingListener listener(job, handlers);
    try {
        if (request.resume) {
            sendHistory(request, listener);
        }
        TrainData data;
        if (request.train) {
            data.train = *request.train;
        }
        if (request.validation) {
            data.validation = *request.validation;
        } else if (!request.options.valPath.empty()) {
            listener.onMessage("Reading the validation file " + request.options.valPath + "…");
            LoadOptions load;
            load.cancel = job.cancelFlag();
            data.validation = loadDataset(request.options.valPath, load);
        }
        Trainer trainer(request.options);
        const FinishedEvent result = request.resume
                                         ? trainer.resume(data, listener, job.cancelFlag())
                                         : trainer.run(data, listener, job.cancelFlag());
        listener.flush();
        return result;
    } catch (const CancelledError&) {
        // Stopped while reading or preparing: nothing was trained, nothing failed.
        listener.flush();
        FinishedEvent stopped;
        stopped.outcome = RunOutcome::Cancelled;
        stopped.message = "Stopped before training began.";
        return stopped;
    } catch (...) {
        listener.flush(); // the steps before the error, then the error
        throw;
    }
}

} // namespace

void runTrainingJob(JobRunner& runner, TrainingRequest request, TrainingHandlers handlers,
                    std::function<void(FinishedEvent)> done,
                    std::function<void(const QString&)> failed) {
    std::function<FinishedEvent(const JobRunner::Context&)> work =
        [request = std::move(request),
         handlers = std::make_shared<const TrainingHandlers>(std::move(handlers))](
            const JobRunner::Context& job) { return train(request, job, handlers); };
    runner.run<FinishedEvent>(QStringLiteral("Training"), std::move(work), std::move(done),
                              std::move(failed));
}

} // namespace issuebert
