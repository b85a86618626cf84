// Class-count bars with label names under them and counts above them.
#include "ui/widgets/classcountchart.h"

#include "ui/widgets/plotstyle.h"

#include <QEvent>
#include <QLabel>
#include <QLocale>
#include <QStackedLayout>
#include <qcustomplot.h>

#include <algorithm>

namespace issuebert {

ClassCountChart::ClassCountChart(QWidget* parent)
    : QWidget(parent), m_stack(new QStackedLayout(this)), m_plot(new QCustomPlot(this)),
      m_bars(new QCPBars(m_plot->xAxis, m_plot->yAxis)),
      m_empty(new QLabel(tr("No labelled issues in this dataset."), this)) {
    m_plot->setObjectName(QStringLiteral("classCountPlot"));
    m_plot->setMinimumSize(220, 160);
    m_bars->setWidthType(QCPBars::wtPlotCoords);
    m_bars->setWidth(0.6);
    m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
    m_plot->xAxis->grid()->setVisible(false);
    m_plot->xAxis->setTickLength(0, 3);
    m_plot->xAxis->setSubTicks(false);
    m_plot->yAxis->setLabel(tr("Issues"));
    m_plot->yAxis->setNumberFormat(QStringLiteral("f"));
    m_plot->yAxis->setNumberPrecision(0);
    m_plot->axisRect()->setupFullAxesBox(false);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_stack->addWidget(m_plot);
    m_stack->addWidget(m_empty);
    restyle();
}

void ClassCountChart::setCounts(const std::vector<std::pair<std::string, long long>>& counts) {
    m_plot->clearItems();
    auto ticker = qSharedPointerCast<QCPAxisTickerText>(m_plot->xAxis->ticker());
    ticker->clear();
    QVector<double> keys;
    QVector<double> values;
    long long total = 0;
    long long highest = 0;
    for (const auto& [name, count] : counts) {
        total += count;
        highest = std::max(highest, count);
    }
    const QLocale locale;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const double key = static_cast<double>(i + 1);
        const auto& [name, count] = counts[i];
        keys.append(key);
        values.append(static_cast<double>(count));
        ticker->addTick(key, QString::fromStdString(name));
        auto* text = new QCPItemText(m_plot);
        text->position->setCoords(key, static_cast<double>(count));
        text->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
        const double share =
            total > 0 ? 100.0 * static_cast<double>(count) / static_cast<double>(total) : 0;
        // Two short lines fit over a bar even when the chart is narrow.
        text->setText(
            QStringLiteral("%1\n%2%").arg(locale.toString(count), locale.toString(share, 'f', 1)));
        text->setTextAlignment(Qt::AlignHCenter);
        text->setColor(palette().color(QPalette::WindowText));
        text->setPadding(QMargins(0, 0, 0, 2));
    }
    m_bars->setData(keys, values, true);
    m_plot->xAxis->setRange(0.4, static_cast<double>(counts.size()) + 0.6);
    // Headroom so the count labels above the tallest bar stay inside the plot.
    m_plot->yAxis->setRange(0, std::max<double>(1.0, static_cast<double>(highest) * 1.3));
    m_stack->setCurrentWidget(total > 0 ? static_cast<QWidget*>(m_plot) : m_empty);
    m_plot->replot();
}

void ClassCountChart::clear() {
    setCounts({});
}

void ClassCountChart::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        restyle();
    }
}

void ClassCountChart::restyle() {
    applyPlotPalette(m_plot, palette());
    m_bars->setPen(Qt::NoPen);
    m_bars->setBrush(barFillColor(palette()));
    for (int i = 0; i < m_plot->itemCount(); ++i) {
        if (auto* text = qobject_cast<QCPItemText*>(m_plot->item(i))) {
            text->setColor(palette().color(QPalette::WindowText));
        }
    }
    m_plot->replot();
}

} // namespace issuebert
