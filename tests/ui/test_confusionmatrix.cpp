// The Evaluate page's confusion-matrix heatmap and per-class metrics table:
// counts and row percentages on the cells, clicks, tooltips, palette, export,
// and the table's formatting, sorting and summary rows.
#include "core/eval/metrics.h"
#include "ui/models/classmetricsmodel.h"
#include "ui/widgets/confusionmatrixchart.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QImage>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>
#include <qcustomplot.h>

#include <cmath>

using namespace issuebert;

namespace {

// bug: 10 true issues, 8 right and 2 taken for feature. feature: no true
// issues (predicted 3 times). question: 5 true issues, 3 taken for bug.
//            predicted bug  feature  question
// true bug             8        2         0
// true feature         0        0         0
// true question        3        1         1
ClassificationMetrics threeClasses() {
    std::vector<int> truth;
    std::vector<int> predicted;
    const auto add = [&](int t, int p, int times) {
        for (int i = 0; i < times; ++i) {
            truth.push_back(t);
            predicted.push_back(p);
        }
    };
    add(0, 0, 8);
    add(0, 1, 2);
    add(2, 0, 3);
    add(2, 1, 1);
    add(2, 2, 1);
    truth.push_back(-1); // unlabelled: not scored
    predicted.push_back(2);
    return computeMetrics(truth, predicted, {"bug", "feature", "question"});
}

// n classes, every issue right, class c with c + 1 issues.
ClassificationMetrics diagonal(int n) {
    std::vector<int> truth;
    std::vector<std::string> labels;
    for (int c = 0; c < n; ++c) {
        labels.push_back("class " + std::to_string(c));
        for (int i = 0; i <= c; ++i) {
            truth.push_back(c);
        }
    }
    return computeMetrics(truth, truth, labels);
}

QString cell(const QAbstractItemModel& model, int row, int column, int role = Qt::DisplayRole) {
    return model.data(model.index(row, column), role).toString();
}

QPoint cellCentre(const ConfusionMatrixChart& chart, int trueClass, int predictedClass) {
    return QPoint(qRound(chart.plot()->xAxis->coordToPixel(predictedClass)),
                  qRound(chart.plot()->yAxis->coordToPixel(trueClass)));
}

double lightness(const QColor& color) {
    return color.lightnessF();
}

} // namespace

class ConfusionMatrixTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        // Fixed separators and decimal points, whatever the machine's locale.
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    void cellsShowCountsAndRowPercentages() {
        ConfusionMatrixChart chart;
        chart.setMetrics(threeClasses());
        QCOMPARE(chart.classCount(), 3);
        QVERIFY(chart.emptyText().isEmpty());
        QCOMPARE(chart.cellText(0, 0), QStringLiteral("8\n80.0%"));
        QCOMPARE(chart.cellText(0, 1), QStringLiteral("2\n20.0%"));
        QCOMPARE(chart.cellText(0, 2), QStringLiteral("0\n0.0%"));
        QCOMPARE(chart.cellText(2, 0), QStringLiteral("3\n60.0%"));
        QCOMPARE(chart.cellText(2, 2), QStringLiteral("1\n20.0%"));
        // No true feature issues: no percentage to show, and no division by zero.
        for (int p = 0; p < 3; ++p) {
            QCOMPARE(chart.cellText(1, p), QStringLiteral("0\n—"));
        }
        QVERIFY(chart.cellText(3, 0).isEmpty());
        QVERIFY(chart.cellText(0, -1).isEmpty());

        // Colours follow the row percentage (recall-normalised), not the raw count.
        QCPColorMapData* data = chart.colorMap()->data();
        QCOMPARE(data->data(0, 0), 80.0);
        QCOMPARE(data->data(0, 2), 60.0);
        QCOMPARE(data->data(2, 2), 20.0);
        QVERIFY(std::isnan(data->data(1, 1)));
        QCOMPARE(chart.colorScale()->dataRange().upper, 100.0);

        auto xTicks = qSharedPointerCast<QCPAxisTickerText>(chart.plot()->xAxis->ticker());
        auto yTicks = qSharedPointerCast<QCPAxisTickerText>(chart.plot()->yAxis->ticker());
        QCOMPARE(xTicks->ticks().value(0.0), QStringLiteral("bug"));
        QCOMPARE(yTicks->ticks().value(2.0), QStringLiteral("question"));
        QCOMPARE(chart.plot()->xAxis->label(), QStringLiteral("Predicted"));
        QCOMPARE(chart.plot()->yAxis->label(), QStringLiteral("True"));
    }

    void tooltipsSpellTheCellOut() {
        ConfusionMatrixChart chart;
        chart.setMetrics(threeClasses());
        QCOMPARE(chart.cellToolTip(2, 0),
                 QStringLiteral("True question → predicted bug: 3 issues (60.0 % of question)"));
        QCOMPARE(chart.cellToolTip(2, 2),
                 QStringLiteral(
                     "True question → predicted question: 1 issue (20.0 % of question), correct"));
        QCOMPARE(chart.cellToolTip(1, 0),
                 QStringLiteral("True feature → predicted bug: 0 issues (no true feature issues)"));
    }

    void clickingACellReportsTrueAndPredicted() {
        ConfusionMatrixChart chart;
        chart.resize(700, 500);
        chart.setMetrics(threeClasses());
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.plot()->replot();
        // The first class is at the top.
        QVERIFY(chart.plot()->yAxis->coordToPixel(0) < chart.plot()->yAxis->coordToPixel(2));
        QVERIFY(chart.cellTextItem(2, 0)->visible());

        QSignalSpy clicked(&chart, &ConfusionMatrixChart::cellClicked);
        QTest::mouseClick(chart.plot(), Qt::LeftButton, {}, cellCentre(chart, 2, 0));
        QCOMPARE(clicked.size(), 1);
        QCOMPARE(clicked.first().at(0).toInt(), 2);
        QCOMPARE(clicked.first().at(1).toInt(), 0);
        QCOMPARE(chart.cellAt(cellCentre(chart, 0, 2)), std::make_optional(std::make_pair(0, 2)));

        // Right clicks and clicks outside the cells (on the colour scale) ask for nothing.
        QTest::mouseClick(chart.plot(), Qt::RightButton, {}, cellCentre(chart, 1, 1));
        const QRect scale = chart.colorScale()->outerRect();
        QTest::mouseClick(chart.plot(), Qt::LeftButton, {}, scale.center());
        QCOMPARE(clicked.size(), 1);
        QVERIFY(!chart.cellAt(scale.center()));
    }

    void textContrastsWithItsCellAndFollowsThePalette() {
        ConfusionMatrixChart chart;
        QPalette light;
        light.setColor(QPalette::Base, Qt::white);
        light.setColor(QPalette::WindowText, Qt::black);
        light.setColor(QPalette::Highlight, QColor(0, 70, 170));
        chart.setPalette(light);
        chart.setMetrics(threeClasses());
        // 80 % is a dark cell: light text. 0 % is near white: dark text.
        QVERIFY(lightness(chart.cellTextItem(0, 0)->color()) > 0.8);
        QVERIFY(lightness(chart.cellTextItem(0, 2)->color()) < 0.2);
        // A row without true issues shows the background: dark text on white.
        QVERIFY(lightness(chart.cellTextItem(1, 1)->color()) < 0.2);

        QPalette dark = light;
        dark.setColor(QPalette::Base, QColor(30, 30, 30));
        dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
        chart.setPalette(dark);
        QCOMPARE(chart.plot()->xAxis->tickLabelColor(), QColor(230, 230, 230));
        QCOMPARE(chart.colorScale()->axis()->labelColor(), QColor(230, 230, 230));
        // Empty cells are now near the dark background: light text.
        QVERIFY(lightness(chart.cellTextItem(0, 2)->color()) > 0.8);
        QVERIFY(lightness(chart.cellTextItem(1, 1)->color()) > 0.8);
    }

    void newMetricsResizeTheMatrix() {
        ConfusionMatrixChart chart;
        chart.setMetrics(threeClasses());
        chart.setMetrics(diagonal(5));
        QCOMPARE(chart.classCount(), 5);
        QCOMPARE(chart.colorMap()->data()->keySize(), 5);
        QCOMPARE(chart.cellText(4, 4), QStringLiteral("5\n100.0%"));
        QCOMPARE(chart.cellText(4, 0), QStringLiteral("0\n0.0%"));
        QCOMPARE(chart.plot()->itemCount(), 25 + 5); // texts and diagonal outlines
        QCOMPARE(chart.plot()->xAxis->range().upper, 4.5);

        chart.setMetrics(diagonal(1));
        QCOMPARE(chart.classCount(), 1);
        QCOMPARE(chart.cellText(0, 0), QStringLiteral("1\n100.0%"));
        QCOMPARE(chart.colorMap()->data()->data(0, 0), 100.0);
        QVERIFY(chart.cellText(1, 1).isEmpty());

        chart.clear();
        QCOMPARE(chart.emptyText(), QStringLiteral("No labelled issues to evaluate"));
        QCOMPARE(chart.plot()->itemCount(), 0);
        // Classes but nothing scored: still nothing to show.
        chart.setMetrics(computeMetrics({-1, -1}, {0, 1}, {"bug", "feature"}));
        QCOMPARE(chart.emptyText(), QStringLiteral("No labelled issues to evaluate"));
        chart.setMetrics(threeClasses());
        QVERIFY(chart.emptyText().isEmpty());
    }

    void manyClassesInASmallChartHideTheirTexts() {
        ConfusionMatrixChart chart;
        chart.resize(320, 260);
        chart.setMetrics(diagonal(40));
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.plot()->replot();
        QVERIFY(!chart.cellTextItem(0, 0)->visible());
        QCOMPARE(chart.cellText(39, 39), QStringLiteral("40\n100.0%"));
        chart.setMetrics(diagonal(2));
        chart.plot()->replot();
        QVERIFY(chart.cellTextItem(1, 1)->visible());
    }

    void exportWritesAPng() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        ConfusionMatrixChart chart;
        QString error;
        QVERIFY(!chart.exportPng(dir.filePath(QStringLiteral("empty.png")), &error));
        QVERIFY(error.contains(QStringLiteral("no confusion matrix")));

        chart.setMetrics(threeClasses());
        const QString path = dir.filePath(QStringLiteral("confusion.png"));
        QVERIFY2(chart.exportPng(path, &error), qPrintable(error));
        QImage image(path);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), QSize(800, 600));
        // Not a blank canvas: the heatmap put several colours on it.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7) {
            for (int x = 0; x < image.width(); x += 7) {
                colours.insert(image.pixel(x, y));
            }
        }
        QVERIFY(colours.size() > 4);

        const QString missing = dir.filePath(QStringLiteral("no/such/folder/c.png"));
        QVERIFY(!chart.exportPng(missing, &error));
        QVERIFY(error.contains(QStringLiteral("does not exist")));
    }

    void tableShowsFormattedMetricsAndAverages() {
        ClassMetricsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMetrics(threeClasses());
        QCOMPARE(model.rowCount(), 5); // three classes, macro avg, weighted avg
        QCOMPARE(model.columnCount(), 5);
        QCOMPARE(model.headerData(ClassMetricsModel::F1Column, Qt::Horizontal).toString(),
                 QStringLiteral("F1"));
        // bug: precision 8 / 11, recall 8 / 10.
        QCOMPARE(cell(model, 0, ClassMetricsModel::ClassColumn), QStringLiteral("bug"));
        QCOMPARE(cell(model, 0, ClassMetricsModel::PrecisionColumn), QStringLiteral("0.727"));
        QCOMPARE(cell(model, 0, ClassMetricsModel::RecallColumn), QStringLiteral("0.800"));
        QCOMPARE(cell(model, 0, ClassMetricsModel::F1Column), QStringLiteral("0.762"));
        QCOMPARE(cell(model, 0, ClassMetricsModel::SupportColumn), QStringLiteral("10"));
        QVERIFY(cell(model, 0, ClassMetricsModel::PrecisionColumn, Qt::ToolTipRole)
                    .contains(QStringLiteral("8 of 11 issues predicted bug")));
        // feature: predicted 3 times, never right, no true issues: recall has no meaning.
        QCOMPARE(cell(model, 1, ClassMetricsModel::PrecisionColumn), QStringLiteral("0.000"));
        QCOMPARE(cell(model, 1, ClassMetricsModel::RecallColumn), QStringLiteral("—"));
        QCOMPARE(cell(model, 1, ClassMetricsModel::SupportColumn), QStringLiteral("0"));
        // question: predicted once, right.
        QCOMPARE(cell(model, 2, ClassMetricsModel::PrecisionColumn), QStringLiteral("1.000"));
        QCOMPARE(cell(model, 2, ClassMetricsModel::RecallColumn), QStringLiteral("0.200"));

        QCOMPARE(cell(model, 3, ClassMetricsModel::ClassColumn), QStringLiteral("macro avg"));
        QCOMPARE(cell(model, 3, ClassMetricsModel::PrecisionColumn),
                 QStringLiteral("0.576")); // (0.727 + 0 + 1) / 3
        QCOMPARE(cell(model, 4, ClassMetricsModel::ClassColumn), QStringLiteral("weighted avg"));
        QCOMPARE(cell(model, 4, ClassMetricsModel::RecallColumn),
                 QStringLiteral("0.600")); // the accuracy, 9 / 15
        QCOMPARE(cell(model, 4, ClassMetricsModel::SupportColumn), QStringLiteral("15"));
        QVERIFY(model.isSummaryRow(3) && model.isSummaryRow(4) && !model.isSummaryRow(2));
        QVERIFY(model.data(model.index(4, 0), ClassMetricsModel::kSummaryRole).toBool());
        QVERIFY(!model.data(model.index(0, 0), ClassMetricsModel::kSummaryRole).toBool());
        QVERIFY(model.data(model.index(3, 0), Qt::FontRole).value<QFont>().bold());
        QVERIFY(!model.data(model.index(0, 0), Qt::FontRole).isValid());
        const auto alignment = [&](int column) {
            return model.data(model.index(0, column), Qt::TextAlignmentRole).value<Qt::Alignment>();
        };
        QVERIFY(alignment(ClassMetricsModel::F1Column) & Qt::AlignRight);
        QVERIFY(alignment(ClassMetricsModel::ClassColumn) & Qt::AlignLeft);
    }

    void tableSortsByRawNumbersAndSeparatesThousands() {
        ClassMetricsModel model;
        std::vector<int> truth(12345, 0);
        truth.insert(truth.end(), 9, 1);
        truth.insert(truth.end(), 100, 2);
        model.setMetrics(computeMetrics(truth, truth, {"big", "nine", "hundred"}));
        QCOMPARE(cell(model, 0, ClassMetricsModel::SupportColumn), QStringLiteral("12,345"));
        QCOMPARE(model
                     .data(model.index(0, ClassMetricsModel::SupportColumn),
                           ClassMetricsModel::kSortRole)
                     .toLongLong(),
                 12345LL);
        QCOMPARE(
            model.data(model.index(0, ClassMetricsModel::F1Column), ClassMetricsModel::kSortRole)
                .toDouble(),
            1.0);

        // As text "100" < "12,345" < "9"; as numbers 9 < 100 < 12,345.
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(ClassMetricsModel::kSortRole);
        proxy.sort(ClassMetricsModel::SupportColumn, Qt::AscendingOrder);
        QCOMPARE(cell(proxy, 0, ClassMetricsModel::ClassColumn), QStringLiteral("nine"));
        QCOMPARE(cell(proxy, 1, ClassMetricsModel::ClassColumn), QStringLiteral("hundred"));
        QCOMPARE(cell(proxy, 2, ClassMetricsModel::ClassColumn), QStringLiteral("big"));
    }

    void tableResizesWithNewMetrics() {
        ClassMetricsModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMetrics(diagonal(5));
        QCOMPARE(model.rowCount(), 7);
        QCOMPARE(model.classCount(), 5);
        model.setMetrics(threeClasses());
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(cell(model, 2, ClassMetricsModel::ClassColumn), QStringLiteral("question"));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.data(model.index(0, 0)).isValid());
    }
};

QTEST_MAIN(ConfusionMatrixTest)
#include "test_confusionmatrix.moc"
