// Colours for QCustomPlot charts taken from the widget palette, so the charts
// follow light and dark themes instead of QCustomPlot's black-on-white.
#pragma once

#include <QColor>

class QCustomPlot;
class QPalette;

namespace issuebert {

// Background, axes, ticks, labels and grid from palette: pass the owning
// widget's, which changes before its children's do. Call again on
// QEvent::PaletteChange.
void applyPlotPalette(QCustomPlot* plot, const QPalette& palette);

// Fill for data bars: the palette's highlight, slightly translucent.
QColor barFillColor(const QPalette& palette);
// A mid-tone red that reads on light and dark backgrounds (the max-length marker).
QColor markerColor();

} // namespace issuebert
