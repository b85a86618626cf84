// The Train page's live charts: training and validation loss over optimizer
// steps above validation accuracy and macro-F1, epoch markers, PNG/PDF export.
#pragma once

#include "core/train/events.h"
#include "core/train/metrics_log.h"

#include <QWidget>

#include <variant>
#include <vector>

class QCPAxisRect;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCPLegend;
class QCustomPlot;
class QMenu;
class QTimer;

namespace issuebert {

class TrainingCharts : public QWidget {
    Q_OBJECT

public:
    // TensorBoard's default smoothing of the training loss.
    static constexpr double kDefaultSmoothing = 0.9;
    // Above this the debiased average barely moves; 1 would freeze it at 0.
    static constexpr double kMaxSmoothing = 0.999;
    // At most one replot per this many milliseconds, however fast events come.
    static constexpr int kReplotIntervalMs = 150;

    explicit TrainingCharts(QWidget* parent = nullptr);

    // A past run's events (readMetricsLog, read off the UI thread: ~0.2 s for
    // 100,000 steps) replace the charts' (~15 ms for 100,000 steps); runFolder,
    // where set, is where Export starts.
    void showEvents(const std::vector<LoggedEvent>& events, const QString& runFolder = {});
    // Both charts, one above the other, at the widget's size (at least
    // 800 × 600). False with an error naming the path when it cannot be written.
    bool exportPng(const QString& path, QString* error) { return exportTo(path, false, error); }
    bool exportPdf(const QString& path, QString* error) { return exportTo(path, true, error); }

    double smoothing() const { return m_smoothing; }
    long long stepCount() const { return m_run.steps; }
    int evaluationCount() const { return m_run.evaluations; }
    int epochMarkerCount() const { return static_cast<int>(m_epochMarkers.size()); }
    // Shown in the metrics chart once an epoch ends without any evaluation
    // (a run without validation); empty otherwise.
    QString noValidationNote() const;
    // The step of the evaluation whose model best/ holds; -1 before one.
    long long bestStep() const { return m_run.bestStep; }

    QCustomPlot* plot() const { return m_plot; }
    QCPAxisRect* lossRect() const { return m_lossRect; }
    QCPAxisRect* metricsRect() const { return m_metricsRect; }
    QCPGraph* rawLossGraph() const { return m_rawLoss; }
    QCPGraph* smoothedLossGraph() const { return m_smoothedLoss; }
    QCPGraph* validationLossGraph() const { return m_validationLoss; }
    QCPGraph* accuracyGraph() const { return m_accuracy; }
    QCPGraph* macroF1Graph() const { return m_macroF1; }
    // Two points at bestStep(): its accuracy and its macro-F1.
    QCPGraph* bestGraph() const { return m_best; }
    // The right-click menu: Export PNG…, Export PDF…, Reset zoom.
    QMenu* contextMenu() const { return m_menu; }

public Q_SLOTS:
    void clear();
    void addStep(const issuebert::StepEvent& event);
    void addEvaluation(const issuebert::EvalEvent& event);
    // A dashed "epoch N" line at the last step seen (EpochEvent has no step).
    void addEpochEnd(const issuebert::EpochEvent& event);
    // Clamped to [0, kMaxSmoothing] (NaN: the default); 0 draws the raw loss again.
    void setSmoothing(double weight);
    // Fits both charts to the data again and follows new data, after a
    // drag or wheel zoom stopped that.
    void resetZoom();

protected:
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    struct EpochMarker {
        QCPItemStraightLine* lossLine;
        QCPItemStraightLine* metricsLine;
        QCPItemText* label;
    };

    void setUpAxes();
    void setUpGraphs();
    void setUpMenu();
    void restyle();
    void styleMarker(const EpochMarker& marker);
    void showNoValidationNote();
    double nextSmoothed(double loss);
    void recomputeSmoothed();
    void noteLoss(double value);
    void scheduleReplot();
    void replotNow();
    void updateRanges();
    void setXRange(double lower, double upper);
    bool exportTo(const QString& path, bool pdf, QString* error);
    void exportWithDialog(bool pdf);

    QCustomPlot* m_plot;
    QCPAxisRect* m_lossRect;
    QCPAxisRect* m_metricsRect;
    QCPLegend* m_lossLegend;
    QCPLegend* m_metricsLegend;
    QCPGraph* m_rawLoss = nullptr;
    QCPGraph* m_smoothedLoss = nullptr;
    QCPGraph* m_validationLoss = nullptr;
    QCPGraph* m_accuracy = nullptr;
    QCPGraph* m_macroF1 = nullptr;
    QCPGraph* m_best = nullptr;
    QMenu* m_menu = nullptr;
    QCPItemText* m_noValidation = nullptr; // the note in an empty metrics chart, once needed
    QTimer* m_replotTimer;
    std::vector<EpochMarker> m_epochMarkers;
    QString m_exportFolder; // the loaded run's folder, else empty: the dialog's start

    // What clear() resets: counts, the running average and the data's extents.
    struct RunState {
        double emaLast = 0;     // the biased running average
        long long emaCount = 0; // finite losses averaged so far
        long long steps = 0;
        int evaluations = 0;
        long long lastStep = 0;
        long long bestStep = -1;
        double maxKey = 0;  // the largest step plotted
        double lossTop = 0; // largest smoothed or validation loss: the loss axis' top
    };
    RunState m_run;
    double m_smoothing = kDefaultSmoothing;
    bool m_dirty = false;        // data changed since the last replot
    bool m_followData = true;    // false once the user dragged or zoomed x
    bool m_settingRange = false; // our own setRange calls, not the user's
};

} // namespace issuebert
