// The Train page's live charts on their own: points in the right graphs,
// TensorBoard smoothing, epoch markers, metrics.jsonl replay, export, and
// one coalesced replot for a burst of steps.
#include "ui/widgets/trainingcharts.h"

#include "core/train/events.h"

#include <QAction>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QMenu>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <qcustomplot.h>

#include <cmath>
#include <limits>

using namespace issuebert;

namespace {

StepEvent step(long long number, double loss) {
    StepEvent event;
    event.step = number;
    event.totalSteps = 100;
    event.epoch = 1;
    event.epochs = 2;
    event.loss = loss;
    return event;
}

EvalEvent evaluation(long long number, double loss, double accuracy, double macroF1,
                     bool improved) {
    EvalEvent event;
    event.step = number;
    event.epoch = 1;
    event.loss = loss;
    event.metrics.accuracy = accuracy;
    event.metrics.macroF1 = macroF1;
    event.score = accuracy;
    event.improved = improved;
    return event;
}

EpochEvent epochEnd(int epoch) {
    EpochEvent event;
    event.epoch = epoch;
    event.epochs = 2;
    return event;
}

QVector<QPointF> points(QCPGraph* graph) {
    QVector<QPointF> result;
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) {
        result.append(QPointF(it->key, it->value));
    }
    return result;
}

// Equal point lists, NaN (a gap) matching NaN.
bool samePoints(const QVector<QPointF>& a, const QVector<QPointF>& b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (int i = 0; i < a.size(); ++i) {
        const bool bothNaN = std::isnan(a[i].y()) && std::isnan(b[i].y());
        if (a[i].x() != b[i].x() || (!bothNaN && a[i].y() != b[i].y())) {
            return false;
        }
    }
    return true;
}

// The "epoch N" labels the user sees, with the step each stands at.
QMap<QString, double> epochLabels(TrainingCharts& charts) {
    QMap<QString, double> labels;
    for (int i = 0; i < charts.plot()->itemCount(); ++i) {
        if (auto* text = qobject_cast<QCPItemText*>(charts.plot()->item(i))) {
            labels.insert(text->text(), text->position->coords().x());
        }
    }
    return labels;
}

QList<double> epochLineSteps(TrainingCharts& charts) {
    QList<double> steps;
    for (int i = 0; i < charts.plot()->itemCount(); ++i) {
        if (auto* line = qobject_cast<QCPItemStraightLine*>(charts.plot()->item(i))) {
            // Vertical: both points at one step; -1 flags a slanted line.
            const double x = line->point1->coords().x();
            steps.append(x == line->point2->coords().x() ? x : -1);
        }
    }
    return steps;
}

// A short run: 2 epochs of 4 steps, evaluations at each epoch end and
// mid-epoch, one NaN step (written as null), as the trainer reports it.
void feedRun(TrainingCharts& charts, QFile* log = nullptr) {
    const auto write = [log](const std::string& line) {
        if (log != nullptr) {
            log->write(QByteArray::fromStdString(line + "\n"));
        }
    };
    const double losses[] = {1.2, 1.0, std::numeric_limits<double>::quiet_NaN(), 0.8, 0.7, 0.65,
                             0.5, 0.45};
    write(messageJson("model loaded"));
    for (int i = 0; i < 8; ++i) {
        const StepEvent event = step(i + 1, losses[i]);
        charts.addStep(event);
        write(eventJson(event));
        if (i == 1 || i == 3 || i == 7) {
            const EvalEvent eval =
                evaluation(i + 1, 0.9 - 0.1 * i, 0.5 + 0.05 * i, 0.4 + 0.05 * i, i != 3);
            charts.addEvaluation(eval);
            write(eventJson(eval));
        }
        if (i == 3 || i == 7) {
            const EpochEvent epoch = epochEnd(i == 3 ? 1 : 2);
            charts.addEpochEnd(epoch);
            write(eventJson(epoch));
        }
    }
    FinishedEvent finished;
    write(eventJson(finished));
}

void waitForQuiet() {
    QTest::qWait(3 * TrainingCharts::kReplotIntervalMs);
}

} // namespace

class TrainingChartsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void pointsLandInTheRightGraphs() {
        TrainingCharts charts;
        charts.setSmoothing(0);
        charts.addStep(step(1, 0.9));
        charts.addStep(step(2, 0.7));
        charts.addEvaluation(evaluation(2, 0.75, 0.6, 0.55, true));
        charts.addStep(step(3, 0.5));
        QCOMPARE(charts.stepCount(), 3);
        QCOMPARE(charts.evaluationCount(), 1);
        QCOMPARE(points(charts.rawLossGraph()), (QVector<QPointF>{{1, 0.9}, {2, 0.7}, {3, 0.5}}));
        QCOMPARE(points(charts.smoothedLossGraph()), points(charts.rawLossGraph()));
        QCOMPARE(points(charts.validationLossGraph()), (QVector<QPointF>{{2, 0.75}}));
        QCOMPARE(points(charts.accuracyGraph()), (QVector<QPointF>{{2, 0.6}}));
        QCOMPARE(points(charts.macroF1Graph()), (QVector<QPointF>{{2, 0.55}}));
        // Losses above, accuracy and F1 below; each with a legend entry.
        QCOMPARE(charts.rawLossGraph()->keyAxis()->axisRect(), charts.lossRect());
        QCOMPARE(charts.validationLossGraph()->keyAxis()->axisRect(), charts.lossRect());
        QCOMPARE(charts.accuracyGraph()->keyAxis()->axisRect(), charts.metricsRect());
        QCOMPARE(charts.macroF1Graph()->keyAxis()->axisRect(), charts.metricsRect());
        QVERIFY(charts.accuracyGraph()->name().contains(QStringLiteral("Accuracy")));
        QVERIFY(charts.plot()->legend->hasItemWithPlottable(charts.smoothedLossGraph()));
        QVERIFY(!charts.plot()->legend->hasItemWithPlottable(charts.macroF1Graph()));
        auto* metricsLegend =
            qobject_cast<QCPLegend*>(charts.metricsRect()->insetLayout()->elementAt(0));
        QVERIFY(metricsLegend != nullptr);
        QVERIFY(metricsLegend->hasItemWithPlottable(charts.macroF1Graph()));
        QVERIFY(metricsLegend->hasItemWithPlottable(charts.bestGraph()));
    }

    void metricsAxisReadsInPercent() {
        TrainingCharts charts;
        QCPAxis* y = charts.metricsRect()->axis(QCPAxis::atLeft);
        auto ticker = qSharedPointerCast<QCPAxisTickerText>(y->ticker());
        QVERIFY(ticker);
        QCOMPARE(ticker->ticks().value(0.6), QStringLiteral("60%"));
        QCOMPARE(ticker->ticks().value(1.0), QStringLiteral("100%"));
        QVERIFY(y->range().lower <= 0 && y->range().upper >= 1);
    }

    void smoothingIsTensorBoardsDebiasedAverage() {
        TrainingCharts charts;
        QCOMPARE(charts.smoothing(), 0.9);
        charts.addStep(step(1, 2.0));
        charts.addStep(step(2, 1.0));
        // Debiased: the first point is the loss itself, not 0.1 × it.
        QCOMPARE(charts.smoothedLossGraph()->data()->at(0)->value, 2.0);
        QVERIFY(std::abs(charts.smoothedLossGraph()->data()->at(1)->value - 0.28 / 0.19) < 1e-12);

        TrainingCharts half;
        half.setSmoothing(0.5);
        for (int i = 1; i <= 4; ++i) {
            half.addStep(step(i, i));
        }
        // EMA 0.5, 1.25, 2.125, 3.0625 over 1 - 0.5^n: 1, 5/3, 17/7, 49/15.
        const double expected[] = {1.0, 5.0 / 3, 17.0 / 7, 49.0 / 15, 129.0 / 31};
        const auto check = [&expected](TrainingCharts& chart, int count) {
            QCOMPARE(chart.smoothedLossGraph()->data()->size(), count);
            for (int i = 0; i < count; ++i) {
                const double value = chart.smoothedLossGraph()->data()->at(i)->value;
                QVERIFY2(std::abs(value - expected[i]) < 1e-12, qPrintable(QString::number(i)));
            }
        };
        check(half, 4);

        // Changing the weight redraws the whole curve, and new points continue it.
        TrainingCharts later;
        for (int i = 1; i <= 4; ++i) {
            later.addStep(step(i, i));
        }
        later.setSmoothing(0.5);
        check(later, 4);
        later.addStep(step(5, 5)); // EMA 4.03125 / (1 - 1/32) = 129/31
        check(later, 5);

        later.setSmoothing(0);
        QCOMPARE(points(later.smoothedLossGraph()), points(later.rawLossGraph()));
        later.setSmoothing(5);
        QCOMPARE(later.smoothing(), TrainingCharts::kMaxSmoothing);
    }

    void aSkippedNaNStepIsAGapNotAPoisonedAverage() {
        TrainingCharts charts;
        charts.setSmoothing(0.5);
        charts.addStep(step(1, 1.0));
        charts.addStep(step(2, std::numeric_limits<double>::quiet_NaN()));
        charts.addStep(step(3, 2.0));
        QVERIFY(std::isnan(charts.smoothedLossGraph()->data()->at(1)->value));
        QVERIFY(std::abs(charts.smoothedLossGraph()->data()->at(2)->value - 5.0 / 3) < 1e-12);
    }

    void epochMarkerStandsAtTheLastStep() {
        TrainingCharts charts;
        for (int i = 1; i <= 10; ++i) {
            charts.addStep(step(i, 1.0 / i));
        }
        charts.addEpochEnd(epochEnd(1));
        QCOMPARE(charts.epochMarkerCount(), 1);
        QCOMPARE(epochLabels(charts).value(QStringLiteral("epoch 1"), -1), 10.0);
        // A dashed line in each chart.
        QCOMPARE(epochLineSteps(charts), (QList<double>{10.0, 10.0}));
        QCPItemStraightLine* line = nullptr;
        for (int i = 0; i < charts.plot()->itemCount() && line == nullptr; ++i) {
            line = qobject_cast<QCPItemStraightLine*>(charts.plot()->item(i));
        }
        QVERIFY(line != nullptr);
        QCOMPARE(line->pen().style(), Qt::DashLine);

        charts.addStep(step(11, 0.1));
        charts.addStep(step(12, 0.1));
        charts.addEpochEnd(epochEnd(2));
        QCOMPARE(charts.epochMarkerCount(), 2);
        QCOMPARE(epochLabels(charts).value(QStringLiteral("epoch 2"), -1), 12.0);
    }

    void aRunWithoutValidationSaysWhyItsMetricsChartIsEmpty() {
        TrainingCharts charts;
        charts.addStep(step(1, 1.0));
        QVERIFY(charts.noValidationNote().isEmpty()); // not before an epoch has ended
        charts.addEpochEnd(epochEnd(1));
        QVERIFY2(charts.noValidationNote().contains(QStringLiteral("No validation in this run")),
                 qPrintable(charts.noValidationNote()));
        QVERIFY(charts.noValidationNote().contains(QStringLiteral("Split off")));
        charts.clear();
        QVERIFY(charts.noValidationNote().isEmpty());
        // A run with validation never shows it.
        charts.addStep(step(1, 1.0));
        charts.addEvaluation(evaluation(1, 0.9, 0.5, 0.4, true));
        charts.addEpochEnd(epochEnd(1));
        QVERIFY(charts.noValidationNote().isEmpty());
    }

    void theLastEpochLabelStaysInsideTheChart() {
        TrainingCharts charts;
        charts.resize(600, 500);
        charts.show();
        QVERIFY(QTest::qWaitForWindowExposed(&charts));
        for (int i = 1; i <= 100; ++i) {
            charts.addStep(step(i, 1.0));
            if (i == 50 || i == 100) {
                charts.addEpochEnd(epochEnd(i / 50));
            }
        }
        QTRY_VERIFY(charts.plot()->xAxis->range().upper >= 100);
        QTest::qWait(50);
        const QRect frame = charts.lossRect()->rect();
        for (int i = 0; i < charts.plot()->itemCount(); ++i) {
            if (auto* label = qobject_cast<QCPItemText*>(charts.plot()->item(i))) {
                const QPointF corner = label->right->pixelPosition();
                QVERIFY2(corner.x() <= frame.right() + 1, qPrintable(label->text()));
                QVERIFY(label->left->pixelPosition().x() >= frame.left());
            }
        }
    }

    void bestEvaluationIsHighlighted() {
        TrainingCharts charts;
        QCOMPARE(charts.bestStep(), -1);
        charts.addEvaluation(evaluation(2, 0.8, 0.6, 0.5, true));
        charts.addEvaluation(evaluation(4, 0.7, 0.8, 0.7, true));
        charts.addEvaluation(evaluation(6, 0.9, 0.7, 0.6, false)); // worse: best/ kept
        QCOMPARE(charts.bestStep(), 4);
        QCOMPARE(points(charts.bestGraph()), (QVector<QPointF>{{4, 0.8}, {4, 0.7}}));
        QCOMPARE(charts.bestGraph()->lineStyle(), QCPGraph::lsNone);
    }

    void clearEmptiesEverything() {
        TrainingCharts charts;
        feedRun(charts);
        QVERIFY(charts.stepCount() > 0 && charts.epochMarkerCount() > 0);
        charts.clear();
        QCOMPARE(charts.stepCount(), 0);
        QCOMPARE(charts.evaluationCount(), 0);
        QCOMPARE(charts.epochMarkerCount(), 0);
        QCOMPARE(charts.bestStep(), -1);
        QCOMPARE(charts.plot()->itemCount(), 0);
        for (QCPGraph* graph :
             {charts.rawLossGraph(), charts.smoothedLossGraph(), charts.validationLossGraph(),
              charts.accuracyGraph(), charts.macroF1Graph(), charts.bestGraph()}) {
            QCOMPARE(graph->data()->size(), 0);
        }
        // A new run starts its average afresh.
        charts.addStep(step(1, 3.0));
        QCOMPARE(charts.smoothedLossGraph()->data()->at(0)->value, 3.0);
    }

    void metricsLogReplaysTheRun() {
        QTemporaryDir dir;
        QFile log(dir.filePath(QStringLiteral("metrics.jsonl")));
        QVERIFY(log.open(QIODevice::WriteOnly));
        TrainingCharts live;
        feedRun(live, &log);
        log.close();

        TrainingCharts replay;
        replay.addStep(step(1, 99.0)); // an earlier run's point: replaced
        // 8 steps, 3 evaluations, 2 epoch ends; the message and finished lines skipped.
        const std::vector<LoggedEvent> events = readMetricsLog(log.fileName().toStdString());
        QCOMPARE(events.size(), std::size_t{13});
        replay.showEvents(events, dir.path());
        QCOMPARE(replay.stepCount(), live.stepCount());
        QCOMPARE(replay.evaluationCount(), live.evaluationCount());
        QCOMPARE(replay.epochMarkerCount(), live.epochMarkerCount());
        QCOMPARE(replay.bestStep(), live.bestStep());
        for (auto graph : {&TrainingCharts::rawLossGraph, &TrainingCharts::smoothedLossGraph,
                           &TrainingCharts::validationLossGraph, &TrainingCharts::accuracyGraph,
                           &TrainingCharts::macroF1Graph, &TrainingCharts::bestGraph}) {
            QVERIFY(samePoints(points((replay.*graph)()), points((live.*graph)())));
        }
        QVERIFY(std::isnan(replay.rawLossGraph()->data()->at(2)->value)); // null: the NaN step
        QCOMPARE(epochLabels(replay), epochLabels(live));
    }

    void exportWritesPngAndPdf() {
        QTemporaryDir dir;
        TrainingCharts charts;
        feedRun(charts);
        QString error;
        const QString png = dir.filePath(QStringLiteral("charts.png"));
        QVERIFY2(charts.exportPng(png, &error), qPrintable(error));
        QFile pngFile(png);
        QVERIFY(pngFile.open(QIODevice::ReadOnly));
        QCOMPARE(pngFile.read(8), QByteArray("\x89PNG\r\n\x1a\n", 8));
        const QImage image(png);
        QVERIFY(image.width() >= 800 && image.height() >= 600);
        // Curves, axes and text are drawn: many colours, not a blank page.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 3) {
            for (int x = 0; x < image.width(); x += 3) {
                colours.insert(image.pixel(x, y));
            }
        }
        QVERIFY2(colours.size() >= 8, qPrintable(QString::number(colours.size())));

        const QString pdf = dir.filePath(QStringLiteral("charts.pdf"));
        QVERIFY2(charts.exportPdf(pdf, &error), qPrintable(error));
        QFile pdfFile(pdf);
        QVERIFY(pdfFile.open(QIODevice::ReadOnly));
        QCOMPARE(pdfFile.read(4), QByteArray("%PDF"));
        QVERIFY(pdfFile.size() > 1000);

        const QString lost = dir.filePath(QStringLiteral("missing/charts.png"));
        error.clear();
        QVERIFY(!charts.exportPng(lost, &error));
        QVERIFY2(error.contains(lost), qPrintable(error));
        error.clear();
        QVERIFY(!charts.exportPdf(dir.filePath(QStringLiteral("missing/charts.pdf")), &error));
        QVERIFY2(error.contains(QStringLiteral("missing/charts.pdf")), qPrintable(error));
        QVERIFY(!QFile::exists(lost));
    }

    void contextMenuOffersExportAndResetZoom() {
        TrainingCharts charts;
        QStringList texts;
        for (QAction* action : charts.contextMenu()->actions()) {
            if (!action->isSeparator()) {
                texts << action->text();
            }
        }
        QCOMPARE(texts, (QStringList{QStringLiteral("Export PNG…"), QStringLiteral("Export PDF…"),
                                     QStringLiteral("Reset zoom")}));
        QCOMPARE(charts.plot()->contextMenuPolicy(), Qt::CustomContextMenu);
        QVERIFY(charts.plot()->interactions().testFlag(QCP::iRangeZoom));
        QCOMPARE(charts.lossRect()->rangeZoom(), Qt::Horizontal);
        QCOMPARE(charts.metricsRect()->rangeDrag(), Qt::Horizontal);
    }

    void aBurstOfStepsCostsOneReplot() {
        TrainingCharts charts;
        charts.resize(900, 700);
        charts.show();
        QVERIFY(QTest::qWaitForWindowExposed(&charts));
        waitForQuiet();
        QSignalSpy replots(charts.plot(), &QCustomPlot::afterReplot);
        for (int i = 1; i <= 100000; ++i) {
            charts.addStep(step(i, 1.0 + std::sin(i * 0.01) / (1.0 + i * 1e-3)));
        }
        QTRY_COMPARE_WITH_TIMEOUT(replots.size(), 1, 5000);
        waitForQuiet();
        QCOMPARE(replots.size(), 1);
        QCOMPARE(charts.stepCount(), 100000);
        // The one replot shows every step.
        QVERIFY(charts.plot()->xAxis->range().upper >= 100000);
        QVERIFY(charts.metricsRect()->axis(QCPAxis::atBottom)->range().upper >= 100000);
        QVERIFY(charts.plot()->yAxis->range().upper >= 1.0);
    }

    void aSteadyStreamReplotsAtMostEveryInterval() {
        TrainingCharts charts;
        charts.resize(600, 500);
        charts.show();
        QVERIFY(QTest::qWaitForWindowExposed(&charts));
        waitForQuiet();
        QSignalSpy replots(charts.plot(), &QCustomPlot::afterReplot);
        QElapsedTimer clock;
        clock.start();
        for (int i = 1; i <= 60; ++i) {
            charts.addStep(step(i, 1.0));
            QTest::qWait(10);
        }
        const qint64 elapsed = clock.elapsed();
        // A step every ~10 ms, yet one replot per interval at most.
        QVERIFY(!replots.isEmpty());
        QVERIFY2(
            replots.size() <= elapsed / TrainingCharts::kReplotIntervalMs + 1,
            qPrintable(QStringLiteral("%1 replots in %2 ms").arg(replots.size()).arg(elapsed)));
    }

    void aHiddenChartWaitsUntilShown() {
        TrainingCharts charts;
        charts.resize(600, 500);
        waitForQuiet();
        QSignalSpy replots(charts.plot(), &QCustomPlot::afterReplot);
        for (int i = 1; i <= 100; ++i) {
            charts.addStep(step(i, 1.0));
        }
        waitForQuiet();
        QCOMPARE(replots.size(), 0);
        charts.show();
        QTRY_VERIFY(!replots.isEmpty());
        QVERIFY(charts.plot()->xAxis->range().upper >= 100);
    }

    void userZoomIsKeptUntilReset() {
        TrainingCharts charts;
        charts.resize(600, 500);
        charts.show();
        QVERIFY(QTest::qWaitForWindowExposed(&charts));
        for (int i = 1; i <= 50; ++i) {
            charts.addStep(step(i, 1.0));
        }
        QTRY_VERIFY(charts.plot()->xAxis->range().upper >= 50);
        // A wheel zoom on the metrics chart moves both charts' steps.
        QCPAxis* metricsX = charts.metricsRect()->axis(QCPAxis::atBottom);
        metricsX->setRange(10, 20);
        QCOMPARE(charts.plot()->xAxis->range(), QCPRange(10, 20));
        for (int i = 51; i <= 80; ++i) {
            charts.addStep(step(i, 1.0));
        }
        waitForQuiet();
        QCOMPARE(charts.plot()->xAxis->range(), QCPRange(10, 20));
        charts.resetZoom();
        QTRY_VERIFY(charts.plot()->xAxis->range().upper >= 80);
        QCOMPARE(charts.plot()->xAxis->range().lower, 0.0);
        QCOMPARE(metricsX->range(), charts.plot()->xAxis->range());
    }

    void chartsFollowThePalette() {
        TrainingCharts charts;
        charts.addEpochEnd(epochEnd(1));
        QPalette dark;
        dark.setColor(QPalette::Base, QColor(30, 30, 30));
        dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
        dark.setColor(QPalette::Highlight, QColor(80, 150, 230));
        charts.setPalette(dark);
        const QColor text(230, 230, 230);
        QCOMPARE(charts.plot()->xAxis->tickLabelColor(), text);
        QCOMPARE(charts.metricsRect()->axis(QCPAxis::atLeft)->tickLabelColor(), text);
        QCOMPARE(charts.metricsRect()->axis(QCPAxis::atBottom)->basePen().color(), text);
        QCOMPARE(charts.plot()->legend->textColor(), text);
        // The smoothed line is the highlight; the raw one the same hue, faint.
        QCOMPARE(charts.smoothedLossGraph()->pen().color(), QColor(80, 150, 230));
        QCOMPARE(charts.rawLossGraph()->pen().color().rgb(), QColor(80, 150, 230).rgb());
        QVERIFY(charts.rawLossGraph()->pen().color().alpha() < 128);
        auto* label = qobject_cast<QCPItemText*>(charts.plot()->item(2));
        QVERIFY(label != nullptr);
        QCOMPARE(label->color().rgb(), text.rgb());
    }
};

QTEST_MAIN(TrainingChartsTest)
#include "test_trainingcharts.moc"
