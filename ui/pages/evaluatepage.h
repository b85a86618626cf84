// The Evaluate page: run a fine-tuned model over a labelled dataset and see
// how it does — accuracy, macro F1, log loss, per-class precision, recall, F1
// and support, a confusion-matrix heatmap; clicking a cell lists its issues.
#pragma once

#include "core/data/dataset.h"
#include "ui/pages/page.h"
#include "ui/workers/jobrunner.h"

#include <memory>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;

namespace issuebert {

class ModelService;

class ClassMetricsModel;
class ConfusionMatrixChart;
class PredictionsTableModel;
class RowSetProxy;
struct PredictionResult;

class EvaluatePage : public Page {
    Q_OBJECT

public:
    // models: the app's current model, which the page follows; a page of its
    // own when none is given.
    explicit EvaluatePage(QWidget* parent = nullptr, ModelService* models = nullptr);
    ~EvaluatePage() override;

    // The fine-tuned model folder (a run's best/).
    // Makes dir the current model: this page and every page that follows it show it.
    void setModelDir(const QString& dir);
    QString modelDir() const { return m_modelDir; }
    // The Data page's dataset, offered as "the open dataset".
    void setOpenDataset(std::shared_ptr<const Dataset> dataset);
    // Another labelled file to evaluate on, chosen instead of the open dataset.
    void setDataFile(const QString& path);

    bool isRunning() const { return m_jobs->isBusy(); }
    std::shared_ptr<const PredictionResult> result() const { return m_result; }

    ConfusionMatrixChart* confusionChart() const { return m_chart; }
    QTableView* metricsView() const { return m_metricsView; }
    QTableView* cellIssuesView() const { return m_cellView; }
    QLabel* summaryLabel() const { return m_summary; }
    QLabel* cellLabel() const { return m_cellLabel; }
    QPushButton* evaluateButton() const { return m_run; }

public Q_SLOTS:
    void evaluate();
    void cancel();
    // Lists the issues of true class t predicted as p (the model's class indices).
    void showCell(int trueClass, int predictedClass);

Q_SIGNALS:
    void evaluated(std::shared_ptr<const issuebert::PredictionResult> result);

private:
    void showModel(const QString& dir);
    void onResult(std::shared_ptr<const PredictionResult> result);
    void updateControls();

    QLabel* m_modelLabel = nullptr;
    QComboBox* m_data = nullptr;
    QPushButton* m_run = nullptr;
    QPushButton* m_cancel = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_summary = nullptr;
    ConfusionMatrixChart* m_chart = nullptr;
    ClassMetricsModel* m_metrics = nullptr;
    QTableView* m_metricsView = nullptr;
    QLabel* m_cellLabel = nullptr;
    PredictionsTableModel* m_cellModel = nullptr;
    RowSetProxy* m_cellProxy = nullptr;
    QTableView* m_cellView = nullptr;

    ModelService* m_service = nullptr; // the current model, followed by showModel
    QString m_modelDir;                // as the current model last said
    std::shared_ptr<const Dataset> m_openDataset;
    std::shared_ptr<const PredictionResult> m_result;
    JobRunner* m_jobs; // the evaluation in progress
};

} // namespace issuebert
