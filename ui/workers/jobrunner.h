// One way to run work off the GUI thread: a function runs on a thread of its
// own and its result, or its error message, comes back in the runner's
// (GUI) thread. A newer job makes the older ones stale: their cancel flag is
// set and whatever they return is dropped, so a page only ever sees the
// answer to its latest request. A long job (a training run) also sends events
// while it runs (Context::post) and can be asked to stop without being made
// stale (stop()), so that it still reports how it ended. Destroying the
// runner cancels its jobs and waits for their threads; an owner whose members
// a job's function uses calls waitForIdle() in its own destructor, before
// those members go.
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QThread>

#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace issuebert {

class JobRunner : public QObject {
    Q_OBJECT

public:
    // What a job's function is handed: whether to stop, and a way to report
    // progress (delivered through JobRunner::progress while the job is current).
    class Context {
    public:
        bool cancelled() const { return m_cancel->load(); }
        const std::atomic<bool>* cancelFlag() const { return m_cancel.get(); }
        // done of total (total 0: not known), in phase ("Reading…") where the job has several.
        void progress(qint64 done, qint64 total, const QString& phase = {}) const;
        // Runs event in the runner's thread, after everything posted before it
        // and before the job's result, while the job is current (also after
        // stop()); dropped once the job is stale.
        void post(std::function<void()> event) const;

    private:
        friend class JobRunner;
        JobRunner* m_runner = nullptr; // outlives the job: its destructor waits
        quint64 m_id = 0;
        std::shared_ptr<std::atomic<bool>> m_cancel;
    };

    explicit JobRunner(QObject* parent = nullptr);
    ~JobRunner() override;

    // Runs work on a new thread named name. done gets its result in this
    // object's thread; failed the message of what it threw (an IssueBERT
    // error's text, which names the file or record). Neither runs when a newer
    // job or cancel() came first, or when the runner is gone.
    template <class Result>
    void run(const QString& name, std::function<Result(const Context&)> work,
             std::function<void(Result)> done, std::function<void(const QString&)> failed = {});

    // Makes the current job stale and asks it to stop.
    void cancel();
    // Asks the current job to stop but keeps it current: its events and its
    // result (how it stopped) still arrive.
    void stop();
    // A current job has not delivered its result yet.
    bool isBusy() const { return m_busy; }
    // The current job was asked to stop (stop()) and has not delivered yet.
    bool isStopping() const { return m_busy && m_cancel && m_cancel->load(); }
    // Blocks until every job's thread has ended (shutdown, tests).
    void waitForIdle();

Q_SIGNALS:
    void progress(qint64 done, qint64 total, const QString& phase);
    // The current job delivered (after done or failed ran), or was cancelled.
    void idle();

private:
    // A new current job: its id and cancel flag; the previous one made stale.
    Context begin();
    // Starts thread, kept until it has ended.
    void track(QThread* thread, const QString& name);
    // Whether job id is still current; it is no longer afterwards.
    bool finish(quint64 id);

    quint64 m_current = 0;
    bool m_busy = false;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    std::vector<QPointer<QThread>> m_threads;
};

template <class Result>
void JobRunner::run(const QString& name, std::function<Result(const Context&)> work,
                    std::function<void(Result)> done, std::function<void(const QString&)> failed) {
    const Context context = begin();
    auto outcome = std::make_shared<std::optional<Result>>();
    auto error = std::make_shared<QString>();
    QThread* thread = QThread::create([work = std::move(work), context, outcome, error] {
        try {
            outcome->emplace(work(context));
        } catch (const std::exception& e) {
            *error = QString::fromStdString(e.what());
        } catch (...) {
            *error = tr("the job failed in an unexpected way");
        }
    });
    connect(thread, &QThread::finished, this,
            [this, id = context.m_id, outcome, error, done = std::move(done),
             failed = std::move(failed)] {
                if (!finish(id)) {
                    return;
                }
                if (outcome->has_value()) {
                    done(std::move(**outcome));
                } else if (failed) {
                    failed(*error);
                }
                if (!m_busy) { // done may have started the next job
                    Q_EMIT idle();
                }
            });
    track(thread, name);
}

} // namespace issuebert
