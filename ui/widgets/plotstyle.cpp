// Palette-driven QCustomPlot styling shared by the Data page's charts.
#include "ui/widgets/plotstyle.h"

#include <QPalette>
#include <qcustomplot.h>

namespace issuebert {

void applyPlotPalette(QCustomPlot* plot, const QPalette& palette) {
    const QColor text = palette.color(QPalette::WindowText);
    QColor grid = text;
    grid.setAlpha(40);
    plot->setBackground(palette.brush(QPalette::Base));
    for (QCPAxis* axis : plot->axisRect()->axes()) {
        axis->setBasePen(QPen(text));
        axis->setTickPen(QPen(text));
        axis->setSubTickPen(QPen(text));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
        axis->grid()->setZeroLinePen(Qt::NoPen);
    }
}

QColor barFillColor(const QPalette& palette) {
    QColor color = palette.color(QPalette::Highlight);
    color.setAlpha(200);
    return color;
}

QColor markerColor() {
    return QColor(214, 69, 65);
}

} // namespace issuebert
