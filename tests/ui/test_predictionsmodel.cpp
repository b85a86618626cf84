// The Predictions page's table: what each column shows, true labels matched by
// name, sorting and filtering through the proxy, the threshold marks, the
// probability bars and the threshold slider's coverage figures.
#include "core/data/dataset.h"
#include "core/eval/threshold_coverage.h"
#include "core/io/errors.h"
#include "ui/models/predictionsfilterproxy.h"
#include "ui/models/predictionstablemodel.h"
#include "ui/widgets/probabilitydelegate.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QStyle>
#include <QStyleFactory>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace issuebert;

namespace {

Issue makeIssue(std::string id, std::string title, std::string body, int label) {
    Issue issue;
    issue.id = std::move(id);
    issue.title = std::move(title);
    issue.body = std::move(body);
    issue.label = label;
    return issue;
}

// The dataset's labels: bug 0, docs 1, feature 2, question 3. The model knows
// no "docs" and orders its classes differently: question 0, bug 1, feature 2.
const std::vector<std::string> kDatasetLabels{"bug", "docs", "feature", "question"};
const std::vector<std::string> kModelLabels{"question", "bug", "feature"};
const std::string kLongBody = "I read the docs. " + std::string(400, 'x');

std::shared_ptr<std::vector<Issue>> fourIssues() {
    return std::make_shared<std::vector<Issue>>(std::vector<Issue>{
        makeIssue("7", "Crash on start", "Segfault in MAIN loop", 0),     // bug: right
        makeIssue("12", "Add dark mode", "Please add a Straße theme", 1), // docs: unknown
        makeIssue("3", "How to configure?", kLongBody, 3),                // question: wrong
        makeIssue("40", "Unlabelled", "crash again", kNoLabel),           // no true label
    });
}

Predictions makePredictions(const std::vector<std::string>& labels,
                            const std::vector<std::vector<float>>& rows) {
    Predictions p;
    p.labels = labels;
    for (const auto& row : rows) {
        const auto best = std::max_element(row.begin(), row.end());
        p.predicted.push_back(static_cast<int>(best - row.begin()));
        p.confidence.push_back(*best);
        p.probabilities.insert(p.probabilities.end(), row.begin(), row.end());
    }
    return p;
}

Predictions fourPredictions() {
    return makePredictions(
        kModelLabels,
        {{0.1F, 0.7F, 0.2F}, {0.05F, 0.15F, 0.8F}, {0.3F, 0.5F, 0.2F}, {0.34F, 0.33F, 0.33F}});
}

QString cell(const QAbstractItemModel& model, int row, int column, int role = Qt::DisplayRole) {
    return model.data(model.index(row, column), role).toString();
}

std::vector<std::size_t> rows(std::initializer_list<std::size_t> list) {
    return list;
}

// Counts filter passes, to show a change of several settings filters once.
class CountingProxy : public PredictionsFilterProxy {
public:
    using PredictionsFilterProxy::PredictionsFilterProxy;
    mutable long long calls = 0;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override {
        ++calls;
        return PredictionsFilterProxy::filterAcceptsRow(sourceRow, sourceParent);
    }
};

double luminance(const QColor& c) {
    auto channel = [](double v) {
        return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

// WCAG's contrast ratio: 4.5 or more is readable body text.
double contrast(const QColor& a, const QColor& b) {
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QPalette darkPalette(const QColor& highlightedText) {
    QPalette palette;
    palette.setColor(QPalette::Window, QColor(53, 53, 53));
    palette.setColor(QPalette::Base, QColor(25, 25, 25));
    palette.setColor(QPalette::Text, Qt::white);
    palette.setColor(QPalette::Highlight, QColor(42, 130, 218));
    palette.setColor(QPalette::HighlightedText, highlightedText);
    return palette;
}

// A 3-class model over n issues with values a test can recompute.
struct Large {
    std::shared_ptr<std::vector<Issue>> issues = std::make_shared<std::vector<Issue>>();
    Predictions predictions;
};

Large largeCase(int n) {
    Large large;
    std::vector<std::vector<float>> probabilities;
    for (int i = 0; i < n; ++i) {
        const int predicted = i % 3;
        const float confidence = 0.34F + static_cast<float>(i % 66) / 100.0F;
        std::vector<float> row(3, (1.0F - confidence) / 2.0F);
        row[static_cast<std::size_t>(predicted)] = confidence;
        probabilities.push_back(row);
        const int label = i % 4 == 3 ? kNoLabel : (i / 3) % 3;
        const std::string body = i % 7 == 0 ? "has a NeEdLe inside" : "plain words";
        large.issues->push_back(
            makeIssue(std::to_string(i + 1), "Issue " + std::to_string(i), body, label));
    }
    large.predictions = makePredictions({"bug", "feature", "question"}, probabilities);
    return large;
}

} // namespace

class PredictionsModelTest : public QObject {
    Q_OBJECT

private slots:
    void showsEveryColumnWithTrueLabelsMatchedByName() {
        PredictionsTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setResults(fourIssues(), fourPredictions(), kDatasetLabels);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.columnCount(), 8);
        QStringList headers;
        for (int column = 0; column < model.columnCount(); ++column) {
            headers << model.headerData(column, Qt::Horizontal).toString();
        }
        QCOMPARE(headers,
                 (QStringList{QStringLiteral("ID"), QStringLiteral("Title"),
                              QStringLiteral("Predicted"), QStringLiteral("Confidence"),
                              QStringLiteral("P(question)"), QStringLiteral("P(bug)"),
                              QStringLiteral("P(feature)"), QStringLiteral("True label")}));
        QCOMPARE(model.trueLabelColumn(), 7);
        QCOMPARE(model.columnClass(5), 1);
        QCOMPARE(model.columnClass(PredictionsTableModel::ConfidenceColumn), -1);

        QCOMPARE(cell(model, 0, PredictionsTableModel::IdColumn), QStringLiteral("7"));
        QCOMPARE(cell(model, 0, PredictionsTableModel::TitleColumn),
                 QStringLiteral("Crash on start"));
        QCOMPARE(cell(model, 0, PredictionsTableModel::PredictedColumn), QStringLiteral("bug"));
        QCOMPARE(cell(model, 0, PredictionsTableModel::ConfidenceColumn), QStringLiteral("70.0%"));
        QCOMPARE(cell(model, 1, model.probabilityColumn(0)), QStringLiteral("5.0%"));
        QCOMPARE(cell(model, 1, PredictionsTableModel::PredictedColumn), QStringLiteral("feature"));

        // bug in the dataset is class 1 of the model: right, in green.
        QCOMPARE(cell(model, 0, 7), QStringLiteral("✓ bug"));
        QCOMPARE(model.data(model.index(0, 7), Qt::ForegroundRole).value<QColor>(),
                 QColor(46, 160, 67));
        // "docs" is no class of the model: shown as misclassified, in red.
        QCOMPARE(cell(model, 1, 7), QStringLiteral("✗ docs"));
        QCOMPARE(model.data(model.index(1, 7), Qt::ForegroundRole).value<QColor>(),
                 QColor(214, 69, 65));
        QCOMPARE(cell(model, 2, 7), QStringLiteral("✗ question"));
        QCOMPARE(cell(model, 3, 7), QStringLiteral("—"));
        QVERIFY(!model.data(model.index(3, 7), Qt::ForegroundRole).isValid());
        QCOMPARE(model.truth(), (std::vector<int>{1, kUnknownToModel, 0, kNoLabel}));
        QVERIFY(model.isMisclassified(1));
        QVERIFY(!model.isMisclassified(3));

        // Raw values for sorting, the source row, the delegate's probability.
        QCOMPARE(model.data(model.index(2, 3), PredictionsTableModel::kSortRole).typeId(),
                 QMetaType::Double);
        QCOMPARE(model.data(model.index(2, 4), PredictionsTableModel::kSortRole).toDouble(),
                 double(0.3F));
        QCOMPARE(model.data(model.index(2, 7), PredictionsTableModel::kSortRole).toInt(), 0);
        QCOMPARE(model.data(model.index(2, 1), PredictionsTableModel::kSourceRowRole).toInt(), 2);
        QCOMPARE(model.data(model.index(0, 5), PredictionsTableModel::kProbabilityRole).toDouble(),
                 double(0.7F));
        QVERIFY(!model.data(model.index(0, 1), PredictionsTableModel::kProbabilityRole).isValid());
    }

    void tooltipShowsTitleAndTheStartOfTheBody() {
        PredictionsTableModel model;
        model.setResults(fourIssues(), fourPredictions(), kDatasetLabels);
        QCOMPARE(cell(model, 0, 1, Qt::ToolTipRole),
                 QStringLiteral("Crash on start\n\nSegfault in MAIN loop"));
        const QString tip = cell(model, 2, 0, Qt::ToolTipRole);
        const QString expected = QStringLiteral("How to configure?\n\n") +
                                 QString::fromStdString(kLongBody.substr(0, 300)) + QChar(0x2026);
        QCOMPARE(tip, expected);
    }

    void trueLabelColumnOnlyWhenSomeIssueIsLabelled() {
        auto issues = fourIssues();
        for (Issue& issue : *issues) {
            issue.label = kNoLabel;
        }
        PredictionsTableModel model;
        model.setResults(issues, fourPredictions(), kDatasetLabels);
        QCOMPARE(model.columnCount(), 7);
        QCOMPARE(model.trueLabelColumn(), -1);
        QVERIFY(!model.hasTrueLabels());
    }

    void takesADatasetAndRefusesMismatchedSizes() {
        auto dataset = std::make_shared<Dataset>();
        dataset->labels = LabelSet(kDatasetLabels);
        dataset->issues = *fourIssues();
        PredictionsTableModel model;
        model.setResults(dataset, fourPredictions());
        QCOMPARE(cell(model, 1, 7), QStringLiteral("✗ docs"));
        QCOMPARE(model.issues().size(), std::size_t(4));

        Predictions three = makePredictions(kModelLabels, {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
        QVERIFY_THROWS_EXCEPTION(DataError, model.setResults(fourIssues(), three, kDatasetLabels));
        QCOMPARE(model.rowCount(), 4); // the old results stay
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), 4);
    }

    void thresholdMarksPredictionsUncertain() {
        PredictionsTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setResults(fourIssues(), fourPredictions(), kDatasetLabels);
        const int predicted = PredictionsTableModel::PredictedColumn;
        QVERIFY(
            !model.data(model.index(2, predicted), PredictionsTableModel::kUncertainRole).toBool());
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy thresholds(&model, &PredictionsTableModel::thresholdChanged);
        model.setThreshold(0.6F);
        // Rows 2 (0.50) and 3 (0.34) fall below: one change, Predicted column only.
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed[0][0].toModelIndex(), model.index(2, predicted));
        QCOMPARE(changed[0][1].toModelIndex(), model.index(3, predicted));
        QVERIFY(
            model.data(model.index(2, predicted), PredictionsTableModel::kUncertainRole).toBool());
        QVERIFY(model.data(model.index(2, predicted), Qt::FontRole).value<QFont>().italic());
        QVERIFY(model.data(model.index(2, predicted), Qt::ForegroundRole).isValid());
        QVERIFY(cell(model, 2, predicted, Qt::ToolTipRole).startsWith(QStringLiteral("Uncertain")));
        QVERIFY(!model.data(model.index(0, predicted), Qt::FontRole).isValid());
        QCOMPARE(model.predictions().uncertain, (std::vector<bool>{false, false, true, true}));

        model.setThreshold(0.75F); // only row 0 (0.70) changes
        QCOMPARE(changed.size(), 2);
        QCOMPARE(changed[1][0].toModelIndex(), model.index(0, predicted));
        QCOMPARE(changed[1][1].toModelIndex(), model.index(0, predicted));
        model.setThreshold(0.75F);
        QCOMPARE(changed.size(), 2);
        QCOMPARE(thresholds.size(), 2);
        QVERIFY_THROWS_EXCEPTION(DataError, model.setThreshold(1.5F));
        QCOMPARE(model.threshold(), 0.75F);
    }

    void sortsNumbersAsNumbers() {
        PredictionsTableModel model;
        PredictionsFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setResults(fourIssues(), fourPredictions(), kDatasetLabels);
        proxy.sort(PredictionsTableModel::ConfidenceColumn, Qt::AscendingOrder);
        QCOMPARE(proxy.sourceRows(), rows({3, 2, 0, 1}));
        proxy.sort(PredictionsTableModel::ConfidenceColumn, Qt::DescendingOrder);
        QCOMPARE(proxy.sourceRows(), rows({1, 0, 2, 3}));
        // P(question): 5.0% < 10.0% < 30.0% < 34.0%, not the strings' order.
        proxy.sort(model.probabilityColumn(0), Qt::AscendingOrder);
        QCOMPARE(proxy.sourceRows(), rows({1, 0, 2, 3}));
        QCOMPARE(cell(proxy, 0, model.probabilityColumn(0)), QStringLiteral("5.0%"));
        proxy.sort(PredictionsTableModel::IdColumn, Qt::AscendingOrder); // 3, 7, 12, 40
        QCOMPARE(proxy.sourceRows(), rows({2, 0, 1, 3}));
        // Unlabelled, wrong, right; ties keep the order they had (by id: 3 before 12).
        proxy.sort(model.trueLabelColumn(), Qt::AscendingOrder);
        QCOMPARE(proxy.sourceRows(), rows({3, 2, 1, 0}));
        // The filtered rows keep the sort order.
        proxy.sort(PredictionsTableModel::ConfidenceColumn, Qt::DescendingOrder);
        proxy.setMisclassifiedOnly(true);
        QCOMPARE(proxy.sourceRows(), rows({1, 2}));
    }

    void eachFilterAloneAndTogether() {
        PredictionsTableModel model;
        PredictionsFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setResults(fourIssues(), fourPredictions(), kDatasetLabels);
        QSignalSpy applied(&proxy, &PredictionsFilterProxy::filterApplied);

        proxy.setPredictedClasses({1}); // bug
        QCOMPARE(proxy.sourceRows(), rows({0, 2}));
        proxy.setPredictedClasses({2, 1});
        QCOMPARE(proxy.sourceRows(), rows({0, 1, 2}));
        proxy.setPredictedClasses({});
        QCOMPARE(proxy.rowCount(), 4);

        // Inclusive at both ends, although 0.7F is below 0.7 as a double.
        proxy.setConfidenceRange(0.5, 0.7);
        QCOMPARE(proxy.sourceRows(), rows({0, 2}));
        proxy.setConfidenceRange(0.0, 1.0);

        // A wrong prediction and a label the model does not know; not the unlabelled row.
        proxy.setMisclassifiedOnly(true);
        QCOMPARE(proxy.sourceRows(), rows({1, 2}));
        proxy.setMisclassifiedOnly(false);

        proxy.setSearchText(QStringLiteral("crash")); // a title and a body
        QCOMPARE(proxy.sourceRows(), rows({0, 3}));
        proxy.setSearchText(QStringLiteral("main")); // body, other case
        QCOMPARE(proxy.sourceRows(), rows({0}));
        proxy.setSearchText(QStringLiteral("STRASSE")); // case folding: Straße
        QCOMPARE(proxy.sourceRows(), rows({1}));
        proxy.setSearchText(QStringLiteral("straße"));
        QCOMPARE(proxy.sourceRows(), rows({1}));
        proxy.setSearchText(QStringLiteral(" 12 ")); // the id
        QCOMPARE(proxy.sourceRows(), rows({1}));

        proxy.setSearchText(QStringLiteral("crash"));
        proxy.setPredictedClasses({0});
        QCOMPARE(proxy.sourceRows(), rows({3}));
        proxy.setFilter({{1}, 0.0, 1.0, true, QString()});
        QCOMPARE(proxy.sourceRows(), rows({2}));
        proxy.setFilter({{}, 0.75, 1.0, true, QString()});
        QCOMPARE(proxy.sourceRows(), rows({1}));
        const auto passes = applied.size();
        proxy.setMisclassifiedOnly(true); // no change: no pass
        QCOMPARE(applied.size(), passes);
        proxy.setFilter({});
        QCOMPARE(proxy.rowCount(), 4);
        QCOMPARE(applied.last().first().toInt(), 4);
    }

    void filtersAndSortsThirtyThousandRows() {
        const int n = 30000;
        Large large = largeCase(n);
        PredictionsTableModel model;
        CountingProxy proxy;
        proxy.setSourceModel(&model);
        model.setResults(large.issues, large.predictions, {"bug", "feature", "question"});
        QCOMPARE(proxy.rowCount(), n);
        proxy.sort(PredictionsTableModel::ConfidenceColumn, Qt::DescendingOrder);

        PredictionsFilter filter{{1, 2}, 0.5, 0.9, true, QStringLiteral("needle")};
        long long expected = 0;
        for (int i = 0; i < n; ++i) {
            const float c = large.predictions.confidence[static_cast<std::size_t>(i)];
            const int truth = (*large.issues)[static_cast<std::size_t>(i)].label;
            expected += i % 3 != 0 && c >= 0.5F && c <= 0.9F && truth != kNoLabel &&
                        truth != i % 3 && i % 7 == 0;
        }
        QVERIFY(expected > 100);
        proxy.calls = 0;
        proxy.setFilter(filter); // four settings, one pass over the rows
        QCOMPARE(proxy.calls, static_cast<long long>(n));
        QCOMPARE(proxy.rowCount(), int(expected));
        const std::vector<std::size_t> shown = proxy.sourceRows();
        for (std::size_t i = 1; i < shown.size(); ++i) {
            QVERIFY(model.confidence(int(shown[i - 1])) >= model.confidence(int(shown[i])));
        }
        proxy.sort(model.probabilityColumn(2), Qt::AscendingOrder);
        const std::vector<std::size_t> byQuestion = proxy.sourceRows();
        QCOMPARE(byQuestion.size(), std::size_t(expected));
        for (std::size_t i = 1; i < byQuestion.size(); ++i) {
            QVERIFY(model.probability(int(byQuestion[i - 1]), 2) <=
                    model.probability(int(byQuestion[i]), 2));
        }
        proxy.setFilter({});
        QCOMPARE(proxy.rowCount(), n);
        model.setThreshold(0.8F); // re-marks thousands of rows; the proxy keeps them all
        QCOMPARE(proxy.rowCount(), n);
    }

    void testerPassesThroughResetsFiltersAndSorts() {
        PredictionsTableModel model;
        PredictionsFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester modelTester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(
            &proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setResults(fourIssues(), fourPredictions(), kDatasetLabels);
        proxy.sort(model.probabilityColumn(1), Qt::DescendingOrder);
        proxy.setFilter({{0, 1}, 0.3, 0.9, false, QStringLiteral("a")});
        model.setThreshold(0.9F);
        Large large = largeCase(300);
        model.setResults(large.issues, large.predictions, {"bug", "feature", "question"});
        QVERIFY(proxy.rowCount() > 0);
        model.clear();
        QCOMPARE(proxy.rowCount(), 0);
    }

    void delegateDrawsABarAsWideAsTheProbability() {
        PredictionsTableModel model;
        model.setResults(fourIssues(), fourPredictions(), kDatasetLabels);
        ProbabilityDelegate delegate;
        const QRect cellRect(0, 0, 204, 24);
        auto barPixels = [&](const QModelIndex& index) {
            QStyleOptionViewItem option;
            option.rect = cellRect;
            option.palette = QPalette(Qt::white);
            option.state = QStyle::State_Enabled;
            QImage image(cellRect.size(), QImage::Format_ARGB32);
            image.fill(option.palette.color(QPalette::Base));
            QPainter painter(&image);
            delegate.paint(&painter, option, index);
            painter.end();
            const QColor bar = ProbabilityDelegate::barColor(option.palette, false);
            int count = 0;
            for (int x = 0; x < image.width(); ++x) {
                count += image.pixelColor(x, 3) == bar ? 1 : 0;
            }
            return count;
        };
        // 200 pixels inside the margins: 0.70 fills 140 of them, 0.05 fills 10.
        QCOMPARE(barPixels(model.index(0, model.probabilityColumn(1))), 140);
        QCOMPARE(barPixels(model.index(1, model.probabilityColumn(0))), 10);
        QCOMPARE(barPixels(model.index(1, PredictionsTableModel::ConfidenceColumn)), 160);
        QCOMPARE(barPixels(model.index(0, PredictionsTableModel::TitleColumn)), 0);
        QCOMPARE(ProbabilityDelegate::barRect(cellRect, 1.5).width(), 200);
        QCOMPARE(ProbabilityDelegate::barRect(cellRect, std::nan("")).width(), 0);
    }

    void barTextReadsInLightAndDarkPalettes() {
        std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
        QVERIFY(fusion != nullptr);
        const QList<QPalette> palettes{fusion->standardPalette(), darkPalette(Qt::black),
                                       darkPalette(Qt::white)};
        for (const QPalette& palette : palettes) {
            for (bool selected : {false, true}) {
                const QColor text = ProbabilityDelegate::textColor(palette, selected);
                const QColor bar = ProbabilityDelegate::barColor(palette, selected);
                const QColor background =
                    palette.color(selected ? QPalette::Highlight : QPalette::Base);
                QVERIFY2(contrast(text, bar) >= 4.5,
                         qPrintable(bar.name() + QLatin1Char(' ') + text.name()));
                QVERIFY(contrast(bar, background) > 1.2); // the bar itself is visible
            }
        }
    }

    void coverageAtCountsTiesAsAutomatic() {
        Predictions p;
        p.labels = {"a", "b"};
        p.confidence = {0.95F, 0.9F, 0.8F, 0.8F, 0.6F, 0.55F};
        p.predicted = {0, 1, 0, 1, 0, 1};
        p.probabilities.assign(12, 0.5F);
        const std::vector<int> truth{0, 0, 0, 1, kNoLabel, kUnknownToModel};

        CoveragePoint at = coverageAt(p, truth, 0.8F);
        QCOMPARE(at.automatic, 4LL); // both 0.8 rows are in
        QCOMPARE(at.total, 6LL);
        QCOMPARE(at.judged, 4LL);
        QCOMPARE(at.correct, 3LL);
        QCOMPARE(at.accuracy, 0.75);
        QCOMPARE(describeCoverage(at),
                 std::string("at 0.80: 67% of issues labelled automatically at 75.0% accuracy"));
        at = coverageAt(p, truth, 0.0F); // the unknown label counts as wrong
        QCOMPARE(at.automatic, 6LL);
        QCOMPARE(at.judged, 5LL);
        QCOMPARE(at.accuracy, 0.6);
        at = coverageAt(p, truth, 0.96F);
        QCOMPARE(at.automatic, 0LL);
        QCOMPARE(at.accuracy, -1.0);
        QCOMPARE(describeCoverage(at), std::string("at 0.96: no issue is labelled automatically"));
        QVERIFY_THROWS_EXCEPTION(DataError, coverageAt(p, truth, 1.5F));
        QVERIFY_THROWS_EXCEPTION(DataError, coverageAt(p, {0, 1}, 0.5F));

        const std::vector<CoveragePoint> curve = coverageCurve(p, truth);
        QCOMPARE(curve.size(), std::size_t(101));
        QCOMPARE(curve[80].threshold, 0.8F);
        QCOMPARE(curve[80].automatic, 4LL);
        QCOMPARE(curve[80].accuracy, 0.75);
        QCOMPARE(curve[61].automatic, 4LL);
        QCOMPARE(curve[60].automatic, 5LL);
        QCOMPARE(curve[0].automatic, 6LL);
        QCOMPARE(curve[100].automatic, 0LL);
        std::vector<long long> five;
        for (const CoveragePoint& point : coverageCurve(p, truth, 5)) {
            five.push_back(point.automatic);
        }
        QCOMPARE(five, (std::vector<long long>{6, 6, 6, 4, 0}));
        QVERIFY_THROWS_EXCEPTION(DataError, coverageCurve(p, truth, 1));
    }

    void coverageCurveMatchesCoverageAtEverywhere() {
        Large large = largeCase(2000);
        const std::vector<int> truth = truthInModelOrder(
            *large.issues, {"question", "bug", "feature"}, large.predictions.labels);
        const std::vector<CoveragePoint> curve = coverageCurve(large.predictions, truth);
        for (const CoveragePoint& point : curve) {
            const CoveragePoint at = coverageAt(large.predictions, truth, point.threshold);
            QCOMPARE(point.automatic, at.automatic);
            QCOMPARE(point.judged, at.judged);
            QCOMPARE(point.correct, at.correct);
            QCOMPARE(point.accuracy, at.accuracy);
        }
        for (std::size_t i = 1; i < curve.size(); ++i) {
            QVERIFY(curve[i].automatic <= curve[i - 1].automatic);
        }
    }
};

QTEST_MAIN(PredictionsModelTest)
#include "test_predictionsmodel.moc"
