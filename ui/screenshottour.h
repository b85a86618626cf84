// Walks the main window through every page with real data and saves a PNG of
// each: the README's screenshots (scripts/screenshots.sh runs it under Xvfb).
// Data: the sample's train.json; Train: a finished run's curves; Evaluate,
// Predictions and Classify & Label: that run's best model on the sample's
// test.json and on a pasted issue.
#pragma once

#include <QObject>
#include <QString>

namespace issuebert {

class MainWindow;

class ScreenshotTour : public QObject {
    Q_OBJECT

public:
    // run: a run folder with best/ (./run.sh --headless makes one).
    ScreenshotTour(MainWindow& window, QString outDir, QString run);

    // Starts the walk; finished(ok) when every shot is written or one failed.
    void start();

Q_SIGNALS:
    void finished(bool ok);

private:
    void shoot(const QString& name);
    void fail(const QString& message);
    void afterData();
    void afterTrain();
    void afterEvaluation();
    void afterPredictions();
    void afterClassify();

    MainWindow& m_window;
    QString m_outDir;
    QString m_run;
    bool m_done = false;
};

} // namespace issuebert
