// The Train page: settings, the training worker and the live monitor.
#include "ui/pages/trainpage.h"

#include "core/data/dataset.h"
#include "core/io/errors.h"
#include "core/train/metrics_log.h"
#include "core/train/trainer.h"
#include "ui/format.h"
#include "ui/runfolder.h"
#include "ui/settings.h"
#include "ui/widgets/crossvalidationdialog.h"
#include "ui/widgets/downloaddialog.h"
#include "ui/widgets/modelpicker.h"
#include "ui/widgets/trainingcharts.h"
#include "ui/widgets/trainsettingsform.h"
#include "ui/workers/jobrunner.h"
#include "ui/workers/trainingworker.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QStandardPaths>
#include <QTime>
#include <QVBoxLayout>

#include <cmath>
#include <filesystem>

namespace issuebert {

namespace {

// Lines the log keeps.
constexpr int kLogLines = 5000;

QString percent(double value) {
    return QLocale().toString(100.0 * value, 'f', 1) + QStringLiteral(" %");
}

QString defaultRunsFolder() {
    const QString documents = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    return QDir(documents.isEmpty() ? QDir::homePath() : documents)
        .filePath(QStringLiteral("IssueBERT/runs"));
}

// A past run as showRun reads it, off the GUI thread.
struct ShownRun {
    TrainOptions options;
    std::vector<LoggedEvent> events;
};

} // namespace

TrainPage::TrainPage(QWidget* parent)
    : Page(tr("Training"), parent), m_jobs(new JobRunner(this)), m_loads(new JobRunner(this)) {
    setObjectName(QStringLiteral("trainPage"));
    connect(m_jobs, &JobRunner::idle, this, &TrainPage::onJobIdle);
    m_runsFolder = settings::kRunsFolder.get(defaultRunsFolder());
    auto* layout = new QHBoxLayout(this);
    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("trainSplitter"));
    m_splitter->addWidget(buildSettings());
    m_splitter->addWidget(buildMonitor());
    m_splitter->setStretchFactor(1, 1);
    layout->addWidget(m_splitter);
    if (!m_splitter->restoreState(settings::kTrainSplitter.get())) {
        m_splitter->setSizes({480, 900});
    }
    m_form->restoreSettings();
    // Saved as it changes (after the restore, which would save half a form).
    connect(m_form, &TrainSettingsForm::changed, m_form, [this] { m_form->saveSettings(); });
    updateButtons();
}

TrainPage::~TrainPage() {
    // A closing window stops the run: it saves last/ at the current batch.
    m_jobs->stop();
    m_jobs->waitForIdle();
    m_loads->cancel();
    m_loads->waitForIdle();
}

bool TrainPage::isRunning() const {
    return m_jobs->isBusy();
}

QWidget* TrainPage::buildSettings() {
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("trainSettingsScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* content = new QWidget(scroll);
    auto* layout = new QVBoxLayout(content);

    auto* modelBox = new QGroupBox(tr("Pretrained model"), content);
    auto* modelLayout = new QVBoxLayout(modelBox);
    m_model = new ModelPicker(modelBox);
    modelLayout->addWidget(m_model);
    connect(m_model, &ModelPicker::downloadRequested, this, [this] {
        auto* dialog = new DownloadDialog(this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &DownloadDialog::downloaded, this, [this](const QString& snapshot) {
            m_model->refresh();
            m_model->setModelDir(snapshot);
        });
        dialog->open();
    });
    layout->addWidget(modelBox);

    auto* dataBox = new QGroupBox(tr("Training data"), content);
    auto* dataLayout = new QVBoxLayout(dataBox);
    m_dataLabel = new QLabel(tr("Open a labelled dataset on the Data page (Ctrl+O)."), dataBox);
    m_dataLabel->setObjectName(QStringLiteral("trainDataLabel"));
    m_dataLabel->setWordWrap(true);
    dataLayout->addWidget(m_dataLabel);
    m_crossValidate = new QPushButton(tr("Cross-validate…"), dataBox);
    m_crossValidate->setObjectName(QStringLiteral("crossValidate"));
    m_crossValidate->setToolTip(tr("Measure these settings on held-out folds of the data before "
                                   "training for real (F6)."));
    connect(m_crossValidate, &QPushButton::clicked, this, &TrainPage::crossValidate);
    dataLayout->addWidget(m_crossValidate, 0, Qt::AlignLeft);
    layout->addWidget(dataBox);

    m_form = new TrainSettingsForm(content);
    layout->addWidget(m_form);
    connect(m_form, &TrainSettingsForm::changed, this, [this] { updateButtons(); });

    auto* runsBox = new QGroupBox(tr("Runs"), content);
    auto* runsLayout = new QHBoxLayout(runsBox);
    m_runsLabel = new QLabel(QDir::toNativeSeparators(m_runsFolder), runsBox);
    m_runsLabel->setObjectName(QStringLiteral("runsFolderLabel"));
    m_runsLabel->setWordWrap(true);
    m_runsLabel->setToolTip(tr("Each run gets a folder here: best/ (the best model), last/ (to "
                               "resume), metrics.jsonl and config.json."));
    auto* change = new QPushButton(tr("Change…"), runsBox);
    connect(change, &QPushButton::clicked, this, [this] {
        const QString folder =
            QFileDialog::getExistingDirectory(this, tr("Folder for Training Runs"), m_runsFolder);
        if (!folder.isEmpty()) {
            setRunsFolder(folder);
        }
    });
    runsLayout->addWidget(m_runsLabel, 1);
    runsLayout->addWidget(change);
    layout->addWidget(runsBox);
    scroll->setWidget(content);
    // Wide enough for the form: no horizontal scrolling, only vertical.
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(content->sizeHint().width() +
                            scroll->verticalScrollBar()->sizeHint().width() + 4);
    return scroll;
}

QWidget* TrainPage::buildMonitor() {
    auto* monitor = new QWidget(this);
    auto* layout = new QVBoxLayout(monitor);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* buttons = new QHBoxLayout;
    m_start = new QPushButton(QIcon::fromTheme(QStringLiteral("media-playback-start")),
                              tr("Start Training"), monitor);
    m_start->setObjectName(QStringLiteral("startTraining"));
    m_start->setToolTip(tr("Fine-tune the model on the training data (F5)."));
    m_stop = new QPushButton(QIcon::fromTheme(QStringLiteral("media-playback-stop")), tr("Stop"),
                             monitor);
    m_stop->setObjectName(QStringLiteral("stopTraining"));
    m_stop->setToolTip(tr("Stop after the current batch; the best model is kept and the run can "
                          "be resumed (Shift+F5)."));
    m_resume = new QPushButton(tr("Resume…"), monitor);
    m_resume->setObjectName(QStringLiteral("resumeTraining"));
    m_resume->setToolTip(tr("Continue a stopped run exactly where it left off."));
    buttons->addWidget(m_start);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_resume);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    connect(m_start, &QPushButton::clicked, this, &TrainPage::startTraining);
    connect(m_stop, &QPushButton::clicked, this, &TrainPage::stopTraining);
    connect(m_resume, &QPushButton::clicked, this, &TrainPage::chooseAndResume);

    m_progress = new QProgressBar(monitor);
    m_progress->setObjectName(QStringLiteral("trainProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("Not started"));
    layout->addWidget(m_progress);
    auto* statusRow = new QHBoxLayout;
    m_status = new QLabel(monitor);
    m_status->setObjectName(QStringLiteral("trainStatus"));
    m_speed = new QLabel(monitor);
    m_speed->setObjectName(QStringLiteral("trainSpeed"));
    m_speed->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_speed);
    layout->addLayout(statusRow);

    auto* split = new QSplitter(Qt::Vertical, monitor);
    m_charts = new TrainingCharts(split);
    m_log = new QPlainTextEdit(split);
    m_log->setObjectName(QStringLiteral("trainLog"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(kLogLines);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    split->addWidget(m_charts);
    split->addWidget(m_log);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);
    return monitor;
}

void TrainPage::setDataset(std::shared_ptr<const Dataset> dataset, std::vector<int> tokenLengths) {
    m_dataset = std::move(dataset);
    m_form->setTokenLengths(std::move(tokenLengths));
    if (!m_dataset) {
        m_dataLabel->setText(tr("Open a labelled dataset on the Data page (Ctrl+O)."));
    } else {
        long long labelled = 0;
        for (const auto& issue : m_dataset->issues) {
            labelled += issue.label >= 0 ? 1 : 0;
        }
        m_dataLabel->setText(tr("%1: %2 issues, %3 labelled, %4 classes.")
                                 .arg(QFileInfo(QString::fromStdString(m_dataset->path)).fileName(),
                                      QLocale().toString(static_cast<qlonglong>(m_dataset->size())),
                                      QLocale().toString(labelled),
                                      QString::number(m_dataset->labels.size())));
        m_dataLabel->setToolTip(QString::fromStdString(m_dataset->path));
    }
    updateButtons();
}

QString TrainPage::runsFolder() const {
    return m_runsFolder;
}

void TrainPage::setRunsFolder(const QString& folder) {
    m_runsFolder = folder;
    m_runsLabel->setText(QDir::toNativeSeparators(folder));
    settings::kRunsFolder.set(folder);
}

void TrainPage::saveSettings() const {
    m_form->saveSettings();
    settings::kTrainSplitter.set(m_splitter->saveState());
}

void TrainPage::startTraining() {
    if (isRunning()) {
        return;
    }
    if (!readyToTrain()) {
        return;
    }
    const QString stem = QFileInfo(QString::fromStdString(m_dataset->path)).completeBaseName();
    const QString folder = newRunFolder(m_runsFolder, stem);
    if (!QDir().mkpath(m_runsFolder)) {
        Q_EMIT errorOccurred(
            tr("Cannot create the runs folder %1.").arg(QDir::toNativeSeparators(m_runsFolder)));
        return;
    }
    TrainingRequest request;
    request.options = recipe();
    request.options.outDir = folder.toStdString();
    request.train = m_dataset;
    m_charts->clear();
    m_log->clear();
    launch(std::move(request), folder);
}

bool TrainPage::readyToTrain() {
    if (!m_dataset) {
        Q_EMIT errorOccurred(
            tr("No training data: open a labelled dataset on the Data page first."));
        return false;
    }
    if (m_model->modelDir().isEmpty()) {
        Q_EMIT errorOccurred(tr("No pretrained model: choose a model folder or download one."));
        return false;
    }
    const QStringList problems = m_form->problems();
    if (!problems.isEmpty()) {
        Q_EMIT errorOccurred(
            tr("The settings cannot start a run:\n%1").arg(problems.join(QLatin1Char('\n'))));
        return false;
    }
    return true;
}

TrainOptions TrainPage::recipe() const {
    TrainOptions options = m_form->options();
    options.trainPath = m_dataset ? m_dataset->path : std::string();
    options.model = m_model->modelDir().toStdString();
    return options;
}

CrossValidationDialog* TrainPage::crossValidationDialog() const {
    return m_crossValidation;
}

void TrainPage::crossValidate() {
    if (isRunning() || (m_crossValidation && m_crossValidation->isRunning())) {
        return;
    }
    if (!readyToTrain()) {
        return;
    }
    if (!QDir().mkpath(m_runsFolder)) {
        Q_EMIT errorOccurred(
            tr("Cannot create the runs folder %1.").arg(QDir::toNativeSeparators(m_runsFolder)));
        return;
    }
    TrainOptions options = recipe();
    options.valPath.clear(); // the validation split comes from each fold's training part
    delete m_crossValidation;
    m_crossValidation = new CrossValidationDialog(options, m_dataset, m_runsFolder, this);
    m_crossValidation->setWindowModality(Qt::WindowModal);
    m_crossValidation->open();
}

void TrainPage::chooseAndResume() {
    const QString start = settings::kLastRun.get(m_runsFolder);
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Resume a Run"), start);
    if (!folder.isEmpty()) {
        resumeTraining(folder);
    }
}

void TrainPage::chooseAndShowRun() {
    const QString start = settings::kLastRun.get(m_runsFolder);
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open a Run"), start);
    if (!folder.isEmpty()) {
        showRun(folder);
    }
}

void TrainPage::showRun(const QString& folder) {
    if (isRunning()) {
        return;
    }
    std::function<ShownRun(const JobRunner::Context&)> read =
        [dir = folder.toStdString()](const JobRunner::Context&) {
            ShownRun run;
            run.options = readRunOptions(dir);
            run.events = readMetricsLog((std::filesystem::path(dir) / "metrics.jsonl").string());
            return run;
        };
    m_loads->run<ShownRun>(
        QStringLiteral("RunLoad"), std::move(read),
        [this, folder](const ShownRun& run) {
            m_charts->showEvents(run.events, folder);
            m_form->setOptions(run.options);
            m_runFolder = folder;
            m_log->clear();
            appendLog(tr("Showing the run in %1").arg(QDir::toNativeSeparators(folder)));
            const QString best = QDir(folder).filePath(QStringLiteral("best"));
            const bool hasBest = QFileInfo::exists(best + QStringLiteral("/config.json"));
            m_progress->setRange(0, 1);
            m_progress->setValue(1);
            m_progress->setFormat(tr("Run %1").arg(QFileInfo(folder).fileName()));
            m_status->setText(hasBest ? tr("Best model: %1").arg(QDir::toNativeSeparators(best))
                                      : tr("This run saved no best model yet."));
            m_speed->clear();
            if (hasBest) {
                m_bestModel = best;
            }
            Q_EMIT runShown(folder);
        },
        [this](const QString& message) { Q_EMIT errorOccurred(message); });
}

void TrainPage::resumeTraining(const QString& folder) {
    if (isRunning()) {
        return;
    }
    const std::string dir = folder.toStdString();
    if (!canResume(dir)) {
        Q_EMIT errorOccurred(tr("%1 cannot be resumed: it holds no config.json, so it is not "
                                "a training run (any run IssueBERT started can be resumed).")
                                 .arg(QDir::toNativeSeparators(folder)));
        return;
    }
    TrainOptions options;
    try {
        options = readRunOptions(dir);
    } catch (const std::exception& error) {
        Q_EMIT errorOccurred(QString::fromStdString(error.what()));
        return;
    }
    const QString trainPath = QString::fromStdString(options.trainPath);
    if (!m_dataset || QFileInfo(QString::fromStdString(m_dataset->path)).absoluteFilePath() !=
                          QFileInfo(trainPath).absoluteFilePath()) {
        Q_EMIT errorOccurred(tr("This run trained on %1. Open that file on the Data page, then "
                                "resume.")
                                 .arg(QDir::toNativeSeparators(trainPath)));
        return;
    }
    options.outDir = dir;
    m_form->setOptions(options);
    TrainingRequest request;
    request.options = options;
    request.train = m_dataset;
    request.resume = true;
    m_charts->clear();
    m_log->clear();
    launch(std::move(request), folder);
}

void TrainPage::launch(TrainingRequest request, const QString& folder) {
    m_loads->cancel(); // a past run still being read would replace this one's charts
    m_runFolder = folder;
    m_bestModel.clear();
    settings::kLastRun.set(folder);
    appendLog(tr("%1 %2").arg(request.resume ? tr("Resuming") : tr("Training into"),
                              QDir::toNativeSeparators(folder)));
    TrainingHandlers handlers;
    // A resumed run's curves so far, from its own record: up to the checkpoint
    // it continues from (what was logged after it is logged again).
    handlers.history = [this, folder](const std::vector<LoggedEvent>& events) {
        m_charts->showEvents(events, folder);
    };
    handlers.historyUnreadable = [this](const QString& error) {
        appendLog(tr("Earlier curves not shown: %1").arg(error));
    };
    handlers.message = [this](const QString& text) { appendLog(text); };
    handlers.steps = [this](const QVector<StepEvent>& steps) { onSteps(steps); };
    handlers.evaluated = [this](const EvalEvent& event) { onEvaluation(event); };
    handlers.epochEnded = [this](const EpochEvent& event) { onEpochEnd(event); };
    handlers.checkpointSaved = [this](const CheckpointEvent& event) { onCheckpoint(event); };
    runTrainingJob(
        *m_jobs, std::move(request), std::move(handlers),
        [this](const FinishedEvent& event) { onRunFinished(event); },
        [this](const QString& message) { onFailed(message); });
    m_progress->setRange(0, 0); // busy until the first step
    m_progress->setFormat(tr("Preparing…"));
    m_status->setText(tr("Tokenizing and loading the model…"));
    m_speed->clear();
    updateButtons();
    Q_EMIT runningChanged(true);
}

void TrainPage::stopTraining() {
    if (!isRunning() || m_jobs->isStopping()) {
        return;
    }
    m_jobs->stop();
    m_status->setText(tr("Stopping after this batch…"));
    updateButtons();
}

void TrainPage::onSteps(const QVector<StepEvent>& steps) {
    if (steps.isEmpty()) {
        return;
    }
    for (const StepEvent& step : steps) {
        m_charts->addStep(step);
    }
    const StepEvent& last = steps.back();
    const int total = static_cast<int>(std::min<long long>(last.totalSteps, 2'000'000'000));
    m_progress->setRange(0, std::max(1, total));
    m_progress->setValue(static_cast<int>(std::min<long long>(last.step, total)));
    m_progress->setFormat(
        tr("Epoch %1 of %2 · step %3 of %4 · %p%")
            .arg(last.epoch)
            .arg(last.epochs)
            .arg(QLocale().toString(last.step), QLocale().toString(last.totalSteps)));
    if (!m_jobs->isStopping()) {
        m_status->setText(tr("Loss %1 · learning rate %2 · elapsed %3 · %4 left")
                              .arg(QLocale().toString(last.loss, 'f', 4),
                                   QLocale::c().toString(last.learningRate, 'g', 3),
                                   durationText(last.elapsedSeconds),
                                   durationText(last.etaSeconds)));
    }
    m_speed->setText(tr("%1 issues/s · %2 tokens/s")
                         .arg(QLocale().toString(last.samplesPerSecond, 'f', 1),
                              QLocale().toString(last.tokensPerSecond, 'f', 0)));
}

void TrainPage::onEvaluation(const EvalEvent& event) {
    m_charts->addEvaluation(event);
    appendLog(tr("Evaluation at step %1: accuracy %2, macro F1 %3, validation loss %4%5")
                  .arg(QLocale().toString(event.step), percent(event.metrics.accuracy),
                       QLocale().toString(event.metrics.macroF1, 'f', 3),
                       QLocale().toString(event.loss, 'f', 4),
                       event.improved ? tr(" — new best") : QString()));
}

void TrainPage::onEpochEnd(const EpochEvent& event) {
    m_charts->addEpochEnd(event);
    appendLog(tr("Epoch %1 of %2 done in %3: training loss %4, padding %5")
                  .arg(event.epoch)
                  .arg(event.epochs)
                  .arg(durationText(event.seconds), QLocale().toString(event.trainLoss, 'f', 4),
                       percent(event.paddingFraction)));
}

void TrainPage::onCheckpoint(const CheckpointEvent& event) {
    const QString path = QString::fromStdString(event.path);
    if (event.kind == CheckpointKind::Best) {
        m_bestModel = path;
        appendLog(tr("Saved the best model to %1").arg(QDir::toNativeSeparators(path)));
    }
}

void TrainPage::onRunFinished(const FinishedEvent& event) {
    const QString message = QString::fromStdString(event.message);
    if (m_progress->maximum() == 0) {
        m_progress->setRange(0, 1); // ended before the first step: no busy bar left behind
        m_progress->setValue(0);
    }
    if (!event.bestPath.empty()) {
        m_bestModel = QString::fromStdString(event.bestPath);
    }
    switch (event.outcome) {
    case RunOutcome::Finished:
    case RunOutcome::EarlyStopped:
        m_progress->setRange(0, 1);
        m_progress->setValue(1);
        m_progress->setFormat(event.outcome == RunOutcome::Finished ? tr("Finished")
                                                                    : tr("Stopped early"));
        m_status->setText(message);
        break;
    case RunOutcome::Cancelled:
        m_progress->setFormat(tr("Stopped — Resume continues from here"));
        m_status->setText(message);
        break;
    case RunOutcome::Failed:
        m_progress->setFormat(tr("Failed"));
        m_status->setText(message);
        Q_EMIT errorOccurred(message);
        break;
    }
    appendLog(message);
    Q_EMIT statusMessage(message);
    Q_EMIT trainingFinished(m_bestModel, event);
}

void TrainPage::onFailed(const QString& message) {
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("Could not start"));
    m_status->setText(message);
    appendLog(message);
    Q_EMIT errorOccurred(message);
}

void TrainPage::onJobIdle() {
    updateButtons();
    Q_EMIT runningChanged(false);
}

void TrainPage::appendLog(const QString& line) {
    m_log->appendPlainText(QTime::currentTime().toString(QStringLiteral("HH:mm:ss  ")) + line);
}

void TrainPage::updateButtons() {
    const bool running = isRunning();
    m_start->setEnabled(!running && m_dataset && m_form->problems().isEmpty());
    m_stop->setEnabled(running && !m_jobs->isStopping());
    m_resume->setEnabled(!running);
    m_crossValidate->setEnabled(!running && m_dataset && m_form->problems().isEmpty());
    m_form->setEnabled(!running);
    m_model->setEnabled(!running);
}

} // namespace issuebert
