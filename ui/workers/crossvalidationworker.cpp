// The cross-validation job: core's crossValidate in a worker thread, reporting
// through queued signals.
#include "ui/workers/crossvalidationworker.h"

#include "core/io/errors.h"
#include "core/runtime.h"
#include "ui/workers/workerthread.h"

#include <QElapsedTimer>
#include <QMetaType>

#include <exception>

namespace issuebert {

namespace {

// Runs on the worker's thread: the folds' and their training runs' events as
// signals of worker.
class SignalListener : public TrainingListener, public CrossValidationListener {
public:
    explicit SignalListener(CrossValidationWorker& worker) : m_worker(worker) {
        m_sinceSent.start();
    }

    void onStep(const StepEvent& event) override {
        if (m_sinceSent.elapsed() >= CrossValidationWorker::kProgressIntervalMs ||
            event.step == event.totalSteps) {
            Q_EMIT m_worker.stepProgress(event.step, event.totalSteps);
            m_sinceSent.restart();
        }
    }
    void onMessage(const std::string& text) override {
        Q_EMIT m_worker.message(QString::fromStdString(text));
    }
    void onFoldStart(int repeat, int fold, int runsDone, int runs) override {
        Q_EMIT m_worker.foldStarted(repeat, fold, runsDone, runs);
    }
    void onFoldEnd(const FoldResult& fold) override { Q_EMIT m_worker.foldFinished(fold); }

private:
    CrossValidationWorker& m_worker;
    QElapsedTimer m_sinceSent;
};

} // namespace

CrossValidationWorker::CrossValidationWorker(CrossValidationRequest request,
                                             std::shared_ptr<std::atomic<bool>> cancel)
    : m_request(std::move(request)), m_cancel(std::move(cancel)) {
    qRegisterMetaType<issuebert::FoldResult>();
    qRegisterMetaType<std::shared_ptr<const issuebert::CrossValidationResult>>();
}

QThread* CrossValidationWorker::start(QObject* owner, const std::function<void()>& onDone) {
    return startWorkerThread(this, owner, QStringLiteral("Cross-validation"), onDone);
}

void CrossValidationWorker::run() {
    SignalListener listener(*this);
    try {
        if (!m_request.data) {
            throw DataError("no dataset to cross-validate");
        }
        auto result = std::make_shared<CrossValidationResult>(crossValidate(
            m_request.options, *m_request.data, m_request.cv, listener, listener, m_cancel.get()));
        Q_EMIT completed(std::move(result));
    } catch (const CancelledError&) {
        auto result = std::make_shared<CrossValidationResult>();
        result->cancelled = true;
        Q_EMIT completed(std::move(result));
    } catch (const std::exception& error) {
        Q_EMIT failed(QString::fromStdString(error.what()));
    }
    releaseFreeMemory();
    Q_EMIT finished();
}

} // namespace issuebert
