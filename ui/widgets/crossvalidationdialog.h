// The Train page's Cross-validate dialog: the page's current recipe trained on
// K-1 stratified folds of the open dataset and tested on the held-out one, in
// turn, on a background thread; a results table (one row per fold, then the
// mean ± standard deviation), progress, Stop, and cv.json in the runs folder.
// What `issuebert-cli cv` does in the terminal.
#pragma once

#include "core/train/cross_validation.h"
#include "core/train/train_options.h"

#include <QDialog>

#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace issuebert {

class JobRunner;
struct Dataset;

class CrossValidationDialog : public QDialog {
    Q_OBJECT

public:
    // options: the recipe (the Train page's settings, model and training
    // path set); each cross-validation writes a new folder in runsFolder.
    CrossValidationDialog(TrainOptions options, std::shared_ptr<const Dataset> data,
                          QString runsFolder, QWidget* parent = nullptr);
    ~CrossValidationDialog() override; // stops a running job and waits for it

    bool isRunning() const;
    // The folder of the current or last cross-validation (cv.json); empty before.
    QString outFolder() const { return m_outFolder; }

    QSpinBox* foldsBox() const { return m_folds; }
    QSpinBox* repeatsBox() const { return m_repeats; }
    QSpinBox* perClassBox() const { return m_perClass; }
    QPushButton* startButton() const { return m_start; }
    QPushButton* stopButton() const { return m_stop; }
    QTableWidget* table() const { return m_table; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* statusLabel() const { return m_status; }

public Q_SLOTS:
    void start();
    // Stops after the current batch; the folds that finished stay in the table and cv.json.
    void stop();
    // Closing while a job runs stops it first.
    void reject() override;

Q_SIGNALS:
    void runningChanged(bool running);
    // A cross-validation ended (finished, stopped or failed).
    void done();

private:
    void onFoldStarted(int repeat, int fold, int runsDone, int runs);
    void onStepProgress(qint64 step, qint64 totalSteps);
    void onFoldFinished(const FoldResult& fold);
    void onCompleted(const std::shared_ptr<const CrossValidationResult>& result);
    void onFailed(const QString& message);
    void onJobIdle();
    void showSummary();
    void updateButtons();

    TrainOptions m_options;
    std::shared_ptr<const Dataset> m_data;
    QString m_runsFolder;
    QString m_outFolder;

    QSpinBox* m_folds = nullptr;
    QSpinBox* m_repeats = nullptr;
    QSpinBox* m_perClass = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_stop = nullptr;
    QPushButton* m_close = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QTableWidget* m_table = nullptr;

    std::vector<FoldResult> m_foldResults;
    int m_runsDone = 0;
    JobRunner* m_jobs = nullptr;
    bool m_closeWhenDone = false;
};

} // namespace issuebert
