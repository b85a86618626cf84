// The screenshot tour: one step per page, each waiting for its page's signal.
#include "ui/screenshottour.h"

#include "core/io/paths.h"
#include "ui/mainwindow.h"
#include "ui/pages/classifypage.h"
#include "ui/pages/datapage.h"
#include "ui/pages/evaluatepage.h"
#include "ui/pages/predictionspage.h"
#include "ui/pages/trainpage.h"
#include "ui/workers/predictionworker.h"

#include <QDir>
#include <QTableView>
#include <QTimer>

#include <cstdio>

namespace issuebert {

namespace {

// Time for a page to lay out and paint before it is grabbed.
constexpr int kSettleMs = 600;
// The whole tour takes seconds; after this it gives up.
constexpr int kTimeoutMs = 300000;

} // namespace

ScreenshotTour::ScreenshotTour(MainWindow& window, QString outDir, QString run)
    : QObject(&window), m_window(window), m_outDir(std::move(outDir)), m_run(std::move(run)) {}

void ScreenshotTour::start() {
    QDir().mkpath(m_outDir);
    // A step that never answers (a model that fails to load) ends the tour.
    QTimer::singleShot(kTimeoutMs, this, [this] { fail(QStringLiteral("timed out")); });
    connect(m_window.classifyPage(), &ClassifyPage::errorOccurred, this, &ScreenshotTour::fail);
    connect(m_window.dataPage(), &DataPage::datasetLoaded, this,
            [this] { QTimer::singleShot(kSettleMs, this, &ScreenshotTour::afterData); });
    connect(m_window.dataPage(), &DataPage::errorOccurred, this, &ScreenshotTour::fail);
    m_window.openDataset(QString::fromStdString(sampleDataPath("train.json")));
}

void ScreenshotTour::shoot(const QString& name) {
    const QString path = QDir(m_outDir).filePath(name);
    if (!m_window.grab().save(path)) {
        fail(QStringLiteral("cannot write %1").arg(path));
        return;
    }
    std::fprintf(stderr, "wrote %s\n", qPrintable(path));
}

void ScreenshotTour::fail(const QString& message) {
    if (!m_done) {
        m_done = true;
        std::fprintf(stderr, "screenshot tour: %s\n", qPrintable(message));
        Q_EMIT finished(false);
    }
}

void ScreenshotTour::afterData() {
    shoot(QStringLiteral("data-page.png"));
    TrainPage* train = m_window.trainPage();
    connect(train, &TrainPage::errorOccurred, this, &ScreenshotTour::fail);
    connect(train, &TrainPage::runShown, this, [this] {
        m_window.showPage(m_window.trainPage());
        QTimer::singleShot(kSettleMs, this, &ScreenshotTour::afterTrain);
    });
    train->showRun(m_run);
}

void ScreenshotTour::afterTrain() {
    shoot(QStringLiteral("train-page.png"));
    m_window.useModel(QDir(m_run).filePath(QStringLiteral("best")));
    EvaluatePage* evaluate = m_window.evaluatePage();
    connect(evaluate, &EvaluatePage::evaluated, this,
            [this] { QTimer::singleShot(kSettleMs, this, &ScreenshotTour::afterEvaluation); });
    connect(evaluate, &EvaluatePage::errorOccurred, this, &ScreenshotTour::fail);
    evaluate->setDataFile(QString::fromStdString(sampleDataPath("test.json")));
    m_window.showPage(evaluate);
    evaluate->evaluate();
}

void ScreenshotTour::afterEvaluation() {
    EvaluatePage* evaluate = m_window.evaluatePage();
    // The largest mistake, so the cell list shows real confusions.
    const auto& confusion = evaluate->result()->metrics.confusion;
    int bestTrue = 0;
    int bestPredicted = 0;
    long long most = -1;
    for (int t = 0; t < static_cast<int>(confusion.size()); ++t) {
        for (int p = 0; p < static_cast<int>(confusion[t].size()); ++p) {
            if (t != p && confusion[t][p] > most) {
                most = confusion[t][p];
                bestTrue = t;
                bestPredicted = p;
            }
        }
    }
    evaluate->showCell(bestTrue, bestPredicted);
    QTimer::singleShot(kSettleMs, this, [this] {
        shoot(QStringLiteral("evaluate-page.png"));
        PredictionsPage* predictions = m_window.predictionsPage();
        connect(predictions, &PredictionsPage::predicted, this, [this, predictions] {
            predictions->table()->selectRow(0);
            predictions->explainSelected();
        });
        connect(predictions, &PredictionsPage::explained, this,
                [this] { QTimer::singleShot(kSettleMs, this, &ScreenshotTour::afterPredictions); });
        connect(predictions, &PredictionsPage::errorOccurred, this, &ScreenshotTour::fail);
        m_window.showPage(predictions);
        predictions->predictFile(QString::fromStdString(sampleDataPath("test.json")));
    });
}

void ScreenshotTour::afterPredictions() {
    shoot(QStringLiteral("predictions-page.png"));
    ClassifyPage* classify = m_window.classifyPage();
    connect(classify, &ClassifyPage::classified, this,
            [this] { QTimer::singleShot(kSettleMs, this, &ScreenshotTour::afterClassify); });
    m_window.showPage(classify);
    classify->setIssue(
        QStringLiteral("Export to PDF crashes when the document has images"),
        QStringLiteral("Steps to reproduce:\n1. Open a document with two images\n2. File > Export "
                       "> PDF\n\nExpected: a PDF file.\nActual: the app closes with a "
                       "segmentation fault (stack trace attached)."));
}

void ScreenshotTour::afterClassify() {
    if (m_done) {
        return;
    }
    shoot(QStringLiteral("classify-page.png"));
    m_done = true;
    Q_EMIT finished(true);
}

} // namespace issuebert
