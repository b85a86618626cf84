// The token-length histogram and the class-count chart on their own: bins
// that count every issue, the truncation share, the marker, palette colours.
#include "ui/widgets/classcountchart.h"
#include "ui/widgets/lengthhistogram.h"

#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <qcustomplot.h>

using namespace issuebert;

namespace {

double total(QCPBars* bars) {
    double sum = 0;
    for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) {
        sum += it->value;
    }
    return sum;
}

} // namespace

class LengthHistogramTest : public QObject {
    Q_OBJECT

private slots:
    void everyIssueLandsInABinEvenVeryLongOnes() {
        LengthHistogram histogram;
        std::vector<int> lengths;
        for (int i = 0; i < 1000; ++i) {
            lengths.push_back(i % 300);
        }
        lengths.push_back(50000); // one huge issue goes into the last bin
        histogram.setLengths(lengths);
        QCOMPARE(total(histogram.bars()), 1001.0);
        QVERIFY(histogram.bars()->data()->size() >= 10);
        QVERIFY(histogram.bars()->data()->size() <= 100);
    }

    void truncatedShareFollowsTheSpinBox() {
        LengthHistogram histogram;
        // Tokens without specials; with [CLS] and [SEP]: 10, 100, 150, 151, 1000.
        histogram.setLengths({8, 98, 148, 149, 998});
        QSignalSpy changed(&histogram, &LengthHistogram::maxLengthChanged);
        histogram.setMaxLength(150);
        QCOMPARE(histogram.truncatedFraction(), 0.4); // 151 and 1000 are cut
        QCOMPARE(histogram.truncatedText(),
                 QStringLiteral("40.0% of issues truncated at 150 tokens"));
        histogram.spinBox()->setValue(100);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().first().toInt(), 100);
        QCOMPARE(histogram.truncatedText(),
                 QStringLiteral("60.0% of issues truncated at 100 tokens"));
        QCOMPARE(histogram.marker()->point1->coords().x(), 100.0);
        QCOMPARE(histogram.marker()->point2->coords().x(), 100.0);
        // The marker stays in view even beyond the data.
        LengthHistogram small;
        small.setLengths({3, 4, 5});
        small.setMaxLength(500);
        QVERIFY(small.plot()->xAxis->range().upper >= 500);
    }

    void spinBoxKeepsToTheEncodersRange() {
        LengthHistogram histogram;
        QCOMPARE(histogram.maxLength(), 150);
        histogram.setMaxLength(4);
        QCOMPARE(histogram.maxLength(), 16);
        histogram.setMaxLength(4096);
        QCOMPARE(histogram.maxLength(), 512);
    }

    void unavailableShowsTheMessageInsteadOfBars() {
        LengthHistogram histogram;
        histogram.setLengths({1, 2, 3});
        histogram.setUnavailable(QStringLiteral("run scripts/fetch-model.sh"));
        QCOMPARE(histogram.unavailableMessage(), QStringLiteral("run scripts/fetch-model.sh"));
        QVERIFY(!histogram.hasLengths());
        QCOMPARE(histogram.bars()->data()->size(), 0);
        QVERIFY(histogram.truncatedText().isEmpty());
        histogram.setLengths({1, 2, 3});
        QVERIFY(histogram.unavailableMessage().isEmpty());
    }

    void classBarsCarryTheirLabelsAndCounts() {
        ClassCountChart chart;
        chart.setCounts({{"bug", 7}, {"feature", 2}, {"question", 1}});
        QCOMPARE(chart.bars()->data()->size(), 3);
        QCOMPARE(total(chart.bars()), 10.0);
        auto ticker = qSharedPointerCast<QCPAxisTickerText>(chart.plot()->xAxis->ticker());
        QCOMPARE(ticker->ticks().value(1.0), QStringLiteral("bug"));
        QCOMPARE(ticker->ticks().value(3.0), QStringLiteral("question"));
        // A count above each bar.
        QCOMPARE(chart.plot()->itemCount(), 3);
        auto* first = qobject_cast<QCPItemText*>(chart.plot()->item(0));
        QVERIFY(first->text().startsWith(QStringLiteral("7\n70.0%")));
        chart.setCounts({{"a", 1}});
        QCOMPARE(chart.plot()->itemCount(), 1);
    }

    void chartsFollowThePalette() {
        LengthHistogram histogram;
        QPalette dark;
        dark.setColor(QPalette::Base, QColor(30, 30, 30));
        dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
        histogram.setPalette(dark);
        QCOMPARE(histogram.plot()->xAxis->tickLabelColor(), QColor(230, 230, 230));
        QCOMPARE(histogram.plot()->xAxis->basePen().color(), QColor(230, 230, 230));
    }
};

QTEST_MAIN(LengthHistogramTest)
#include "test_lengthhistogram.moc"
