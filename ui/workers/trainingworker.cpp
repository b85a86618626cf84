// The training job: the core Trainer in a worker thread, reporting through
// queued signals.
#include "ui/workers/trainingworker.h"

#include "core/data/loader.h"
#include "core/io/errors.h"
#include "core/runtime.h"
#include "core/train/trainer.h"
#include "ui/workers/workerthread.h"

#include <QElapsedTimer>
#include <QMetaType>

#include <exception>

namespace issuebert {

namespace {

// Runs on the training thread: forwards events as signals of worker, steps
// gathered and sent at most every kStepIntervalMs (and before any other
// event, so the charts see them in order).
class SignalListener : public TrainingListener {
public:
    explicit SignalListener(TrainingWorker& worker) : m_worker(worker) { m_sinceSent.start(); }

    void onMessage(const std::string& text) override {
        flush();
        Q_EMIT m_worker.message(QString::fromStdString(text));
    }
    void onStep(const StepEvent& event) override {
        m_pending.push_back(event);
        if (m_sinceSent.elapsed() >= TrainingWorker::kStepIntervalMs) {
            flush();
        }
    }
    void onEvaluation(const EvalEvent& event) override {
        flush();
        Q_EMIT m_worker.evaluated(event);
    }
    void onEpochEnd(const EpochEvent& event) override {
        flush();
        Q_EMIT m_worker.epochEnded(event);
    }
    void onCheckpoint(const CheckpointEvent& event) override {
        flush();
        Q_EMIT m_worker.checkpointSaved(event);
    }
    void onFinished(const FinishedEvent& /*event*/) override {
        // The worker emits runFinished with the value run() returns.
        flush();
    }

    void flush() {
        if (!m_pending.isEmpty()) {
            Q_EMIT m_worker.stepsReported(m_pending);
            m_pending.clear();
        }
        m_sinceSent.restart();
    }

private:
    TrainingWorker& m_worker;
    QVector<StepEvent> m_pending;
    QElapsedTimer m_sinceSent;
};

} // namespace

TrainingWorker::TrainingWorker(TrainingRequest request, std::shared_ptr<std::atomic<bool>> cancel)
    : m_request(std::move(request)), m_cancel(std::move(cancel)) {
    // Queued connections copy their arguments through the meta-type system.
    qRegisterMetaType<issuebert::StepEvent>();
    qRegisterMetaType<QVector<issuebert::StepEvent>>();
    qRegisterMetaType<issuebert::EvalEvent>();
    qRegisterMetaType<issuebert::EpochEvent>();
    qRegisterMetaType<issuebert::CheckpointEvent>();
    qRegisterMetaType<issuebert::FinishedEvent>();
}

QThread* TrainingWorker::start(QObject* owner, const std::function<void()>& onDone) {
    return startWorkerThread(this, owner, QStringLiteral("Training"), onDone);
}

void TrainingWorker::run() {
    SignalListener listener(*this);
    try {
        TrainData data;
        if (m_request.train) {
            data.train = *m_request.train;
        }
        if (m_request.validation) {
            data.validation = *m_request.validation;
        } else if (!m_request.options.valPath.empty()) {
            Q_EMIT message(tr("Reading the validation file %1…")
                               .arg(QString::fromStdString(m_request.options.valPath)));
            LoadOptions load;
            load.cancel = m_cancel.get();
            data.validation = loadDataset(m_request.options.valPath, load);
        }
        Trainer trainer(m_request.options);
        const FinishedEvent result = m_request.resume
                                         ? trainer.resume(data, listener, m_cancel.get())
                                         : trainer.run(data, listener, m_cancel.get());
        listener.flush();
        Q_EMIT runFinished(result);
    } catch (const CancelledError&) {
        // Stopped while reading or preparing: nothing was trained, nothing failed.
        listener.flush();
        FinishedEvent stopped;
        stopped.outcome = RunOutcome::Cancelled;
        stopped.message = "Stopped before training began.";
        Q_EMIT runFinished(stopped);
    } catch (const std::exception& error) {
        listener.flush();
        Q_EMIT failed(QString::fromStdString(error.what()));
    }
    // The run's activations and caches go back to the system now, not at exit.
    releaseFreeMemory();
    Q_EMIT finished();
}

} // namespace issuebert
