// The pages that use a fine-tuned model, driven as a user would: Evaluate
// (metrics, confusion matrix, a cell's issues), Predictions (predict a file,
// filter, explain, threshold figures, CSV export) and Classify & Label
// (probabilities as you type, add a label and see the file grow, undo, walk
// the most uncertain issues). One tiny model is fine-tuned once for all.
#include "core/data/loader.h"
#include "core/eval/uncertainty.h"
#include "core/runtime.h"
#include "core/train/trainer.h"
#include "tests/ui/support/trainfixtures.h"
#include "ui/mainwindow.h"
#include "ui/models/predictionsfilterproxy.h"
#include "ui/models/predictionstablemodel.h"
#include "ui/pages/classifypage.h"
#include "ui/pages/evaluatepage.h"
#include "ui/pages/predictionspage.h"
#include "ui/widgets/confusionmatrixchart.h"
#include "ui/workers/modelservice.h"
#include "ui/workers/predictionworker.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>

using namespace issuebert;

namespace {

constexpr int kWaitMs = 120000; // ceilings; each job takes about a second

int jsonRecords(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return -1;
    }
    return static_cast<int>(QJsonDocument::fromJson(file.readAll()).array().size());
}

QStringList csvLines(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QString::fromUtf8(file.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
}

// Predicts file on page and waits for the answer; false when none came.
bool predictAndWait(PredictionsPage& page, const QString& file) {
    QSignalSpy predicted(&page, &PredictionsPage::predicted);
    page.predictFile(file);
    return predicted.wait(kWaitMs);
}

} // namespace

class ModelPagesTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_settingsDir;
    QTemporaryDir m_dir;
    QString m_best;       // the fine-tuned model
    QString m_labelled;   // held-out labelled issues
    QString m_unlabelled; // the same kind of issues without labels

private slots:
    void initTestCase() {
        testing::isolateUserState(m_settingsDir, m_dir);
        const QString model = testing::tinyModelDir(m_dir);
        const QString train = testing::writeSeparable(m_dir, QStringLiteral("train.json"), 40);
        m_labelled = testing::writeSeparable(m_dir, QStringLiteral("test.json"), 10, 99);
        m_unlabelled =
            testing::writeSeparable(m_dir, QStringLiteral("unlabelled.json"), 10, 123, false);

        TrainOptions options;
        options.trainPath = train.toStdString();
        options.model = model.toStdString();
        options.outDir = m_dir.filePath(QStringLiteral("run")).toStdString();
        options.encoder.maxLength = 32;
        options.batchSize = 8;
        options.epochs = 10;
        options.learningRate = 5e-3;
        options.valFraction = 0.25;
        options.seed = 11;
        TrainData data;
        data.train = loadDataset(options.trainPath);
        TrainingListener quiet;
        const FinishedEvent result = Trainer(options).run(data, quiet);
        QCOMPARE(result.outcome, RunOutcome::Finished);
        QVERIFY(result.bestScore >= 0.9);
        m_best = QString::fromStdString(result.bestPath);
    }

    void evaluateShowsMetricsTheMatrixAndACellsIssues() {
        EvaluatePage page;
        page.setModelDir(m_best);
        page.setDataFile(m_labelled);
        QSignalSpy evaluated(&page, &EvaluatePage::evaluated);
        page.evaluateButton()->click();
        QVERIFY(page.isRunning());
        QVERIFY(evaluated.wait(kWaitMs));
        const auto result = page.result();
        QVERIFY(result != nullptr);
        QCOMPARE(result->metrics.count, 30);
        QVERIFY(result->metrics.accuracy >= 0.8);
        QVERIFY2(page.summaryLabel()->text().contains(QStringLiteral("Accuracy")),
                 qPrintable(page.summaryLabel()->text()));
        QCOMPARE(page.confusionChart()->classCount(), 3);
        QCOMPARE(page.metricsView()->model()->rowCount(), 5); // 3 classes + 2 averages

        // A click on a cell lists exactly its issues.
        QAbstractItemModelTester cellTester(page.cellIssuesView()->model(),
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
        const long long diagonal = result->metrics.confusion[1][1];
        Q_EMIT page.confusionChart()->cellClicked(1, 1);
        QCOMPARE(page.cellIssuesView()->model()->rowCount(), static_cast<int>(diagonal));
        QVERIFY(page.cellLabel()->text().contains(QStringLiteral("feature")));
    }

    void evaluateExplainsAFileWithoutLabels() {
        EvaluatePage page;
        page.setModelDir(m_best);
        page.setDataFile(m_unlabelled);
        QSignalSpy errors(&page, &EvaluatePage::errorOccurred);
        page.evaluate();
        QTRY_VERIFY_WITH_TIMEOUT(!page.isRunning(), kWaitMs);
        QVERIFY(page.summaryLabel()->text().contains(QStringLiteral("no labels")));
    }

    void predictionsFilterExplainAndExport() {
        PredictionsPage page;
        page.setModelDir(m_best);
        QVERIFY(predictAndWait(page, m_unlabelled));
        QCOMPARE(page.model()->rowCount(), 30);
        QVERIFY(!page.model()->hasTrueLabels());

        // Text search, after the typing pause.
        page.searchEdit()->setText(QStringLiteral("crash"));
        QTRY_VERIFY(page.proxy()->rowCount() < 30);
        const int shown = page.proxy()->rowCount();
        QVERIFY(shown > 0);
        for (int row = 0; row < shown; ++row) {
            const int source = page.proxy()->mapToSource(page.proxy()->index(row, 0)).row();
            const Issue& issue = page.model()->issue(source);
            QVERIFY((issue.title + " " + issue.body).find("crash") != std::string::npos);
        }
        QVERIFY(page.countLabel()->text().startsWith(QString::number(shown)));

        // Export: the shown rows, then all of them.
        QString error;
        const QString shownCsv = m_dir.filePath(QStringLiteral("shown.csv"));
        QVERIFY2(page.exportCsv(shownCsv, true, &error), qPrintable(error));
        const QStringList lines = csvLines(shownCsv);
        QCOMPARE(lines.size(), shown + 1);
        QVERIFY(lines.first().startsWith(QStringLiteral("id,title,predicted,confidence,prob_bug")));
        const QString allCsv = m_dir.filePath(QStringLiteral("all.csv"));
        QVERIFY(page.exportCsv(allCsv, false, &error));
        QCOMPARE(csvLines(allCsv).size(), 31);
        QVERIFY(!page.exportCsv(m_dir.filePath(QStringLiteral("missing/x.csv")), false, &error));
        QVERIFY(error.contains(QStringLiteral("missing")));

        // Why this label: the selected issue's words, highlighted.
        page.table()->selectRow(0);
        QVERIFY(page.explainButton()->isEnabled());
        QSignalSpy explained(&page, &PredictionsPage::explained);
        page.explainButton()->click();
        QVERIFY(explained.wait(kWaitMs));
        QVERIFY(explained.last().at(0).toString().contains(QStringLiteral("background-color")));

        // The threshold figures need labelled results of the same model.
        QVERIFY(page.coverageText().contains(QStringLiteral("evaluate the model")));
        EvaluatePage evaluate;
        evaluate.setModelDir(m_best);
        evaluate.setDataFile(m_labelled);
        QSignalSpy evaluated(&evaluate, &EvaluatePage::evaluated);
        evaluate.evaluate();
        QVERIFY(evaluated.wait(kWaitMs));
        page.setReferenceResult(evaluate.result());
        page.thresholdSlider()->setValue(0);
        QVERIFY2(page.coverageText().contains(QStringLiteral("100 % of labelled issues")),
                 qPrintable(page.coverageText()));
        page.thresholdSlider()->setValue(100);
        // Remembered as it changes (it used to be written by the page's destructor).
        QCOMPARE(QSettings().value(QStringLiteral("predictions/threshold")).toInt(), 100);
        QVERIFY(page.model()->isUncertain(0));
    }

    void classifyAsYouTypeAddLabelsUndoAndWalkTheUncertain() {
        ClassifyPage page;
        page.setModelDir(m_best);
        QTRY_COMPARE_WITH_TIMEOUT(page.labelCombo()->count(), 3, kWaitMs);
        QSignalSpy classified(&page, &ClassifyPage::classified);
        page.titleEdit()->setText(QStringLiteral("app crash on start"));
        page.bodyEdit()->setPlainText(QStringLiteral("error exception crash broken fails"));
        QVERIFY(classified.wait(kWaitMs));
        const std::vector<float> p = page.probabilities();
        QCOMPARE(p.size(), std::size_t{3});
        QVERIFY(p[0] > p[1] && p[0] > p[2]); // bug
        QCOMPARE(page.labelCombo()->currentText(), QStringLiteral("bug"));

        // Correct the label and add it: the file grows by one; undo takes it back.
        const QString target = m_dir.filePath(QStringLiteral("labelled.json"));
        QFile::remove(target);
        QVERIFY(QFile::copy(m_labelled, target));
        // The file is read, written and restored off the GUI thread; the page
        // says when each is done.
        QSignalSpy chosen(&page, &ClassifyPage::targetFileChanged);
        QSignalSpy added(&page, &ClassifyPage::labelAdded);
        QSignalSpy undone(&page, &ClassifyPage::labelUndone);
        page.setTargetFile(target);
        QVERIFY(chosen.wait(kWaitMs));
        QCOMPARE(page.targetFile(), target);
        // What the file will get, in its own field order (Qt's JSON sorts keys).
        QCOMPARE(page.findChild<QLabel*>(QStringLiteral("targetFileLabel"))->text(),
                 QStringLiteral("labelled.json (JSON array: Body, Label (class number), Title)"));
        page.labelCombo()->setCurrentText(QStringLiteral("question"));
        page.addButton()->click();
        QVERIFY(!page.addButton()->isEnabled()); // until the write is done
        QVERIFY(added.wait(kWaitMs));
        QCOMPARE(jsonRecords(target), 31);
        QFile file(target);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonArray records = QJsonDocument::fromJson(file.readAll()).array();
        QCOMPARE(records.last().toObject().value(QStringLiteral("Label")).toInt(), 2);
        QVERIFY(page.undoButton()->isEnabled());
        page.undoButton()->click();
        QVERIFY(undone.wait(kWaitMs));
        QCOMPARE(jsonRecords(target), 30);

        // Next most uncertain: issues of a predicted unlabelled file, smallest margin first.
        PredictionsPage predictions;
        predictions.setModelDir(m_best);
        QVERIFY(predictAndWait(predictions, m_unlabelled));
        page.setPool(predictions.result());
        QCOMPARE(page.remainingInPool(), 30);
        page.nextButton()->click();
        QVERIFY(!page.titleEdit()->text().isEmpty());
        // Until the model answers for this issue there is no label to add:
        // the last issue's label is not carried over.
        QCOMPARE(page.labelCombo()->currentIndex(), -1);
        QSignalSpy errors(&page, &ClassifyPage::errorOccurred);
        page.addButton()->click();
        QCOMPARE(errors.count(), 1);
        QCOMPARE(jsonRecords(target), 30);
        QVERIFY(classified.wait(kWaitMs));
        QVERIFY(page.labelCombo()->currentIndex() >= 0);
        const QString firstTitle = page.titleEdit()->text();
        const auto& result = *predictions.result();
        // The issue shown has the smallest margin of them all.
        const auto margin = [&](std::size_t row) {
            std::vector<float> v{result.predictions.probability(row, 0),
                                 result.predictions.probability(row, 1),
                                 result.predictions.probability(row, 2)};
            std::sort(v.begin(), v.end());
            return v[2] - v[1];
        };
        std::size_t shownRow = 0;
        for (std::size_t row = 0; row < result.dataset->size(); ++row) {
            if (QString::fromStdString(result.dataset->issues[row].title) ==
                page.titleEdit()->text()) {
                shownRow = row;
            }
        }
        for (std::size_t row = 0; row < result.dataset->size(); ++row) {
            QVERIFY(margin(shownRow) <= margin(row));
        }
        page.addButton()->click(); // labels it and moves on
        QVERIFY(added.wait(kWaitMs));
        QCOMPARE(jsonRecords(target), 31);
        QCOMPARE(page.remainingInPool(), 28);
        QVERIFY(page.titleEdit()->text() != firstTitle);

        // Undo puts that issue back in the editor and in the walk.
        page.undoButton()->click();
        QVERIFY(undone.wait(kWaitMs));
        QCOMPARE(jsonRecords(target), 30);
        QCOMPARE(page.titleEdit()->text(), firstTitle);
        QVERIFY(classified.wait(kWaitMs));
        page.addButton()->click();
        QVERIFY(added.wait(kWaitMs));
        QCOMPARE(jsonRecords(target), 31);
        QCOMPARE(page.remainingInPool(), 28);
    }

    void aFinishedRunsModelReachesEveryModelPage() {
        MainWindow window;
        window.useModel(m_best);
        QCOMPARE(window.evaluatePage()->modelDir(), m_best);
        QCOMPARE(window.predictionsPage()->modelDir(), m_best);
        QTRY_COMPARE_WITH_TIMEOUT(window.classifyPage()->labelCombo()->count(), 3, kWaitMs);
        QCOMPARE(window.classifyPage()->modelDir(), m_best);
    }

    void oneCurrentModelLoadedOnceAndFollowedByEveryPage() {
        MainWindow window;
        // One model service in the whole window: a model is loaded once.
        QCOMPARE(window.findChildren<ModelService*>().size(), 1);
        const QString other = m_dir.filePath(QStringLiteral("elsewhere"));
        window.predictionsPage()->setModelDir(m_best);
        QCOMPARE(window.evaluatePage()->modelDir(), m_best);
        QCOMPARE(window.classifyPage()->modelDir(), m_best);
        QTRY_COMPARE_WITH_TIMEOUT(window.classifyPage()->labelCombo()->count(), 3, kWaitMs);
        window.evaluatePage()->setModelDir(other); // chosen on another page: all follow
        QCOMPARE(window.predictionsPage()->modelDir(), other);
        QCOMPARE(window.classifyPage()->modelDir(), other);
        QCOMPARE(window.classifyPage()->labelCombo()->count(), 0); // the old model's classes go
        window.classifyPage()->setModelDir(m_best);
        // Remembered as the current model: a new window starts with it.
        MainWindow next;
        QCOMPARE(next.evaluatePage()->modelDir(), m_best);
        QCOMPARE(next.predictionsPage()->modelDir(), m_best);
        QCOMPARE(next.classifyPage()->modelDir(), m_best);
    }

    void aCancelledPredictionIsDroppedAndTheNextOneRuns() {
        PredictionsPage page;
        page.setModelDir(m_best);
        QSignalSpy predicted(&page, &PredictionsPage::predicted);
        page.predictFile(m_unlabelled);
        QVERIFY(page.isRunning());
        page.cancel(); // whether the job has got far or not, its answer is dropped
        QVERIFY(!page.isRunning());
        QVERIFY2(page.summaryLabel()->text().contains(QStringLiteral("cancelled")),
                 qPrintable(page.summaryLabel()->text()));
        page.predictFile(m_unlabelled);
        QVERIFY(predicted.wait(kWaitMs));
        QTest::qWait(100); // the cancelled job, had it delivered, would show now
        QCOMPARE(predicted.count(), 1);
        QCOMPARE(page.result()->dataset->size(), std::size_t{30});
    }

    void theUncertainWalkCanGoByEntropy() {
        PredictionsPage predictions;
        predictions.setModelDir(m_best);
        QVERIFY(predictAndWait(predictions, m_unlabelled));
        const auto& result = *predictions.result();
        const std::vector<double> entropy = entropyOf(result.predictions);
        const auto widest = static_cast<std::size_t>(
            std::max_element(entropy.begin(), entropy.end()) - entropy.begin());

        ClassifyPage page;
        page.measureCombo()->setCurrentIndex(1); // by entropy, remembered
        QCOMPARE(QSettings().value(QStringLiteral("classify/uncertainty")).toInt(), 1);
        page.setPool(predictions.result());
        page.nextButton()->click();
        QCOMPARE(page.titleEdit()->text(),
                 QString::fromStdString(result.dataset->issues[widest].title));
        page.measureCombo()->setCurrentIndex(0); // back to the margin for the other tests
    }

    void classifySaysWhatANewFileWillGet() {
        ClassifyPage page;
        const QString target = m_dir.filePath(QStringLiteral("new-labels.jsonl"));
        QFile::remove(target);
        QSignalSpy chosen(&page, &ClassifyPage::targetFileChanged);
        page.setTargetFile(target);
        QVERIFY(chosen.wait(kWaitMs));
        QCOMPARE(page.findChild<QLabel*>(QStringLiteral("targetFileLabel"))->text(),
                 QStringLiteral("new-labels.jsonl (JSON Lines: title, body, label (class name) "
                                "(a new file))"));
        QVERIFY(!QFile::exists(target)); // created by the first issue added, not before
    }

    void classifyRefusesAFileItCannotWrite() {
        ClassifyPage page;
        const QString bad = m_dir.filePath(QStringLiteral("bad.json"));
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"not\": \"an array\"}");
        file.close();
        QSignalSpy refused(&page, &ClassifyPage::targetFileRefused);
        QSignalSpy errors(&page, &ClassifyPage::errorOccurred);
        page.setTargetFile(bad);
        QVERIFY(refused.wait(kWaitMs));
        const QString error = refused.first().first().toString();
        QVERIFY2(error.contains(QStringLiteral("bad.json")), qPrintable(error));
        QCOMPARE(page.statusLabel()->text(), error);
        QCOMPARE(page.targetFile(), QString()); // nothing chosen
        QVERIFY(!page.addButton()->isEnabled());
        QCOMPARE(errors.count(), 0); // said on the page, no dialog: it may be last session's file
    }
};

// initRuntime() before QApplication, as the app does.
int main(int argc, char** argv) {
    issuebert::initRuntime();
    QApplication app(argc, argv);
    ModelPagesTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_modelpages.moc"
