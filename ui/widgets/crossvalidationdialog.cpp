// The Cross-validate dialog (see crossvalidationdialog.h).
#include "ui/widgets/crossvalidationdialog.h"

#include "core/data/dataset.h"
#include "core/text/issue_cleanup.h"
#include "ui/format.h"
#include "ui/runfolder.h"
#include "ui/settings.h"
#include "ui/workers/crossvalidationworker.h"
#include "ui/workers/jobrunner.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace issuebert {

namespace {

enum Column { ColRun, ColTrain, ColTest, ColBestEpoch, ColMacroF1, ColAccuracy, ColTime, ColCount };

QString score(double value) {
    return QLocale().toString(value, 'f', 4);
}

QTableWidgetItem* cell(const QString& text, bool number = true) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    if (number) {
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    return item;
}

// The recipe in one line: what every fold trains with.
QString recipe(const TrainOptions& o) {
    const QString model = o.model.empty() ? QObject::tr("the default model")
                                          : QFileInfo(QString::fromStdString(o.model)).fileName();
    const QString epochs =
        o.epochs == kAutoEpochs ? QObject::tr("auto") : QString::number(o.epochs);
    const QString lr = o.learningRate == kAutoLearningRate
                           ? QObject::tr("auto")
                           : QLocale::c().toString(o.learningRate, 'g', 3);
    return QObject::tr("Model %1 · max length %2 · epochs %3 · learning rate %4 · batch %5 · "
                       "clean-up %6")
        .arg(model)
        .arg(o.encoder.maxLength)
        .arg(epochs, lr)
        .arg(o.batchSize)
        .arg(QString::fromStdString(cleanupName(o.encoder.cleanup)));
}

} // namespace

CrossValidationDialog::CrossValidationDialog(TrainOptions options,
                                             std::shared_ptr<const Dataset> data,
                                             QString runsFolder, QWidget* parent)
    : QDialog(parent), m_options(std::move(options)), m_data(std::move(data)),
      m_runsFolder(std::move(runsFolder)), m_jobs(new JobRunner(this)) {
    setObjectName(QStringLiteral("crossValidationDialog"));
    connect(m_jobs, &JobRunner::idle, this, &CrossValidationDialog::onJobIdle);
    setWindowTitle(tr("Cross-validate"));
    auto* layout = new QVBoxLayout(this);

    auto* intro = new QLabel(
        tr("How well would this recipe sort issues it has never seen? The labelled issues are "
           "split into stratified folds; each fold in turn is held out while a model trains on "
           "the others with the Train page's settings, then it is tested on the held-out fold. "
           "Each fold takes about as long as one training run."),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* recipeLabel = new QLabel(recipe(m_options), this);
    recipeLabel->setObjectName(QStringLiteral("recipeLabel"));
    recipeLabel->setWordWrap(true);
    recipeLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(recipeLabel);

    auto* form = new QFormLayout;
    m_folds = new QSpinBox(this);
    m_folds->setObjectName(QStringLiteral("foldsBox"));
    m_folds->setRange(2, 20);
    m_folds->setValue(settings::kFolds.get(5));
    m_folds->setToolTip(tr("How many parts the issues are split into; each is held out once."));
    form->addRow(tr("&Folds:"), m_folds);
    m_repeats = new QSpinBox(this);
    m_repeats->setObjectName(QStringLiteral("repeatsBox"));
    m_repeats->setRange(1, 10);
    m_repeats->setValue(settings::kRepeats.get(1));
    m_repeats->setToolTip(tr("Repeat with the folds reshuffled (the seed plus the repeat)."));
    form->addRow(tr("&Repeats:"), m_repeats);
    m_perClass = new QSpinBox(this);
    m_perClass->setObjectName(QStringLiteral("perClassBox"));
    m_perClass->setRange(0, 1'000'000);
    m_perClass->setSingleStep(50);
    m_perClass->setSpecialValueText(tr("all"));
    m_perClass->setValue(settings::kPerClass.get(0));
    m_perClass->setToolTip(tr("Train each fold on at most this many issues per class (a point of "
                              "a learning curve); the held-out folds stay whole."));
    form->addRow(tr("Training issues &per class:"), m_perClass);
    layout->addLayout(form);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("crossValidationProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("Not started"));
    layout->addWidget(m_progress);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("crossValidationStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);

    m_table = new QTableWidget(0, ColCount, this);
    m_table->setObjectName(QStringLiteral("crossValidationTable"));
    m_table->setHorizontalHeaderLabels({tr("Held out"), tr("Training issues"), tr("Test issues"),
                                        tr("Best epoch"), tr("Macro-F1"), tr("Accuracy"),
                                        tr("Training time")});
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setMinimumHeight(160);
    layout->addWidget(m_table, 1);

    auto* buttons = new QDialogButtonBox(this);
    m_start = buttons->addButton(tr("&Start"), QDialogButtonBox::ActionRole);
    m_start->setObjectName(QStringLiteral("crossValidateStart"));
    m_start->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_start->setToolTip(tr("Start the cross-validation (Ctrl+Return)"));
    m_start->setDefault(true);
    m_stop = buttons->addButton(tr("S&top"), QDialogButtonBox::ActionRole);
    m_stop->setObjectName(QStringLiteral("crossValidateStop"));
    m_stop->setToolTip(tr("Stop after the current batch; the folds that finished are kept"));
    m_close = buttons->addButton(QDialogButtonBox::Close);
    layout->addWidget(buttons);
    connect(m_start, &QPushButton::clicked, this, &CrossValidationDialog::start);
    connect(m_stop, &QPushButton::clicked, this, &CrossValidationDialog::stop);
    connect(m_close, &QPushButton::clicked, this, &CrossValidationDialog::reject);
    resize(760, 480);
    updateButtons();
}

CrossValidationDialog::~CrossValidationDialog() {
    m_jobs->stop();
    m_jobs->waitForIdle();
}

bool CrossValidationDialog::isRunning() const {
    return m_jobs->isBusy();
}

void CrossValidationDialog::start() {
    if (isRunning()) {
        return;
    }
    if (!m_data) {
        m_status->setText(tr("No training data: open a labelled dataset on the Data page first."));
        return;
    }
    settings::kFolds.set(m_folds->value());
    settings::kRepeats.set(m_repeats->value());
    settings::kPerClass.set(m_perClass->value());

    const QString stem = QFileInfo(QString::fromStdString(m_data->path)).completeBaseName();
    const QString folder = newRunFolder(m_runsFolder, QStringLiteral("cv-") + stem);
    CrossValidationRequest request;
    request.options = m_options;
    request.options.outDir = folder.toStdString();
    request.data = m_data;
    request.cv.folds = m_folds->value();
    request.cv.repeats = m_repeats->value();
    request.cv.trainPerClass = m_perClass->value();
    m_outFolder = folder;
    m_foldResults.clear();
    m_table->setRowCount(0);
    m_runsDone = 0;
    m_progress->setRange(0, 0); // busy until the first fold reports
    m_progress->setFormat(tr("Preparing the folds…"));
    m_status->setText(tr("Cross-validating into %1").arg(QDir::toNativeSeparators(folder)));

    CrossValidationHandlers handlers;
    handlers.foldStarted = [this](int repeat, int fold, int runsDone, int runs) {
        onFoldStarted(repeat, fold, runsDone, runs);
    };
    handlers.stepProgress = [this](qint64 step, qint64 total) { onStepProgress(step, total); };
    handlers.foldFinished = [this](const FoldResult& fold) { onFoldFinished(fold); };
    runCrossValidationJob(
        *m_jobs, std::move(request), std::move(handlers),
        [this](const std::shared_ptr<const CrossValidationResult>& result) { onCompleted(result); },
        [this](const QString& message) { onFailed(message); });
    updateButtons();
    Q_EMIT runningChanged(true);
}

void CrossValidationDialog::stop() {
    if (!isRunning()) {
        return;
    }
    m_jobs->stop();
    m_stop->setEnabled(false);
    m_progress->setFormat(tr("Stopping after the current batch…"));
}

void CrossValidationDialog::reject() {
    if (isRunning()) {
        m_closeWhenDone = true;
        stop();
        return;
    }
    QDialog::reject();
}

void CrossValidationDialog::onFoldStarted(int repeat, int fold, int runsDone, int runs) {
    m_runsDone = runsDone;
    m_progress->setRange(0, 1000 * runs);
    m_progress->setValue(1000 * runsDone);
    m_progress->setFormat(m_repeats->value() > 1
                              ? tr("Repeat %1, fold %2 held out (run %3 of %4)")
                                    .arg(repeat + 1)
                                    .arg(fold + 1)
                                    .arg(runsDone + 1)
                                    .arg(runs)
                              : tr("Fold %1 of %2 held out").arg(fold + 1).arg(runs));
}

void CrossValidationDialog::onStepProgress(qint64 step, qint64 totalSteps) {
    if (totalSteps <= 0 || m_progress->maximum() == 0) {
        return;
    }
    const auto within = static_cast<int>(std::min<qint64>(1000, 1000 * step / totalSteps));
    m_progress->setValue(1000 * m_runsDone + within);
}

void CrossValidationDialog::onFoldFinished(const FoldResult& fold) {
    m_foldResults.push_back(fold);
    m_runsDone = static_cast<int>(m_foldResults.size());
    m_progress->setValue(1000 * m_runsDone);
    showSummary();
}

// A row per finished fold, then the mean ± standard deviation over them.
void CrossValidationDialog::showSummary() {
    const bool repeats = m_repeats->value() > 1;
    const int folds = static_cast<int>(m_foldResults.size());
    m_table->setRowCount(folds + (folds > 0 ? 1 : 0));
    std::vector<double> macroF1, accuracy, seconds;
    for (int row = 0; row < folds; ++row) {
        const FoldResult& fold = m_foldResults[static_cast<std::size_t>(row)];
        const QString name = repeats
                                 ? tr("repeat %1, fold %2").arg(fold.repeat + 1).arg(fold.fold + 1)
                                 : tr("fold %1").arg(fold.fold + 1);
        m_table->setItem(row, ColRun, cell(name, false));
        m_table->setItem(row, ColTrain,
                         cell(QLocale().toString(static_cast<qlonglong>(fold.trainIssues))));
        m_table->setItem(row, ColTest,
                         cell(QLocale().toString(static_cast<qlonglong>(fold.testIssues))));
        m_table->setItem(row, ColBestEpoch, cell(QString::number(fold.bestEpoch)));
        m_table->setItem(row, ColMacroF1, cell(score(fold.test.macroF1)));
        m_table->setItem(row, ColAccuracy, cell(score(fold.test.accuracy)));
        m_table->setItem(row, ColTime, cell(durationText(fold.trainSeconds)));
        macroF1.push_back(fold.test.macroF1);
        accuracy.push_back(fold.test.accuracy);
        seconds.push_back(fold.trainSeconds);
    }
    if (folds == 0) {
        return;
    }
    const MeanStd f1 = meanStd(macroF1);
    const MeanStd acc = meanStd(accuracy);
    const MeanStd time = meanStd(seconds);
    const auto pm = [](const MeanStd& v) {
        return score(v.mean) + QStringLiteral(" ± ") + score(v.std);
    };
    auto* label = cell(tr("mean ± std"), false);
    QFont bold = label->font();
    bold.setBold(true);
    const int row = folds;
    m_table->setItem(row, ColRun, label);
    m_table->setItem(row, ColTrain, cell(QString()));
    m_table->setItem(row, ColTest, cell(QString()));
    m_table->setItem(row, ColBestEpoch, cell(QString()));
    m_table->setItem(row, ColMacroF1, cell(pm(f1)));
    m_table->setItem(row, ColAccuracy, cell(pm(acc)));
    m_table->setItem(row, ColTime, cell(durationText(time.mean)));
    for (int column = 0; column < ColCount; ++column) {
        m_table->item(row, column)->setFont(bold);
    }
}

void CrossValidationDialog::onCompleted(
    const std::shared_ptr<const CrossValidationResult>& result) {
    const QString where = QDir::toNativeSeparators(m_outFolder + QStringLiteral("/cv.json"));
    m_progress->setRange(0, 1);
    m_progress->setValue(result->cancelled ? 0 : 1);
    if (result->cancelled) {
        m_progress->setFormat(tr("Stopped"));
        m_status->setText(result->folds.empty()
                              ? tr("Stopped before a fold finished: nothing was measured.")
                              : tr("Stopped after %n fold(s); they are kept in %1.", nullptr,
                                   static_cast<int>(result->folds.size()))
                                    .arg(where));
        return;
    }
    m_progress->setFormat(tr("Done"));
    m_status->setText(tr("Macro-F1 %1 ± %2 over %n run(s). Every fold's metrics: %3", nullptr,
                         static_cast<int>(result->folds.size()))
                          .arg(score(result->macroF1.mean), score(result->macroF1.std), where));
}

void CrossValidationDialog::onFailed(const QString& message) {
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("Failed"));
    m_status->setText(tr("The cross-validation could not finish: %1").arg(message));
}

void CrossValidationDialog::onJobIdle() {
    updateButtons();
    Q_EMIT runningChanged(false);
    Q_EMIT done();
    if (m_closeWhenDone) {
        m_closeWhenDone = false;
        QDialog::reject();
    }
}

void CrossValidationDialog::updateButtons() {
    const bool running = isRunning();
    m_start->setEnabled(!running);
    m_stop->setEnabled(running && !m_jobs->isStopping());
    m_folds->setEnabled(!running);
    m_repeats->setEnabled(!running);
    m_perClass->setEnabled(!running);
}

} // namespace issuebert
