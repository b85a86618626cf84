// Live training charts: O(1) appends into QCustomPlot's containers and one
// coalesced replot per kReplotIntervalMs, so hours of steps never stall the UI.
#include "ui/widgets/trainingcharts.h"

#include "core/train/train_options.h"

#include "ui/widgets/plotstyle.h"

#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QTimer>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace issuebert {

namespace {

// Accuracy and macro-F1: mid-tone green and orange, readable on light and dark bases.
const QColor kAccuracyColor(46, 160, 90);
const QColor kMacroF1Color(230, 140, 30);
// Exports are at least this big, so a small or never-shown widget still reads.
constexpr int kMinExportWidth = 800;
constexpr int kMinExportHeight = 600;
// Headroom above the highest loss, so its markers are not cut by the frame.
constexpr double kLossHeadroom = 1.1;
// Epoch labels right of this share of the visible steps are drawn left of their line.
constexpr double kLabelFlipShare = 0.85;

void styleLegend(QCPLegend* legend, const QPalette& palette) {
    QColor fill = palette.color(QPalette::Base);
    fill.setAlpha(215);
    QColor border = palette.color(QPalette::WindowText);
    border.setAlpha(90);
    legend->setBrush(fill);
    legend->setBorderPen(QPen(border));
    legend->setTextColor(palette.color(QPalette::WindowText));
}

} // namespace

TrainingCharts::TrainingCharts(QWidget* parent)
    : QWidget(parent), m_plot(new QCustomPlot(this)), m_lossRect(m_plot->axisRect()),
      m_metricsRect(new QCPAxisRect(m_plot)), m_lossLegend(m_plot->legend),
      m_metricsLegend(new QCPLegend), m_replotTimer(new QTimer(this)) {
    setObjectName(QStringLiteral("trainingCharts"));
    m_plot->setObjectName(QStringLiteral("trainingPlot"));
    m_plot->setMinimumSize(320, 320);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);

    setUpAxes();
    setUpGraphs();
    setUpMenu();

    m_replotTimer->setSingleShot(true);
    m_replotTimer->setInterval(kReplotIntervalMs);
    connect(m_replotTimer, &QTimer::timeout, this, &TrainingCharts::replotNow);
    restyle();
    updateRanges();
}

void TrainingCharts::setUpAxes() {
    m_plot->plotLayout()->addElement(1, 0, m_metricsRect);
    // Equal left and right margins keep the two charts' steps one above the other.
    auto* margins = new QCPMarginGroup(m_plot);
    for (QCPAxisRect* rect : {m_lossRect, m_metricsRect}) {
        rect->setupFullAxesBox(false);
        rect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
        rect->setRangeDrag(Qt::Horizontal);
        rect->setRangeZoom(Qt::Horizontal);
    }
    QCPAxis* lossX = m_lossRect->axis(QCPAxis::atBottom);
    QCPAxis* metricsX = m_metricsRect->axis(QCPAxis::atBottom);
    lossX->setTickLabels(false); // the metrics chart below labels the shared steps
    metricsX->setLabel(tr("Optimizer step"));
    m_lossRect->axis(QCPAxis::atLeft)->setLabel(tr("Loss"));
    QCPAxis* metricsY = m_metricsRect->axis(QCPAxis::atLeft);
    metricsY->setLabel(tr("Validation"));
    auto percent = QSharedPointer<QCPAxisTickerText>::create();
    const QLocale locale;
    for (int tenth = 0; tenth <= 10; tenth += 2) {
        percent->addTick(tenth / 10.0, locale.toString(tenth * 10) + QLatin1Char('%'));
    }
    metricsY->setTicker(percent);
    metricsY->setRange(-0.02, 1.05);
    for (QCPAxis* x : {lossX, metricsX}) {
        x->setNumberFormat(QStringLiteral("f"));
        x->setNumberPrecision(0);
        QCPAxis* other = x == lossX ? metricsX : lossX;
        connect(x, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
                [this, other](const QCPRange& range) {
                    if (!m_settingRange) {
                        m_followData = false; // a drag or wheel zoom: keep the user's view
                    }
                    if (other->range() != range) {
                        other->setRange(range);
                    }
                });
    }
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setNoAntialiasingOnDrag(true);
    // Joined 2 px polylines cost ~80 ms a replot at 100,000 steps; segments cost ~3 ms.
    m_plot->setPlottingHints(QCP::phFastPolylines | QCP::phCacheLabels);
    m_metricsRect->insetLayout()->addElement(m_metricsLegend, Qt::AlignRight | Qt::AlignBottom);
    m_metricsLegend->setLayer(QStringLiteral("legend"));
    m_lossLegend->setVisible(true);
    m_plot->setAutoAddPlottableToLegend(false);
}

void TrainingCharts::setUpGraphs() {
    const auto graph = [this](QCPAxisRect* rect, QCPLegend* legend, const QString& name) {
        QCPGraph* made =
            m_plot->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        made->setName(name);
        made->addToLegend(legend);
        return made;
    };
    m_rawLoss = graph(m_lossRect, m_lossLegend, tr("Training loss"));
    m_smoothedLoss = graph(m_lossRect, m_lossLegend, tr("Training loss, smoothed"));
    m_validationLoss = graph(m_lossRect, m_lossLegend, tr("Validation loss"));
    m_accuracy = graph(m_metricsRect, m_metricsLegend, tr("Accuracy"));
    m_macroF1 = graph(m_metricsRect, m_metricsLegend, tr("Macro-F1"));
    m_best = graph(m_metricsRect, m_metricsLegend, tr("Best (saved in best/)"));
    m_best->setLineStyle(QCPGraph::lsNone);
}

void TrainingCharts::setUpMenu() {
    m_menu = new QMenu(this);
    m_menu->addAction(tr("Export PNG…"), this, [this] { exportWithDialog(false); })
        ->setObjectName(QStringLiteral("exportPngAction"));
    m_menu->addAction(tr("Export PDF…"), this, [this] { exportWithDialog(true); })
        ->setObjectName(QStringLiteral("exportPdfAction"));
    m_menu->addSeparator();
    m_menu->addAction(tr("Reset zoom"), this, &TrainingCharts::resetZoom)
        ->setObjectName(QStringLiteral("resetZoomAction"));
    m_plot->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_plot, &QWidget::customContextMenuRequested, this,
            [this](const QPoint& position) { m_menu->popup(m_plot->mapToGlobal(position)); });
}

void TrainingCharts::clear() {
    for (QCPGraph* graph :
         {m_rawLoss, m_smoothedLoss, m_validationLoss, m_accuracy, m_macroF1, m_best}) {
        graph->data()->clear();
    }
    for (const EpochMarker& marker : m_epochMarkers) {
        m_plot->removeItem(marker.lossLine);
        m_plot->removeItem(marker.metricsLine);
        m_plot->removeItem(marker.label);
    }
    m_epochMarkers.clear();
    if (m_noValidation != nullptr) {
        m_plot->removeItem(m_noValidation);
        m_noValidation = nullptr;
    }
    m_run = {};
    m_followData = true;
    scheduleReplot();
}

void TrainingCharts::addStep(const StepEvent& event) {
    const auto key = static_cast<double>(event.step);
    const double smoothed = nextSmoothed(event.loss);
    // Steps arrive in order, so each add is an append to the sorted container.
    m_rawLoss->addData(key, event.loss);
    m_smoothedLoss->addData(key, smoothed);
    noteLoss(smoothed);
    m_run.maxKey = std::max(m_run.maxKey, key);
    m_run.lastStep = event.step;
    ++m_run.steps;
    scheduleReplot();
}

void TrainingCharts::addEvaluation(const EvalEvent& event) {
    const auto key = static_cast<double>(event.step);
    m_validationLoss->addData(key, event.loss);
    m_accuracy->addData(key, event.metrics.accuracy);
    m_macroF1->addData(key, event.metrics.macroF1);
    if (event.improved) {
        m_run.bestStep = event.step;
        m_best->data()->clear();
        m_best->addData(key, event.metrics.accuracy);
        m_best->addData(key, event.metrics.macroF1);
    }
    noteLoss(event.loss);
    m_run.maxKey = std::max(m_run.maxKey, key);
    ++m_run.evaluations;
    if (m_noValidation != nullptr) {
        m_noValidation->setVisible(false);
    }
    scheduleReplot();
}

void TrainingCharts::addEpochEnd(const EpochEvent& event) {
    const auto step = static_cast<double>(m_run.lastStep);
    EpochMarker marker{new QCPItemStraightLine(m_plot), new QCPItemStraightLine(m_plot),
                       new QCPItemText(m_plot)};
    for (QCPItemStraightLine* line : {marker.lossLine, marker.metricsLine}) {
        QCPAxisRect* rect = line == marker.lossLine ? m_lossRect : m_metricsRect;
        line->setClipAxisRect(rect);
        line->setLayer(QStringLiteral("grid")); // behind the curves
        for (QCPItemPosition* point : {line->point1, line->point2}) {
            point->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        }
        line->point1->setCoords(step, 0);
        line->point2->setCoords(step, 1);
    }
    marker.label->setClipAxisRect(m_lossRect);
    marker.label->position->setAxes(m_lossRect->axis(QCPAxis::atBottom),
                                    m_lossRect->axis(QCPAxis::atLeft));
    marker.label->position->setAxisRect(m_lossRect);
    marker.label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    marker.label->position->setCoords(step, 0);
    marker.label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    marker.label->setPadding(QMargins(3, 2, 3, 2));
    marker.label->setText(tr("epoch %1").arg(event.epoch));
    styleMarker(marker);
    m_epochMarkers.push_back(marker);
    if (m_run.evaluations == 0 && m_noValidation == nullptr) {
        showNoValidationNote();
    }
    scheduleReplot();
}

void TrainingCharts::showNoValidationNote() {
    m_noValidation = new QCPItemText(m_plot);
    m_noValidation->setClipAxisRect(m_metricsRect);
    m_noValidation->position->setAxisRect(m_metricsRect);
    m_noValidation->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_noValidation->position->setCoords(0.5, 0.5);
    m_noValidation->setPositionAlignment(Qt::AlignCenter);
    m_noValidation->setTextAlignment(Qt::AlignCenter);
    m_noValidation->setColor(palette().color(QPalette::WindowText));
    m_noValidation->setText(tr("No validation in this run, so no accuracy to plot:\n"
                               "every issue trained and the last epoch's model is kept.\n"
                               "Auto validation does this below %1 issues per class\n"
                               "in a %2 % split; choose Split off under Validation to plot it.")
                                .arg(kAutoValMinPerClass)
                                .arg(static_cast<int>(kDefaultValFraction * 100)));
}

QString TrainingCharts::noValidationNote() const {
    return m_noValidation != nullptr && m_noValidation->visible() ? m_noValidation->text()
                                                                  : QString();
}

void TrainingCharts::setSmoothing(double weight) {
    weight = std::isfinite(weight) ? std::clamp(weight, 0.0, kMaxSmoothing) : kDefaultSmoothing;
    if (weight == m_smoothing) {
        return;
    }
    m_smoothing = weight;
    recomputeSmoothed();
}

// TensorBoard's smoothing: an exponential moving average divided by
// 1 - weight^n, so the first points are not dragged towards zero.
double TrainingCharts::nextSmoothed(double loss) {
    if (!std::isfinite(loss)) {
        return loss; // a skipped (NaN) step shows as a gap and leaves the average alone
    }
    m_run.emaLast = m_run.emaLast * m_smoothing + (1 - m_smoothing) * loss;
    ++m_run.emaCount;
    const double debias = 1 - std::pow(m_smoothing, static_cast<double>(m_run.emaCount));
    return debias > 0 ? m_run.emaLast / debias : loss;
}

void TrainingCharts::recomputeSmoothed() {
    m_run.emaLast = 0;
    m_run.emaCount = 0;
    m_run.lossTop = 0;
    QVector<QCPGraphData> smoothed;
    smoothed.reserve(m_rawLoss->data()->size());
    for (auto it = m_rawLoss->data()->constBegin(); it != m_rawLoss->data()->constEnd(); ++it) {
        smoothed.append(QCPGraphData(it->key, nextSmoothed(it->value)));
        noteLoss(smoothed.back().value);
    }
    m_smoothedLoss->data()->set(smoothed, true);
    for (auto it = m_validationLoss->data()->constBegin();
         it != m_validationLoss->data()->constEnd(); ++it) {
        noteLoss(it->value);
    }
    scheduleReplot();
}

// The loss axis follows the smoothed and validation losses, not the raw one:
// one spike in a raw batch loss must not flatten hours of curve.
void TrainingCharts::noteLoss(double value) {
    if (std::isfinite(value)) {
        m_run.lossTop = std::max(m_run.lossTop, value);
    }
}

void TrainingCharts::resetZoom() {
    m_followData = true;
    scheduleReplot();
}

void TrainingCharts::scheduleReplot() {
    m_dirty = true;
    if (!m_replotTimer->isActive()) {
        m_replotTimer->start();
    }
}

void TrainingCharts::replotNow() {
    if (!isVisible()) {
        return; // another page is showing: replot once shown (showEvent)
    }
    m_dirty = false;
    updateRanges();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingCharts::updateRanges() {
    // O(1): the extents are kept as points arrive, never searched for.
    if (m_followData) {
        setXRange(0, std::max(1.0, m_run.maxKey + std::max(0.5, m_run.maxKey * 0.02)));
    }
    const double top = m_run.lossTop > 0 ? m_run.lossTop * kLossHeadroom : 1.0;
    m_lossRect->axis(QCPAxis::atLeft)->setRange(0, top);
    // A label near the right edge goes left of its line, where it fits.
    const QCPRange shown = m_lossRect->axis(QCPAxis::atBottom)->range();
    for (const EpochMarker& marker : m_epochMarkers) {
        const bool nearRight =
            marker.label->position->key() > shown.lower + kLabelFlipShare * shown.size();
        marker.label->setPositionAlignment((nearRight ? Qt::AlignRight : Qt::AlignLeft) |
                                           Qt::AlignTop);
    }
}

void TrainingCharts::setXRange(double lower, double upper) {
    m_settingRange = true;
    m_lossRect->axis(QCPAxis::atBottom)->setRange(lower, upper);
    m_settingRange = false;
}

void TrainingCharts::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (m_dirty) {
        replotNow();
    }
}

void TrainingCharts::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        restyle();
    }
}

void TrainingCharts::restyle() {
    const QPalette colours = palette();
    applyPlotPalette(m_plot, colours);
    // applyPlotPalette styles the first axis rect; the metrics rect copies it.
    const QCPAxis* model = m_lossRect->axis(QCPAxis::atBottom);
    for (QCPAxis* axis : m_metricsRect->axes()) {
        axis->setBasePen(model->basePen());
        axis->setTickPen(model->tickPen());
        axis->setSubTickPen(model->subTickPen());
        axis->setTickLabelColor(model->tickLabelColor());
        axis->setLabelColor(model->labelColor());
        axis->grid()->setPen(model->grid()->pen());
        axis->grid()->setZeroLinePen(model->grid()->zeroLinePen());
    }
    styleLegend(m_lossLegend, colours);
    styleLegend(m_metricsLegend, colours);

    const QColor highlight = colours.color(QPalette::Highlight);
    QColor faint = highlight;
    faint.setAlpha(70);
    m_rawLoss->setPen(QPen(faint, 1));
    m_smoothedLoss->setPen(QPen(highlight, 2));
    const QBrush& hollow = colours.brush(QPalette::Base);
    const auto curve = [&hollow](QCPGraph* graph, const QColor& colour,
                                 QCPScatterStyle::ScatterShape shape) {
        graph->setPen(QPen(colour, 2));
        graph->setScatterStyle(QCPScatterStyle(shape, QPen(colour, 1.5), hollow, 7));
    };
    curve(m_validationLoss, markerColor(), QCPScatterStyle::ssCircle);
    curve(m_accuracy, kAccuracyColor, QCPScatterStyle::ssCircle);
    curve(m_macroF1, kMacroF1Color, QCPScatterStyle::ssDiamond);
    m_best->setScatterStyle(QCPScatterStyle(
        QCPScatterStyle::ssCircle, QPen(colours.color(QPalette::WindowText), 2), Qt::NoBrush, 15));
    for (const EpochMarker& marker : m_epochMarkers) {
        styleMarker(marker);
    }
    if (m_noValidation != nullptr) {
        m_noValidation->setColor(colours.color(QPalette::WindowText));
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingCharts::styleMarker(const EpochMarker& marker) {
    QColor colour = palette().color(QPalette::WindowText);
    colour.setAlpha(150);
    marker.lossLine->setPen(QPen(colour, 1, Qt::DashLine));
    marker.metricsLine->setPen(QPen(colour, 1, Qt::DashLine));
    marker.label->setColor(colour);
}

void TrainingCharts::showEvents(const std::vector<LoggedEvent>& events, const QString& runFolder) {
    clear();
    if (!runFolder.isEmpty()) {
        m_exportFolder = runFolder;
    }
    for (const LoggedEvent& event : events) {
        if (const auto* step = std::get_if<StepEvent>(&event)) {
            addStep(*step);
        } else if (const auto* evaluation = std::get_if<EvalEvent>(&event)) {
            addEvaluation(*evaluation);
        } else {
            addEpochEnd(std::get<EpochEvent>(event));
        }
    }
}

bool TrainingCharts::exportTo(const QString& path, bool pdf, QString* error) {
    const QString shown = QDir::toNativeSeparators(path);
    const QFileInfo info(path);
    QString problem;
    if (path.isEmpty()) {
        problem = tr("Cannot export the charts: no file name given.");
    } else if (!info.absoluteDir().exists()) {
        problem = tr("Cannot write %1: the folder %2 does not exist.")
                      .arg(shown, QDir::toNativeSeparators(info.absolutePath()));
    } else {
        updateRanges(); // the export shows every point, even before the next replot
        const int width = std::max(m_plot->width(), kMinExportWidth);
        const int height = std::max(m_plot->height(), kMinExportHeight);
        const bool written =
            pdf ? m_plot->savePdf(path, width, height, QCP::epAllowCosmetic,
                                  QStringLiteral("IssueBERT"), tr("IssueBERT training charts"))
                : m_plot->savePng(path, width, height);
        // The export laid the charts out at its own size; lay them out for the screen again.
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        if (!written || QFileInfo(path).size() == 0) {
            problem = tr("Cannot write %1: the file could not be created or written.").arg(shown);
        }
    }
    if (!problem.isEmpty() && error != nullptr) {
        *error = problem;
    }
    return problem.isEmpty();
}

void TrainingCharts::exportWithDialog(bool pdf) {
    const QString suffix = pdf ? QStringLiteral("pdf") : QStringLiteral("png");
    const QString folder = m_exportFolder.isEmpty() ? QDir::homePath() : m_exportFolder;
    QString path = QFileDialog::getSaveFileName(
        this, pdf ? tr("Export charts as PDF") : tr("Export charts as PNG"),
        QDir(folder).filePath(QStringLiteral("training-charts.") + suffix),
        pdf ? tr("PDF documents (*.pdf)") : tr("PNG images (*.png)"));
    if (path.isEmpty()) {
        return;
    }
    if (QFileInfo(path).suffix().isEmpty()) {
        path += QLatin1Char('.') + suffix;
    }
    QString error;
    if (!exportTo(path, pdf, &error)) {
        QMessageBox::warning(this, tr("Export failed"), error);
        return;
    }
    m_exportFolder = QFileInfo(path).absolutePath();
}

} // namespace issuebert
