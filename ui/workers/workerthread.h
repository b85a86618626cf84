// Starting a worker QObject on its own QThread, the same way for every job:
// the worker's run() starts with the thread; its finished() ends the thread
// and deletes the worker there; the QThread deletes itself when done.
#pragma once

#include <QString>
#include <QThread>

#include <functional>

namespace issuebert {

// Worker: a QObject with a run() slot and a finished() signal emitted last.
// onDone runs in owner's thread when the thread has ended; it is connected
// before the thread starts, so even a job that ends at once is seen. Returns
// the thread (a child of owner) so the owner can wait for it.
template <typename Worker>
QThread* startWorkerThread(Worker* worker, QObject* owner, const QString& name,
                           const std::function<void()>& onDone = {}) {
    auto* thread = new QThread(owner);
    thread->setObjectName(name);
    worker->moveToThread(thread);
    QObject::connect(thread, &QThread::started, worker, &Worker::run);
    // finished is emitted in the worker thread. quit() is thread-safe, so a
    // direct call ends the thread without a trip through the GUI thread's loop
    // (which may be blocked in the owner's destructor, waiting for it). The
    // worker lives in that thread, so deleteLater runs there as it stops; the
    // QThread object itself is deleted in its owner's (GUI) thread.
    QObject::connect(worker, &Worker::finished, thread, &QThread::quit, Qt::DirectConnection);
    QObject::connect(worker, &Worker::finished, worker, &QObject::deleteLater);
    if (onDone) {
        QObject::connect(thread, &QThread::finished, owner, onDone);
    }
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
    return thread;
}

} // namespace issuebert
