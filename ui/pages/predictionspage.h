// The Predictions page: run a fine-tuned model over a file (a MachineHack
// test.json, say) in the background; a sortable, filterable table of every
// issue with its probabilities; the detail of one issue with the words that
// made its label; a confidence threshold with what it would automate; CSV export.
#pragma once

#include "core/data/dataset.h"
#include "ui/pages/page.h"
#include "ui/workers/jobrunner.h"

#include <memory>
#include <vector>

class QCheckBox;
class QDoubleSpinBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSlider;
class QTableView;
class QTextBrowser;
class QTimer;

namespace issuebert {

class ModelService;
class PredictionsFilterProxy;
class PredictionsTableModel;
struct Attribution;
struct CoveragePoint;
struct PredictionResult;

class PredictionsPage : public Page {
    Q_OBJECT

public:
    // models: the app's current model, which the page follows; a page of its
    // own when none is given.
    explicit PredictionsPage(QWidget* parent = nullptr, ModelService* models = nullptr);
    ~PredictionsPage() override;

    // Makes dir the current model: this page and every page that follows it show it.
    void setModelDir(const QString& dir);
    QString modelDir() const { return m_modelDir; }
    // Labelled results of the same model (the Evaluate page's) for the
    // threshold figures when the predicted file has no labels.
    void setReferenceResult(std::shared_ptr<const PredictionResult> result);

    bool isRunning() const { return m_jobs->isBusy(); }
    std::shared_ptr<const PredictionResult> result() const { return m_result; }

    // Writes the rows as CSV (all, or the filtered ones in view order);
    // false with *error naming the file on failure.
    bool exportCsv(const QString& path, bool shownOnly, QString* error);
    // The coverage text the threshold slider shows.
    QString coverageText() const;

    PredictionsTableModel* model() const { return m_model; }
    PredictionsFilterProxy* proxy() const { return m_proxy; }
    QTableView* table() const { return m_table; }
    QSlider* thresholdSlider() const { return m_threshold; }
    QLineEdit* searchEdit() const { return m_search; }
    QCheckBox* misclassifiedBox() const { return m_misclassified; }
    QTextBrowser* detail() const { return m_detail; }
    QLabel* countLabel() const { return m_count; }
    QLabel* summaryLabel() const { return m_summary; }
    QPushButton* explainButton() const { return m_explain; }

public Q_SLOTS:
    // Asks for a file, then predicts it.
    void chooseAndPredict();
    void predictFile(const QString& path);
    void cancel();
    // Asks for a CSV path and exports (shownOnly: the filtered rows).
    void chooseAndExport(bool shownOnly);
    // Token attributions of the selected issue into the detail pane.
    void explainSelected();

Q_SIGNALS:
    void predicted(std::shared_ptr<const issuebert::PredictionResult> result);
    void explained(const QString& html);

private:
    void showModel(const QString& dir);
    QWidget* buildFilters();
    void onResult(std::shared_ptr<const PredictionResult> result);
    void rebuildClassFilters();
    void applyFilters();
    void showDetail();
    void onExplanation(quint64 id, const Attribution& attribution);
    void updateCoverage();
    void updateControls();
    int selectedRow() const; // source row, -1 without a selection

    QLabel* m_modelLabel = nullptr;
    QPushButton* m_predict = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_export = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_summary = nullptr;
    QHBoxLayout* m_classRow = nullptr;
    std::vector<QCheckBox*> m_classBoxes;
    QDoubleSpinBox* m_minConfidence = nullptr;
    QDoubleSpinBox* m_maxConfidence = nullptr;
    QCheckBox* m_misclassified = nullptr;
    QLineEdit* m_search = nullptr;
    QTimer* m_searchDelay = nullptr;
    QLabel* m_count = nullptr;
    QSlider* m_threshold = nullptr;
    QLabel* m_coverage = nullptr;
    PredictionsTableModel* m_model = nullptr;
    PredictionsFilterProxy* m_proxy = nullptr;
    QTableView* m_table = nullptr;
    QTextBrowser* m_detail = nullptr;
    QPushButton* m_explain = nullptr;

    ModelService* m_service = nullptr; // the current model, followed by showModel
    QString m_modelDir;                // as the current model last said
    std::shared_ptr<const PredictionResult> m_result;
    std::shared_ptr<const PredictionResult> m_reference;
    std::vector<CoveragePoint> m_curve;
    JobRunner* m_jobs; // the prediction in progress
    quint64 m_explainId = 0;
    int m_explainRow = -1;
};

} // namespace issuebert
