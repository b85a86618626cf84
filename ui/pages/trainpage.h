// The Train page: pick a model, set every Trainer setting, start, stop and
// resume a run on a background thread, and watch it learn — live loss and
// metric charts, progress with ETA and speed, a log.
#pragma once

#include "core/train/events.h"
#include "core/train/train_options.h"
#include "ui/pages/page.h"

#include <QPointer>

#include <memory>
#include <vector>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSplitter;

namespace issuebert {

class CrossValidationDialog;
class JobRunner;
class ModelPicker;
class TrainSettingsForm;
class TrainingCharts;
struct Dataset;
struct TrainingRequest;

class TrainPage : public Page {
    Q_OBJECT

public:
    explicit TrainPage(QWidget* parent = nullptr);
    ~TrainPage() override;

    // The training data (the Data page's dataset) and its token counts.
    void setDataset(std::shared_ptr<const Dataset> dataset, std::vector<int> tokenLengths);
    bool hasDataset() const { return m_dataset != nullptr; }

    // Where new runs go: a folder per run inside it.
    QString runsFolder() const;
    void setRunsFolder(const QString& folder);

    bool isRunning() const;
    // The run folder of the current or last run; empty before the first.
    QString runFolder() const { return m_runFolder; }

    void saveSettings() const;

    ModelPicker* modelPicker() const { return m_model; }
    TrainSettingsForm* form() const { return m_form; }
    TrainingCharts* charts() const { return m_charts; }
    QPushButton* startButton() const { return m_start; }
    QPushButton* stopButton() const { return m_stop; }
    QPushButton* resumeButton() const { return m_resume; }
    QPushButton* crossValidateButton() const { return m_crossValidate; }
    // The Cross-validate dialog last opened; null before.
    CrossValidationDialog* crossValidationDialog() const;
    QProgressBar* progressBar() const { return m_progress; }
    QPlainTextEdit* log() const { return m_log; }
    QLabel* statusLabel() const { return m_status; }

public Q_SLOTS:
    // Starts a new run in a new folder under runsFolder().
    void startTraining();
    // Asks the run to stop after the current batch; last/ is saved for Resume.
    void stopTraining();
    // Continues the run in folder (a run folder with last/).
    void resumeTraining(const QString& folder);
    // Asks for a run folder, then resumes it.
    void chooseAndResume();
    // Shows a past run without training: its settings and its curves from
    // metrics.jsonl, read off the GUI thread; runShown when they are shown,
    // errorOccurred when folder is not a run or its log cannot be read. A
    // newer showRun or a run started replaces it.
    void showRun(const QString& folder);
    // Asks for a run folder, then shows it.
    void chooseAndShowRun();
    // Opens the Cross-validate dialog for the current settings and dataset.
    void crossValidate();

Q_SIGNALS:
    void runningChanged(bool running);
    // A run ended; bestModel is its best/ folder (empty when none was saved).
    void trainingFinished(const QString& bestModel, const issuebert::FinishedEvent& event);
    // showRun's run is on the page.
    void runShown(const QString& folder);

private:
    QWidget* buildSettings();
    QWidget* buildMonitor();
    void launch(TrainingRequest request, const QString& folder);
    // Says what is missing (errorOccurred) when a run cannot start.
    bool readyToTrain();
    // The form's settings with the dataset's path and the model.
    TrainOptions recipe() const;
    void onSteps(const QVector<StepEvent>& steps);
    void onEvaluation(const EvalEvent& event);
    void onEpochEnd(const EpochEvent& event);
    void onCheckpoint(const CheckpointEvent& event);
    void onRunFinished(const FinishedEvent& event);
    void onFailed(const QString& message);
    void onJobIdle();
    void appendLog(const QString& line);
    void updateButtons();

    ModelPicker* m_model = nullptr;
    TrainSettingsForm* m_form = nullptr;
    QLabel* m_dataLabel = nullptr;
    QLabel* m_runsLabel = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_stop = nullptr;
    QPushButton* m_resume = nullptr;
    QPushButton* m_crossValidate = nullptr;
    QPointer<CrossValidationDialog> m_crossValidation;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_speed = nullptr;
    TrainingCharts* m_charts = nullptr;
    QPlainTextEdit* m_log = nullptr;
    QSplitter* m_splitter = nullptr;

    std::shared_ptr<const Dataset> m_dataset;
    QString m_runsFolder;
    QString m_runFolder;
    QString m_bestModel;
    JobRunner* m_jobs = nullptr;  // the training run
    JobRunner* m_loads = nullptr; // showRun's reading of a past run
};

} // namespace issuebert
