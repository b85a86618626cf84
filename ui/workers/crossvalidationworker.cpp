// The cross-validation job: core's crossValidate on a JobRunner thread, its
// listeners' events posted to the dialog's handlers.
#include "ui/workers/crossvalidationworker.h"

#include "core/io/errors.h"
#include "core/runtime.h"

#include <QElapsedTimer>

namespace issuebert {

namespace {

using Handlers = std::shared_ptr<const CrossValidationHandlers>;

// Runs on the job's thread: the folds' and their training runs' events
// posted to the handlers.
class PostingListener : public TrainingListener, public CrossValidationListener {
public:
    PostingListener(const JobRunner::Context& job, Handlers handlers)
        : m_job(job), m_handlers(std::move(handlers)) {
        m_sinceSent.start();
    }

    void onStep(const StepEvent& event) override {
        if (m_handlers->stepProgress && (m_sinceSent.elapsed() >= kCrossValidationProgressMs ||
                                         event.step == event.totalSteps)) {
            m_job.post([handlers = m_handlers, step = event.step, total = event.totalSteps] {
                handlers->stepProgress(step, total);
            });
            m_sinceSent.restart();
        }
    }
    void onMessage(const std::string& text) override {
        if (m_handlers->message) {
            m_job.post([handlers = m_handlers, text = QString::fromStdString(text)] {
                handlers->message(text);
            });
        }
    }
    void onFoldStart(int repeat, int fold, int runsDone, int runs) override {
        if (m_handlers->foldStarted) {
            m_job.post([handlers = m_handlers, repeat, fold, runsDone, runs] {
                handlers->foldStarted(repeat, fold, runsDone, runs);
            });
        }
    }
    void onFoldEnd(const FoldResult& fold) override {
        if (m_handlers->foldFinished) {
            m_job.post([handlers = m_handlers, fold] { handlers->foldFinished(fold); });
        }
    }

private:
    const JobRunner::Context& m_job;
    Handlers m_handlers;
    QElapsedTimer m_sinceSent;
};

std::shared_ptr<const CrossValidationResult> crossValidateJob(const CrossValidationRequest& request,
                                                              const JobRunner::Context& job,
                                                              const Handlers& handlers) {
    struct Release { // the folds' memory goes back to the system now, not at exit
        ~Release() { releaseFreeMemory(); }
    } release;
    if (!request.data) {
        throw DataError("no dataset to cross-validate");
    }
    PostingListener listener(job, handlers);
    try {
        return std::make_shared<const CrossValidationResult>(crossValidate(
            request.options, *request.data, request.cv, listener, listener, job.cancelFlag()));
    } catch (const CancelledError&) {
        auto result = std::make_shared<CrossValidationResult>();
        result->cancelled = true;
        return result;
    }
}

} // namespace

void runCrossValidationJob(JobRunner& runner, CrossValidationRequest request,
                           CrossValidationHandlers handlers,
                           std::function<void(std::shared_ptr<const CrossValidationResult>)> done,
                           std::function<void(const QString&)> failed) {
    std::function<std::shared_ptr<const CrossValidationResult>(const JobRunner::Context&)> work =
        [request = std::move(request),
         handlers = std::make_shared<const CrossValidationHandlers>(std::move(handlers))](
            const JobRunner::Context& job) { return crossValidateJob(request, job, handlers); };
    runner.run<std::shared_ptr<const CrossValidationResult>>(
        QStringLiteral("Cross-validation"), std::move(work), std::move(done), std::move(failed));
}

} // namespace issuebert
