// JobRunner, the app's one way to run work off the GUI thread: the result comes
// back in the GUI thread, an error as its message, a newer job makes the older
// one's answer disappear, cancel stops it, a long job's events arrive in order
// (also after stop), and the runner waits for its threads.
#include "core/io/errors.h"
#include "ui/workers/jobrunner.h"

#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <chrono>
#include <thread>

using namespace issuebert;

namespace {

constexpr int kWaitMs = 10000;

// Spins until flag is set (or the job is cancelled): a job the test controls.
int waitFor(const std::atomic<bool>& flag, const JobRunner::Context& context, int value) {
    while (!flag.load() && !context.cancelled()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return value;
}

} // namespace

class JobRunnerTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void theResultComesBackInTheGuiThread() {
        JobRunner runner;
        QThread* workThread = nullptr;
        QThread* doneThread = nullptr;
        int result = 0;
        runner.run<int>(
            QStringLiteral("test job"),
            [&](const JobRunner::Context&) {
                workThread = QThread::currentThread();
                return 42;
            },
            [&](int value) {
                doneThread = QThread::currentThread();
                result = value;
            });
        QVERIFY(runner.isBusy());
        QSignalSpy idle(&runner, &JobRunner::idle);
        QVERIFY(idle.wait(kWaitMs));
        QCOMPARE(result, 42);
        QVERIFY(workThread != nullptr && workThread != QThread::currentThread());
        QCOMPARE(doneThread, QThread::currentThread());
        QVERIFY(!runner.isBusy());
    }

    void anErrorComesBackAsItsMessage() {
        JobRunner runner;
        QString message;
        bool done = false;
        runner.run<int>(
            QStringLiteral("failing job"),
            [](const JobRunner::Context&) -> int {
                throw DataError("issues.json: record 3: \"Label\" is 7; expected 0, 1 or 2");
            },
            [&](int) { done = true; }, [&](const QString& text) { message = text; });
        QSignalSpy idle(&runner, &JobRunner::idle);
        QVERIFY(idle.wait(kWaitMs));
        QVERIFY(!done);
        QCOMPARE(message,
                 QStringLiteral("issues.json: record 3: \"Label\" is 7; expected 0, 1 or 2"));
    }

    void aNewerJobDropsTheOlderOnesAnswer() {
        JobRunner runner;
        std::atomic<bool> release{false};
        std::atomic<bool> olderCancelled{false};
        QList<int> answers;
        runner.run<int>(
            QStringLiteral("older"),
            [&](const JobRunner::Context& context) {
                const int value = waitFor(release, context, 1);
                olderCancelled = context.cancelled();
                return value;
            },
            [&](int value) { answers.append(value); });
        runner.run<int>(
            QStringLiteral("newer"), [](const JobRunner::Context&) { return 2; },
            [&](int value) { answers.append(value); });
        QSignalSpy idle(&runner, &JobRunner::idle);
        QVERIFY(idle.wait(kWaitMs));
        release = true;
        runner.waitForIdle();
        QTest::qWait(50); // the older job's finish, delivered and dropped
        QCOMPARE(answers, QList<int>({2}));
        QVERIFY(olderCancelled.load()); // it was asked to stop
    }

    void cancelStopsTheJobAndDropsItsAnswer() {
        JobRunner runner;
        std::atomic<bool> never{false};
        bool done = false;
        runner.run<int>(
            QStringLiteral("cancelled"),
            [&](const JobRunner::Context& context) { return waitFor(never, context, 1); },
            [&](int) { done = true; });
        QSignalSpy idle(&runner, &JobRunner::idle);
        runner.cancel();
        QCOMPARE(idle.count(), 1);
        QVERIFY(!runner.isBusy());
        runner.waitForIdle(); // returns: the job saw its cancel flag
        QTest::qWait(50);
        QVERIFY(!done);
    }

    void progressIsForwardedWhileTheJobIsCurrent() {
        JobRunner runner;
        QSignalSpy progress(&runner, &JobRunner::progress);
        runner.run<int>(
            QStringLiteral("progress"),
            [](const JobRunner::Context& context) {
                context.progress(1, 4);
                context.progress(4, 4);
                return 0;
            },
            [](int) {});
        QSignalSpy idle(&runner, &JobRunner::idle);
        QVERIFY(idle.wait(kWaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(progress.count(), 2, kWaitMs);
        QCOMPARE(progress.last().at(0).toLongLong(), 4);
        QCOMPARE(progress.last().at(1).toLongLong(), 4);
    }

    void eventsArriveInOrderBeforeTheResult() {
        JobRunner runner;
        QStringList seen;
        runner.run<int>(
            QStringLiteral("events"),
            [&seen](const JobRunner::Context& context) {
                for (int i = 0; i < 100; ++i) {
                    context.post([&seen, i] { seen << QString::number(i); });
                }
                return 100;
            },
            [&seen](int value) { seen << QStringLiteral("done %1").arg(value); });
        QSignalSpy idle(&runner, &JobRunner::idle);
        QVERIFY(idle.wait(kWaitMs));
        QCOMPARE(seen.size(), 101);
        for (int i = 0; i < 100; ++i) {
            QCOMPARE(seen.at(i), QString::number(i));
        }
        QCOMPARE(seen.last(), QStringLiteral("done 100"));
    }

    void stopKeepsTheJobsEventsAndItsResult() {
        // A training run asked to stop still says how it stopped.
        JobRunner runner;
        std::atomic<bool> never{false};
        QStringList seen;
        runner.run<int>(
            QStringLiteral("stoppable"),
            [&](const JobRunner::Context& context) {
                const int value = waitFor(never, context, 7);
                context.post([&seen] { seen << QStringLiteral("saved where it stopped"); });
                return value;
            },
            [&seen](int value) { seen << QStringLiteral("stopped with %1").arg(value); });
        QVERIFY(!runner.isStopping());
        QSignalSpy idle(&runner, &JobRunner::idle);
        runner.stop();
        QVERIFY(runner.isStopping());
        QVERIFY(runner.isBusy()); // still current, unlike cancel()
        QCOMPARE(idle.count(), 0);
        QVERIFY(idle.wait(kWaitMs));
        QCOMPARE(seen, QStringList({QStringLiteral("saved where it stopped"),
                                    QStringLiteral("stopped with 7")}));
        QVERIFY(!runner.isStopping());
    }

    void aStaleJobsEventsAreDropped() {
        JobRunner runner;
        std::atomic<bool> release{false};
        std::atomic<bool> posted{false};
        bool olderEvent = false;
        runner.run<int>(
            QStringLiteral("older"),
            [&](const JobRunner::Context& context) {
                while (!release.load()) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                }
                context.post([&olderEvent] { olderEvent = true; });
                posted = true;
                return 1;
            },
            [](int) {});
        runner.run<int>(
            QStringLiteral("newer"), [](const JobRunner::Context&) { return 2; }, [](int) {});
        release = true;
        QTRY_VERIFY_WITH_TIMEOUT(posted.load(), kWaitMs);
        runner.waitForIdle();
        QTest::qWait(50);
        QVERIFY(!olderEvent);
    }

    void destroyingTheRunnerCancelsAndWaits() {
        std::atomic<bool> never{false};
        std::atomic<bool> ended{false};
        {
            JobRunner runner;
            runner.run<int>(
                QStringLiteral("outlived"),
                [&](const JobRunner::Context& context) {
                    const int value = waitFor(never, context, 1);
                    ended = true;
                    return value;
                },
                [](int) {});
        }
        QVERIFY(ended.load()); // the job ended before the runner went
    }
};

QTEST_GUILESS_MAIN(JobRunnerTest)

#include "test_jobrunner.moc"
