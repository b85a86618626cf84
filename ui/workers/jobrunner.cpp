// JobRunner: job ids make older jobs stale, threads are kept until they end.
#include "ui/workers/jobrunner.h"

#include <algorithm>

namespace issuebert {

void JobRunner::Context::progress(qint64 done, qint64 total, const QString& phase) const {
    JobRunner* runner = m_runner;
    if (m_cancel->load()) {
        return;
    }
    const quint64 id = m_id;
    // Queued into the runner's thread; dropped there if a newer job came first.
    QMetaObject::invokeMethod(
        runner,
        [runner, id, done, total, phase] {
            if (runner->m_busy && runner->m_current == id) {
                Q_EMIT runner->progress(done, total, phase);
            }
        },
        Qt::QueuedConnection);
}

void JobRunner::Context::post(std::function<void()> event) const {
    JobRunner* runner = m_runner;
    const quint64 id = m_id;
    QMetaObject::invokeMethod(
        runner,
        [runner, id, event = std::move(event)] {
            if (runner->m_busy && runner->m_current == id) {
                event();
            }
        },
        Qt::QueuedConnection);
}

JobRunner::JobRunner(QObject* parent) : QObject(parent) {}

JobRunner::~JobRunner() {
    if (m_cancel) {
        m_cancel->store(true);
    }
    waitForIdle();
}

JobRunner::Context JobRunner::begin() {
    if (m_cancel) {
        m_cancel->store(true); // the previous job: stale from now on
    }
    Context context;
    context.m_runner = this;
    context.m_id = ++m_current;
    context.m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_cancel = context.m_cancel;
    m_busy = true;
    return context;
}

void JobRunner::track(QThread* thread, const QString& name) {
    thread->setObjectName(name);
    thread->setParent(this); // deleted with the runner if it has not deleted itself
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    std::erase_if(m_threads, [](const QPointer<QThread>& t) { return t.isNull(); });
    m_threads.emplace_back(thread);
    thread->start();
}

bool JobRunner::finish(quint64 id) {
    if (!m_busy || id != m_current) {
        return false;
    }
    m_busy = false;
    return true;
}

void JobRunner::cancel() {
    if (!m_busy) {
        return;
    }
    m_cancel->store(true);
    ++m_current; // whatever the job returns is dropped
    m_busy = false;
    Q_EMIT idle();
}

void JobRunner::stop() {
    if (m_busy) {
        m_cancel->store(true);
    }
}

void JobRunner::waitForIdle() {
    for (const QPointer<QThread>& thread : m_threads) {
        if (!thread.isNull()) {
            thread->wait();
        }
    }
}

} // namespace issuebert
