// The Classify & Label page: paste an issue and watch its class probabilities
// update as you type (computed off the UI thread); accept or correct the label
// and the issue is appended to a labelled dataset file (undo the last one);
// "Next most uncertain" walks a predicted, unlabelled set by margin, so each
// label added is the most informative one; then retrain with the grown file.
#pragma once

#include "core/data/issue.h"
#include "ui/pages/page.h"

#include <memory>
#include <set>
#include <vector>

class QComboBox;
class QGroupBox;
class QLabel;
class QLayout;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTimer;
class QVBoxLayout;

namespace issuebert {

class JobRunner;
class LabelledDatasetWriter;
class ModelService;
struct PredictionResult;

class ClassifyPage : public Page {
    Q_OBJECT

public:
    // The pause after the last keystroke before the model runs.
    static constexpr int kTypingDelayMs = 250;

    // models: the app's current model, which the page follows; a page of its
    // own when none is given.
    explicit ClassifyPage(QWidget* parent = nullptr, ModelService* models = nullptr);
    ~ClassifyPage() override;

    void setModelDir(const QString& dir);
    QString modelDir() const;
    // The file new labels go to, read in the background: targetFileChanged
    // when it can take them, targetFileRefused (shown on the page) when not.
    void setTargetFile(const QString& path);
    QString targetFile() const;
    // Issues to label next, most uncertain first (smallest margin between the
    // two likeliest classes); their labelled ones are skipped.
    void setPool(std::shared_ptr<const PredictionResult> pool);

    // Shows an issue in the editor (as if pasted).
    void setIssue(const QString& title, const QString& body);
    // The last probabilities shown (empty before the first).
    std::vector<float> probabilities() const { return m_probabilities; }
    // Pool issues not yet shown or labelled.
    int remainingInPool() const;

    QLineEdit* titleEdit() const { return m_title; }
    QPlainTextEdit* bodyEdit() const { return m_body; }
    QComboBox* labelCombo() const { return m_label; }
    QComboBox* measureCombo() const { return m_measure; }
    QPushButton* addButton() const { return m_add; }
    QPushButton* undoButton() const { return m_undo; }
    QPushButton* nextButton() const { return m_next; }
    QLabel* statusLabel() const { return m_status; }

public Q_SLOTS:
    // Appends the editor's issue with the chosen label to the target file.
    void addToDataset();
    void undoLast();
    // Loads the most uncertain issue of the pool not yet labelled.
    void nextMostUncertain();

Q_SIGNALS:
    // New probabilities are shown (tests wait for this).
    void classified(const std::vector<float>& probabilities);
    void targetFileChanged(const QString& path);
    void targetFileRefused(const QString& message);
    // The file was written (count: issues added this session and not undone).
    void labelAdded(const QString& path, int count);
    void labelUndone(int count);
    // "Retrain" was pressed: open path and train again.
    void retrainRequested(const QString& path);

private:
    void requestClassification();
    void onProbabilities(quint64 id, const QVector<float>& probabilities);
    void onModelChanged(const QString& dir);
    void onModelLoaded(const QStringList& labels);
    void rebuildBars(const QStringList& labels);
    void updateControls();
    // The pool's unlabelled rows, most uncertain first by the chosen measure.
    void orderPool();
    // The writer's jobs, back in the GUI thread.
    void onAdded(const QString& label, long long poolRow, int count);
    void onUndone(int count);
    void onWriterFailed(const QString& message);
    // The constructor's parts: the widgets of each area, their signals, the
    // settings of last time.
    QLayout* buildModelRow();
    QGroupBox* buildEditor();
    QGroupBox* buildLabelBox();
    void connectActions();
    void restoreSettings();

    ModelService* m_service;
    // Opened, appended to and undone in m_writerJobs' threads, one job at a time.
    std::shared_ptr<LabelledDatasetWriter> m_writer;
    JobRunner* m_writerJobs;
    QLabel* m_modelLabel = nullptr;
    QLineEdit* m_title = nullptr;
    QPlainTextEdit* m_body = nullptr;
    QTimer* m_typing = nullptr;
    QVBoxLayout* m_barsLayout = nullptr;
    std::vector<QProgressBar*> m_bars;
    QComboBox* m_label = nullptr;
    QLabel* m_fileLabel = nullptr;
    QPushButton* m_chooseFile = nullptr;
    QPushButton* m_add = nullptr;
    QPushButton* m_undo = nullptr;
    QPushButton* m_next = nullptr;
    QComboBox* m_measure = nullptr;
    QPushButton* m_retrain = nullptr;
    QLabel* m_status = nullptr;

    quint64 m_requestId = 0;
    std::vector<float> m_probabilities;
    std::shared_ptr<const PredictionResult> m_pool;
    std::vector<std::size_t> m_order; // pool rows, most uncertain first
    std::size_t m_nextInOrder = 0;
    std::set<std::size_t> m_labelledRows;
    long long m_currentPoolRow = -1;    // the pool row in the editor, -1: typed or pasted
    bool m_userChoseLabel = false;      // the label was picked by hand: answers leave it alone
    std::vector<long long> m_addedRows; // the pool row of each addition (-1: typed), for undo
};

} // namespace issuebert
