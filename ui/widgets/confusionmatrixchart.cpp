// Confusion-matrix heatmap: cells coloured by row percentage (recall-normalised,
// so small classes read as well as large ones), counts written on the cells.
#include "ui/widgets/confusionmatrixchart.h"

#include "ui/widgets/plotstyle.h"

#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QHelpEvent>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QStackedLayout>
#include <QToolTip>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace issuebert {

namespace {

// Tick labels longer than this many characters are elided; tooltips keep the full name.
constexpr int kMaxTickChars = 24;
// Smallest point size cell texts shrink to before they are hidden.
constexpr double kMinTextPointSize = 6.0;
// Pixels kept free around a cell text so neighbouring texts do not touch.
constexpr double kTextMargin = 4.0;
// Export size while the chart has not been laid out on screen.
constexpr int kDefaultExportWidth = 800;
constexpr int kDefaultExportHeight = 600;
// Share of the highlight colour in the 0 % end of the gradient: a tint, so an
// empty cell is still told apart from the background.
constexpr double kEmptyTint = 0.08;

QColor mix(const QColor& a, const QColor& b, double t) {
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * t),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * t),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * t));
}

// WCAG relative luminance of an sRGB colour.
double luminance(const QColor& color) {
    const auto channel = [](double c) {
        return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) +
           0.0722 * channel(color.blueF());
}

// Near-white or near-black, whichever contrasts more with background.
QColor contrastingText(const QColor& background) {
    const double l = luminance(background);
    const double againstWhite = 1.05 / (l + 0.05);
    const double againstBlack = (l + 0.05) / 0.05;
    return againstWhite > againstBlack ? QColor(250, 250, 250) : QColor(20, 20, 20);
}

// From a tint of the background to a strong highlight that moves away from the
// background's lightness, so more always reads as "further from empty" in
// light and dark themes alike.
QCPColorGradient heatGradient(const QPalette& palette) {
    const QColor base = palette.color(QPalette::Base);
    const QColor highlight = palette.color(QPalette::Highlight);
    const QColor strong = base.lightnessF() < 0.5 ? highlight.lighter(140) : highlight.darker(160);
    QCPColorGradient gradient;
    gradient.clearColorStops();
    gradient.setColorStopAt(0.0, mix(base, highlight, kEmptyTint));
    gradient.setColorStopAt(0.6, highlight);
    gradient.setColorStopAt(1.0, strong);
    gradient.setColorInterpolation(QCPColorGradient::ciRGB);
    // A class without true issues has no row percentage: its row shows the background.
    gradient.setNanHandling(QCPColorGradient::nhTransparent);
    return gradient;
}

void styleAxis(QCPAxis* axis, const QColor& text) {
    axis->setBasePen(QPen(text));
    axis->setTickPen(QPen(text));
    axis->setSubTickPen(QPen(text));
    axis->setTickLabelColor(text);
    axis->setLabelColor(text);
}

} // namespace

ConfusionMatrixChart::ConfusionMatrixChart(QWidget* parent)
    : QWidget(parent), m_stack(new QStackedLayout(this)), m_plot(new QCustomPlot(this)),
      m_map(new QCPColorMap(m_plot->xAxis, m_plot->yAxis)), m_scale(new QCPColorScale(m_plot)),
      m_empty(new QLabel(tr("No labelled issues to evaluate"), this)) {
    m_plot->setObjectName(QStringLiteral("confusionPlot"));
    m_plot->setMinimumSize(280, 220);
    m_plot->setMouseTracking(true); // hover cursor over cells
    m_plot->installEventFilter(this);
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis}) {
        axis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
        axis->grid()->setVisible(false);
        axis->setSubTicks(false);
        axis->setTickLength(0, 3);
    }
    m_plot->xAxis->setLabel(tr("Predicted"));
    m_plot->yAxis->setLabel(tr("True"));
    // The first class at the top: the diagonal of correct answers runs from
    // the top left to the bottom right, as in every confusion-matrix figure.
    m_plot->yAxis->setRangeReversed(true);

    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);
    m_plot->plotLayout()->addElement(0, 1, m_scale);
    m_scale->setType(QCPAxis::atRight);
    m_scale->setBarWidth(12);
    m_scale->axis()->setLabel(tr("% of true class"));
    m_map->setColorScale(m_scale);
    m_scale->setDataRange(QCPRange(0, 100));
    auto* margins = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    m_scale->setMarginGroup(QCP::msTop | QCP::msBottom, margins);

    m_empty->setObjectName(QStringLiteral("confusionEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_stack->addWidget(m_plot);
    m_stack->addWidget(m_empty);

    connect(m_plot, &QCustomPlot::afterLayout, this, &ConfusionMatrixChart::fitTexts);
    connect(m_plot, &QCustomPlot::mousePress, this, &ConfusionMatrixChart::onMousePress);
    connect(m_plot, &QCustomPlot::mouseMove, this, &ConfusionMatrixChart::onMouseMove);
    connect(m_plot, &QCustomPlot::mouseRelease, this, &ConfusionMatrixChart::onMouseRelease);
    rebuild();
    restyle();
}

void ConfusionMatrixChart::setMetrics(const ClassificationMetrics& metrics) {
    const std::size_t n = metrics.perClass.size();
    m_names.clear();
    for (const ClassMetrics& cm : metrics.perClass) {
        m_names.push_back(QString::fromStdString(cm.name));
    }
    // Square n × n whatever the input holds: missing cells count as 0.
    m_confusion.assign(n, std::vector<long long>(n, 0));
    m_rowTotals.assign(n, 0);
    for (std::size_t t = 0; t < n && t < metrics.confusion.size(); ++t) {
        for (std::size_t p = 0; p < n && p < metrics.confusion[t].size(); ++p) {
            m_confusion[t][p] = metrics.confusion[t][p];
            m_rowTotals[t] += metrics.confusion[t][p];
        }
    }
    rebuild();
}

void ConfusionMatrixChart::clear() {
    setMetrics({});
}

bool ConfusionMatrixChart::isEmpty() const {
    return std::all_of(m_rowTotals.begin(), m_rowTotals.end(),
                       [](long long total) { return total == 0; });
}

QString ConfusionMatrixChart::emptyText() const {
    return m_stack->currentWidget() == m_empty ? m_empty->text() : QString();
}

long long ConfusionMatrixChart::count(int trueClass, int predictedClass) const {
    return m_confusion[static_cast<std::size_t>(trueClass)]
                      [static_cast<std::size_t>(predictedClass)];
}

long long ConfusionMatrixChart::rowTotal(int trueClass) const {
    return m_rowTotals[static_cast<std::size_t>(trueClass)];
}

QString ConfusionMatrixChart::displayName(int index) const {
    const QString& name = m_names[static_cast<std::size_t>(index)];
    return name.size() > kMaxTickChars ? name.left(kMaxTickChars - 1) + QChar(0x2026) : name;
}

QCPItemText* ConfusionMatrixChart::cellTextItem(int trueClass, int predictedClass) const {
    const int n = classCount();
    if (trueClass < 0 || predictedClass < 0 || trueClass >= n || predictedClass >= n ||
        m_texts.empty()) {
        return nullptr;
    }
    return m_texts[static_cast<std::size_t>(trueClass * n + predictedClass)];
}

QString ConfusionMatrixChart::cellText(int trueClass, int predictedClass) const {
    const QCPItemText* text = cellTextItem(trueClass, predictedClass);
    return text ? text->text() : QString();
}

QString ConfusionMatrixChart::cellToolTip(int trueClass, int predictedClass) const {
    const int n = classCount();
    if (trueClass < 0 || predictedClass < 0 || trueClass >= n || predictedClass >= n) {
        return {};
    }
    const QLocale locale;
    const QString& truth = m_names[static_cast<std::size_t>(trueClass)];
    const QString& predicted = m_names[static_cast<std::size_t>(predictedClass)];
    const long long cellCount = count(trueClass, predictedClass);
    const long long total = rowTotal(trueClass);
    const QString issues = cellCount == 1 ? tr("%1 issue").arg(locale.toString(cellCount))
                                          : tr("%1 issues").arg(locale.toString(cellCount));
    QString tip =
        total == 0
            ? tr("True %1 → predicted %2: %3 (no true %1 issues)").arg(truth, predicted, issues)
            : tr("True %1 → predicted %2: %3 (%4 % of %1)")
                  .arg(truth, predicted, issues,
                       locale.toString(100.0 * static_cast<double>(cellCount) /
                                           static_cast<double>(total),
                                       'f', 1));
    if (trueClass == predictedClass) {
        tip += tr(", correct");
    }
    return tip;
}

std::optional<std::pair<int, int>> ConfusionMatrixChart::cellAt(const QPointF& plotPixel) const {
    const int n = classCount();
    if (isEmpty() || !m_plot->axisRect()->rect().contains(plotPixel.toPoint())) {
        return std::nullopt;
    }
    // Cell centres sit on integer coordinates, so rounding finds the cell.
    const double x = std::floor(m_plot->xAxis->pixelToCoord(plotPixel.x()) + 0.5);
    const double y = std::floor(m_plot->yAxis->pixelToCoord(plotPixel.y()) + 0.5);
    if (x < 0 || y < 0 || x >= n || y >= n) {
        return std::nullopt;
    }
    return std::make_pair(static_cast<int>(y), static_cast<int>(x));
}

void ConfusionMatrixChart::rebuild() {
    m_plot->clearItems();
    m_texts.clear();
    m_diagonal.clear();
    m_pressed.reset();
    const int n = classCount();
    const QLocale locale;
    auto xTicker = qSharedPointerCast<QCPAxisTickerText>(m_plot->xAxis->ticker());
    auto yTicker = qSharedPointerCast<QCPAxisTickerText>(m_plot->yAxis->ticker());
    xTicker->clear();
    yTicker->clear();
    int longestName = 0;
    for (int i = 0; i < n; ++i) {
        xTicker->addTick(i, displayName(i));
        yTicker->addTick(i, displayName(i));
        longestName = std::max(longestName, static_cast<int>(displayName(i).size()));
    }
    // Slanted predicted-class names when side by side they would run into each other.
    m_plot->xAxis->setTickLabelRotation(n * longestName > 48 ? 35 : 0);
    m_plot->xAxis->setRange(-0.5, std::max(n, 1) - 0.5);
    m_plot->yAxis->setRange(-0.5, std::max(n, 1) - 0.5);

    if (isEmpty()) {
        m_map->data()->clear();
        m_stack->setCurrentWidget(m_empty);
        m_plot->replot();
        return;
    }
    // A colour map cell spans half the distance to its neighbours' centres, so
    // a single class needs two samples to get a width: both hold its value.
    const int samples = std::max(n, 2);
    const double upper = n == 1 ? 0.25 : n - 1.0;
    const double lower = n == 1 ? -0.25 : 0.0;
    m_map->data()->setSize(samples, samples);
    m_map->data()->setRange(QCPRange(lower, upper), QCPRange(lower, upper));
    for (int t = 0; t < n; ++t) {
        for (int p = 0; p < n; ++p) {
            const double share = rowTotal(t) > 0 ? 100.0 * static_cast<double>(count(t, p)) /
                                                       static_cast<double>(rowTotal(t))
                                                 : std::numeric_limits<double>::quiet_NaN();
            if (n == 1) {
                m_map->data()->fill(share);
            } else {
                m_map->data()->setCell(p, t, share);
            }
        }
    }
    for (int i = 0; i < n; ++i) {
        auto* outline = new QCPItemRect(m_plot);
        outline->topLeft->setCoords(i - 0.5, i - 0.5);
        outline->bottomRight->setCoords(i + 0.5, i + 0.5);
        outline->setBrush(Qt::NoBrush);
        m_diagonal.push_back(outline);
    }
    for (int t = 0; t < n; ++t) {
        for (int p = 0; p < n; ++p) {
            auto* text = new QCPItemText(m_plot);
            text->position->setCoords(p, t);
            text->setPositionAlignment(Qt::AlignCenter);
            text->setTextAlignment(Qt::AlignHCenter);
            const long long total = rowTotal(t);
            text->setText(QStringLiteral("%1\n%2").arg(
                locale.toString(count(t, p)),
                total > 0 ? locale.toString(100.0 * static_cast<double>(count(t, p)) /
                                                static_cast<double>(total),
                                            'f', 1) +
                                QLatin1Char('%')
                          : QStringLiteral("—")));
            m_texts.push_back(text);
        }
    }
    m_stack->setCurrentWidget(m_plot);
    restyle(); // colours the new texts and outlines, then replots
}

void ConfusionMatrixChart::fitTexts() {
    if (m_texts.empty()) {
        return;
    }
    const double cellWidth =
        std::abs(m_plot->xAxis->coordToPixel(1) - m_plot->xAxis->coordToPixel(0)) - kTextMargin;
    const double cellHeight =
        std::abs(m_plot->yAxis->coordToPixel(1) - m_plot->yAxis->coordToPixel(0)) - kTextMargin;
    QFont font = m_plot->font();
    // Widths grow with the point size, so the widest line at one size is the
    // widest at all: find it once, then shrink the font until it fits.
    const QFontMetricsF baseMetrics(font);
    QString widest;
    double widestWidth = -1;
    for (const QCPItemText* text : m_texts) {
        for (const QString& line : text->text().split(QLatin1Char('\n'))) {
            const double width = baseMetrics.horizontalAdvance(line);
            if (width > widestWidth) {
                widestWidth = width;
                widest = line;
            }
        }
    }
    bool fits = false;
    for (double size = font.pointSizeF(); size >= kMinTextPointSize; size -= 1.0) {
        font.setPointSizeF(size);
        const QFontMetricsF metrics(font);
        if (metrics.horizontalAdvance(widest) <= cellWidth &&
            2 * metrics.lineSpacing() <= cellHeight) {
            fits = true;
            break;
        }
    }
    for (QCPItemText* text : m_texts) {
        text->setFont(font);
        text->setVisible(fits);
    }
}

void ConfusionMatrixChart::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        restyle();
    }
}

void ConfusionMatrixChart::restyle() {
    const QPalette& pal = palette();
    applyPlotPalette(m_plot, pal);
    const QColor text = pal.color(QPalette::WindowText);
    styleAxis(m_scale->axis(), text);
    QCPColorGradient gradient = heatGradient(pal);
    m_scale->setGradient(gradient);
    m_map->setGradient(gradient);
    const QColor base = pal.color(QPalette::Base);
    const int n = classCount();
    for (std::size_t i = 0; i < m_texts.size(); ++i) {
        const int t = static_cast<int>(i) / n;
        const int p = static_cast<int>(i) % n;
        const double share = m_map->data()->data(p, t);
        const QColor cell = std::isnan(share) ? base : QColor(gradient.color(share, {0, 100}));
        m_texts[i]->setColor(contrastingText(cell));
    }
    QColor outline = text;
    outline.setAlpha(170);
    for (QCPItemRect* rect : m_diagonal) {
        rect->setPen(QPen(outline, 1.5));
    }
    m_plot->replot();
}

bool ConfusionMatrixChart::exportPng(const QString& path, QString* error) {
    const auto fail = [error](const QString& message) {
        if (error) {
            *error = message;
        }
        return false;
    };
    if (isEmpty()) {
        return fail(tr("There is no confusion matrix to export."));
    }
    const QFileInfo info(path);
    if (!info.absoluteDir().exists()) {
        return fail(tr("Cannot write %1: the folder %2 does not exist.")
                        .arg(QDir::toNativeSeparators(path),
                             QDir::toNativeSeparators(info.absolutePath())));
    }
    const bool laidOut = m_plot->isVisible() && m_plot->width() >= 200 && m_plot->height() >= 150;
    const int width = laidOut ? m_plot->width() : kDefaultExportWidth;
    const int height = laidOut ? m_plot->height() : kDefaultExportHeight;
    const bool saved = m_plot->savePng(path, width, height);
    // The export laid the chart out at its own size: lay it out for the screen again.
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    if (!saved) {
        return fail(tr("Could not write %1: check that the folder is writable.")
                        .arg(QDir::toNativeSeparators(path)));
    }
    return true;
}

bool ConfusionMatrixChart::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_plot && event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        if (const auto cell = cellAt(help->pos())) {
            QToolTip::showText(help->globalPos(), cellToolTip(cell->first, cell->second), m_plot);
        } else {
            QToolTip::hideText();
            event->ignore();
        }
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void ConfusionMatrixChart::onMousePress(QMouseEvent* event) {
    m_pressed.reset();
    if (event->button() == Qt::LeftButton) {
        m_pressed = cellAt(event->position());
    }
}

void ConfusionMatrixChart::onMouseMove(QMouseEvent* event) {
    if (cellAt(event->position())) {
        m_plot->setCursor(Qt::PointingHandCursor);
    } else {
        m_plot->unsetCursor();
    }
}

void ConfusionMatrixChart::onMouseRelease(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || !m_pressed) {
        return;
    }
    const auto pressed = *m_pressed;
    m_pressed.reset();
    if (cellAt(event->position()) == pressed) {
        Q_EMIT cellClicked(pressed.first, pressed.second);
    }
}

} // namespace issuebert
