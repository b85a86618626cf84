// Token-length histogram: nice bin widths, an overflow bin, a movable cut marker.
#include "ui/widgets/lengthhistogram.h"

#include "ui/widgets/plotstyle.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSpinBox>
#include <QStackedLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace issuebert {

namespace {

// About this many bins over the bulk of the data.
constexpr double kTargetBins = 40;
// Bins cover up to this percentile; longer issues share the last bin.
constexpr double kBulkShare = 0.95;

// The smallest of 1, 2, 5 × 10^k that is at least raw.
int niceStep(double raw) {
    double magnitude = 1;
    while (magnitude * 10 <= raw) {
        magnitude *= 10;
    }
    for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
        if (factor * magnitude >= raw) {
            return std::max(1, static_cast<int>(factor * magnitude));
        }
    }
    return static_cast<int>(10 * magnitude);
}

} // namespace

LengthHistogram::LengthHistogram(QWidget* parent)
    : QWidget(parent), m_stack(new QStackedLayout), m_plot(new QCustomPlot(this)),
      m_bars(new QCPBars(m_plot->xAxis, m_plot->yAxis)), m_marker(new QCPItemStraightLine(m_plot)),
      m_cutArea(new QCPItemRect(m_plot)), m_markerText(new QCPItemText(m_plot)),
      m_message(new QLabel(this)), m_spin(new QSpinBox(this)), m_truncated(new QLabel(this)) {
    m_plot->setObjectName(QStringLiteral("lengthPlot"));
    m_plot->setMinimumSize(260, 160);
    m_bars->setWidthType(QCPBars::wtPlotCoords);
    m_plot->xAxis->setLabel(tr("Tokens per issue, with [CLS] and [SEP]"));
    m_plot->yAxis->setLabel(tr("Issues"));
    m_plot->yAxis->setNumberFormat(QStringLiteral("f"));
    m_plot->yAxis->setNumberPrecision(0);
    m_plot->axisRect()->setupFullAxesBox(false);

    m_cutArea->setLayer(QStringLiteral("grid"));
    m_cutArea->topLeft->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_cutArea->bottomRight->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_cutArea->setPen(Qt::NoPen);
    m_markerText->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_markerText->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_markerText->setPadding(QMargins(4, 2, 4, 2));

    m_message->setObjectName(QStringLiteral("tokenMessage"));
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setMargin(12);
    m_stack->addWidget(m_plot);
    m_stack->addWidget(m_message);

    m_spin->setObjectName(QStringLiteral("maxLengthSpin"));
    m_spin->setRange(kMinLength, kMaxLength);
    m_spin->setValue(kDefaultLength);
    m_spin->setSuffix(tr(" tokens"));
    m_spin->setToolTip(tr("Tokens per sequence the model sees, [CLS] and [SEP] included; "
                          "longer issues are cut."));
    m_truncated->setObjectName(QStringLiteral("truncatedLabel"));
    auto* maxLabel = new QLabel(tr("&Max length:"), this);
    maxLabel->setBuddy(m_spin);

    auto* controls = new QHBoxLayout;
    controls->addWidget(maxLabel);
    controls->addWidget(m_spin);
    controls->addSpacing(8);
    controls->addWidget(m_truncated, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(m_stack, 1);
    layout->addLayout(controls);

    connect(m_spin, &QSpinBox::valueChanged, this, [this](int value) {
        updateMarker();
        Q_EMIT maxLengthChanged(value);
    });
    restyle();
    rebuildBars();
}

void LengthHistogram::setLengths(std::vector<int> tokenLengths) {
    for (int& length : tokenLengths) {
        length += kSpecialTokens;
    }
    std::sort(tokenLengths.begin(), tokenLengths.end());
    m_sorted = std::move(tokenLengths);
    m_stack->setCurrentWidget(m_plot);
    rebuildBars();
}

void LengthHistogram::setUnavailable(const QString& message) {
    m_sorted.clear();
    m_message->setText(message);
    m_stack->setCurrentWidget(m_message);
    rebuildBars();
}

QString LengthHistogram::unavailableMessage() const {
    return m_stack->currentWidget() == m_message ? m_message->text() : QString();
}

int LengthHistogram::maxLength() const {
    return m_spin->value();
}

void LengthHistogram::setMaxLength(int length) {
    m_spin->setValue(length);
}

double LengthHistogram::truncatedFraction() const {
    if (m_sorted.empty()) {
        return 0;
    }
    const auto kept = std::upper_bound(m_sorted.begin(), m_sorted.end(), maxLength());
    return static_cast<double>(m_sorted.end() - kept) / static_cast<double>(m_sorted.size());
}

QString LengthHistogram::truncatedText() const {
    return m_truncated->text();
}

void LengthHistogram::rebuildBars() {
    QVector<double> keys;
    QVector<double> values;
    m_dataUpper = 0;
    double highest = 1;
    int overflowFrom = 0; // the last bin's lower edge, when it also holds longer issues
    if (!m_sorted.empty()) {
        const std::size_t bulkIndex =
            static_cast<std::size_t>(std::ceil(kBulkShare * static_cast<double>(m_sorted.size()))) -
            1;
        const int bulk = std::max(m_sorted[std::min(bulkIndex, m_sorted.size() - 1)], 32);
        const int step = niceStep(bulk / kTargetBins);
        const int bins = bulk / step + 1;
        QVector<double> counts(bins, 0.0);
        for (const int length : m_sorted) {
            counts[std::min(length / step, bins - 1)] += 1;
        }
        if (m_sorted.back() >= bins * step) {
            overflowFrom = (bins - 1) * step;
        }
        for (int i = 0; i < bins; ++i) {
            keys.append((i + 0.5) * step);
            values.append(counts[i]);
            highest = std::max(highest, counts[i]);
        }
        m_bars->setWidth(step * 0.9);
        m_dataUpper = bins * step;
    }
    m_bars->setData(keys, values, true);
    m_plot->yAxis->setRange(0, highest * 1.08);
    m_plot->xAxis->setLabel(
        overflowFrom > 0 ? tr("Tokens per issue, with [CLS] and [SEP] (last bar: %1 or more)")
                               .arg(QLocale().toString(overflowFrom))
                         : tr("Tokens per issue, with [CLS] and [SEP]"));
    updateMarker();
}

void LengthHistogram::updateMarker() {
    const double length = maxLength();
    m_marker->point1->setCoords(length, 0);
    m_marker->point2->setCoords(length, 1);
    m_cutArea->topLeft->setCoords(length, 0);
    m_cutArea->bottomRight->setCoords(std::max(length, m_dataUpper) * 10, 1);
    m_markerText->position->setCoords(length, 0);
    m_markerText->setText(tr("max %1").arg(maxLength()));
    m_plot->xAxis->setRange(0, std::max(m_dataUpper, length * 1.08));
    m_plot->replot();

    if (m_sorted.empty()) {
        m_truncated->clear();
        return;
    }
    const double fraction = truncatedFraction();
    const auto count =
        static_cast<long long>(std::llround(fraction * static_cast<double>(m_sorted.size())));
    const QLocale locale;
    m_truncated->setText(tr("%1% of issues truncated at %2 tokens")
                             .arg(locale.toString(100.0 * fraction, 'f', 1))
                             .arg(maxLength()));
    m_truncated->setToolTip(
        tr("%1 of %2 issues have more than %3 tokens with [CLS] and [SEP].")
            .arg(locale.toString(count), locale.toString(static_cast<long long>(m_sorted.size())))
            .arg(maxLength()));
}

void LengthHistogram::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        restyle();
    }
}

void LengthHistogram::restyle() {
    applyPlotPalette(m_plot, palette());
    m_bars->setPen(Qt::NoPen);
    m_bars->setBrush(barFillColor(palette()));
    m_marker->setPen(QPen(markerColor(), 2, Qt::DashLine));
    QColor area = markerColor();
    area.setAlpha(28);
    m_cutArea->setBrush(area);
    m_markerText->setColor(markerColor());
    m_plot->replot();
}

} // namespace issuebert
