// The Evaluate page: a prediction job over a labelled dataset, then the
// metrics, the confusion matrix and the issues behind each cell.
#include "ui/pages/evaluatepage.h"

#include "ui/models/classmetricsmodel.h"
#include "ui/models/predictionstablemodel.h"
#include "ui/settings.h"
#include "ui/widgets/confusionmatrixchart.h"
#include "ui/widgets/probabilitydelegate.h"
#include "ui/workers/modelservice.h"
#include "ui/workers/predictionworker.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace issuebert {

// Shows the source rows whose flag is set (the issues of one matrix cell).
class RowSetProxy : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setShown(std::vector<char> shown) {
        m_shown = std::move(shown);
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& /*parent*/) const override {
        return static_cast<std::size_t>(row) < m_shown.size() &&
               m_shown[static_cast<std::size_t>(row)] != 0;
    }

private:
    std::vector<char> m_shown;
};

namespace {

// The data combo's first entry means the Data page's dataset.
const QString kOpenDatasetData = QStringLiteral("<open>");

QString fixed(double value, int decimals = 3) {
    return QLocale().toString(value, 'f', decimals);
}

} // namespace

EvaluatePage::EvaluatePage(QWidget* parent, ModelService* models)
    : Page(tr("Evaluation"), parent),
      m_service(models != nullptr ? models : new ModelService(this)), m_jobs(new JobRunner(this)) {
    setObjectName(QStringLiteral("evaluatePage"));
    auto* layout = new QVBoxLayout(this);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Model:"), this));
    m_modelLabel = new QLabel(tr("none — train one, or choose a model folder"), this);
    m_modelLabel->setObjectName(QStringLiteral("evaluateModel"));
    m_modelLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    top->addWidget(m_modelLabel, 1);
    auto* browse = new QPushButton(tr("Model…"), this);
    browse->setObjectName(QStringLiteral("evaluateModelButton"));
    browse->setToolTip(tr("A fine-tuned model folder (a run's best/)."));
    top->addWidget(browse);
    layout->addLayout(top);
    auto* dataRow = new QHBoxLayout;
    dataRow->addWidget(new QLabel(tr("Data:"), this));
    m_data = new QComboBox(this);
    m_data->setObjectName(QStringLiteral("evaluateData"));
    m_data->setMinimumContentsLength(20);
    m_data->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_data->addItem(tr("The open dataset"), kOpenDatasetData);
    dataRow->addWidget(m_data, 1);
    auto* chooseFile = new QPushButton(tr("File…"), this);
    chooseFile->setToolTip(tr("Evaluate on another labelled file (a held-out test set)."));
    dataRow->addWidget(chooseFile);
    m_run = new QPushButton(tr("Evaluate"), this);
    m_run->setObjectName(QStringLiteral("evaluateButton"));
    m_run->setDefault(true);
    dataRow->addWidget(m_run);
    layout->addLayout(dataRow);

    auto* progressRow = new QHBoxLayout;
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("evaluateProgress"));
    m_progress->setVisible(false);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setVisible(false);
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_cancel);
    layout->addLayout(progressRow);

    m_summary =
        new QLabel(tr("Choose a fine-tuned model and a labelled dataset, then Evaluate."), this);
    m_summary->setObjectName(QStringLiteral("evaluateSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);

    auto* split = new QSplitter(Qt::Horizontal, this);
    m_chart = new ConfusionMatrixChart(split);
    auto* right = new QSplitter(Qt::Vertical, split);
    m_metrics = new ClassMetricsModel(this);
    m_metricsView = new QTableView(right);
    m_metricsView->setObjectName(QStringLiteral("classMetricsView"));
    m_metricsView->setModel(m_metrics);
    m_metricsView->verticalHeader()->hide();
    m_metricsView->horizontalHeader()->setStretchLastSection(true);
    m_metricsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    auto* cellBox = new QWidget(right);
    auto* cellLayout = new QVBoxLayout(cellBox);
    cellLayout->setContentsMargins(0, 0, 0, 0);
    m_cellLabel = new QLabel(tr("Click a cell of the matrix to list its issues."), cellBox);
    m_cellLabel->setObjectName(QStringLiteral("cellLabel"));
    cellLayout->addWidget(m_cellLabel);
    m_cellModel = new PredictionsTableModel(this);
    m_cellProxy = new RowSetProxy(this);
    m_cellProxy->setSourceModel(m_cellModel);
    m_cellProxy->setSortRole(PredictionsTableModel::kSortRole);
    m_cellView = new QTableView(cellBox);
    m_cellView->setObjectName(QStringLiteral("cellIssuesView"));
    m_cellView->setModel(m_cellProxy);
    m_cellView->setSortingEnabled(true);
    m_cellView->setItemDelegate(new ProbabilityDelegate(m_cellView));
    m_cellView->verticalHeader()->hide();
    m_cellView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_cellView->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    cellLayout->addWidget(m_cellView, 1);
    right->addWidget(m_metricsView);
    right->addWidget(cellBox);
    split->addWidget(m_chart);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir =
            QFileDialog::getExistingDirectory(this, tr("Fine-tuned Model Folder"), m_modelDir);
        if (!dir.isEmpty()) {
            setModelDir(dir);
        }
    });
    connect(chooseFile, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Labelled Dataset"), settings::kEvaluateFile.get(),
            tr("Datasets (*.json *.jsonl *.ndjson *.csv *.tsv *.txt);;All files (*)"));
        if (!path.isEmpty()) {
            setDataFile(path);
        }
    });
    connect(m_run, &QPushButton::clicked, this, &EvaluatePage::evaluate);
    connect(m_jobs, &JobRunner::progress, this,
            [this](qint64 done, qint64 total) { showPredictionProgress(m_progress, done, total); });
    connect(m_cancel, &QPushButton::clicked, this, &EvaluatePage::cancel);
    connect(m_chart, &ConfusionMatrixChart::cellClicked, this, &EvaluatePage::showCell);
    connect(m_data, &QComboBox::currentIndexChanged, this, [this] { updateControls(); });

    connect(m_service, &ModelService::modelChanged, this, &EvaluatePage::showModel);
    if (m_service->modelDir().isEmpty()) {
        m_service->restoreSaved();
    } else { // the app's current model, chosen before this page was made
        showModel(m_service->modelDir());
    }
    updateControls();
}

EvaluatePage::~EvaluatePage() = default; // m_jobs cancels and waits

void EvaluatePage::setModelDir(const QString& dir) {
    m_service->setModel(dir); // showModel, here and on every page that follows it
}

void EvaluatePage::showModel(const QString& dir) {
    m_modelDir = dir;
    m_modelLabel->setText(QDir::toNativeSeparators(dir));
    m_modelLabel->setToolTip(dir);
    updateControls();
}

void EvaluatePage::setOpenDataset(std::shared_ptr<const Dataset> dataset) {
    m_openDataset = std::move(dataset);
    m_data->setItemText(
        0, m_openDataset
               ? tr("The open dataset (%1)")
                     .arg(QFileInfo(QString::fromStdString(m_openDataset->path)).fileName())
               : tr("The open dataset"));
    updateControls();
}

void EvaluatePage::setDataFile(const QString& path) {
    settings::kEvaluateFile.set(path);
    int index = m_data->findData(path);
    if (index < 0) {
        m_data->addItem(QFileInfo(path).fileName(), path);
        index = m_data->count() - 1;
        m_data->setItemData(index, QDir::toNativeSeparators(path), Qt::ToolTipRole);
    }
    m_data->setCurrentIndex(index);
}

void EvaluatePage::evaluate() {
    if (isRunning()) {
        return;
    }
    if (m_modelDir.isEmpty()) {
        Q_EMIT errorOccurred(tr("No model to evaluate: train one on the Train page, or choose "
                                "a fine-tuned model folder."));
        return;
    }
    PredictionRequest request;
    request.modelDir = m_modelDir;
    const QString data = m_data->currentData().toString();
    if (data == kOpenDatasetData) {
        if (!m_openDataset) {
            Q_EMIT errorOccurred(tr("No dataset: open a labelled dataset on the Data page, or "
                                    "choose a file."));
            return;
        }
        request.dataset = m_openDataset;
    } else {
        request.dataPath = data;
    }
    startPrediction(
        *m_jobs, std::move(request),
        [this](std::shared_ptr<const PredictionResult> result) {
            updateControls();
            onResult(std::move(result));
        },
        [this](const QString& message) {
            updateControls();
            m_summary->setText(tr("Evaluation failed: %1").arg(message));
            Q_EMIT errorOccurred(message);
        });
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("Reading and tokenizing…"));
    m_summary->setText(tr("Evaluating…"));
    updateControls();
}

void EvaluatePage::cancel() {
    if (isRunning()) {
        m_jobs->cancel();
        m_summary->setText(tr("Evaluation cancelled."));
        updateControls();
    }
}

void EvaluatePage::onResult(std::shared_ptr<const PredictionResult> result) {
    m_result = result;
    if (!result->hasTruth) {
        m_summary->setText(
            tr("%1 has no labels the model knows: nothing to evaluate against. Use the "
               "Predictions page for unlabelled issues.")
                .arg(QFileInfo(QString::fromStdString(result->dataset->path)).fileName()));
        m_chart->clear();
        m_metrics->clear();
        m_cellModel->clear();
        return;
    }
    const ClassificationMetrics& m = result->metrics;
    QString text =
        tr("<b>Accuracy %1 %</b> · macro F1 %2 · weighted F1 %3 · log loss %4 — "
           "%5 labelled issues of %6, %7 s<br>Model: %8")
            .arg(fixed(100.0 * m.accuracy, 1), fixed(m.macroF1), fixed(m.weightedF1),
                 m.logLoss >= 0 ? fixed(m.logLoss) : tr("–"), QLocale().toString(m.count),
                 QFileInfo(QString::fromStdString(result->dataset->path)).fileName(),
                 fixed(result->seconds, 1),
                 QDir::toNativeSeparators(result->modelDir).toHtmlEscaped());
    if (!result->unknownLabels.empty()) {
        QStringList names;
        for (const auto& name : result->unknownLabels) {
            names << QString::fromStdString(name);
        }
        text += tr("<br>Skipped labels the model does not know: %1.")
                    .arg(names.join(QStringLiteral(", ")).toHtmlEscaped());
    }
    m_summary->setText(text);
    m_chart->setMetrics(m);
    m_metrics->setMetrics(m);
    m_metricsView->resizeColumnsToContents();
    m_cellModel->setResults(result->dataset, result->predictions);
    m_cellProxy->setShown({});
    m_cellLabel->setText(tr("Click a cell of the matrix to list its issues."));
    Q_EMIT evaluated(result);
    Q_EMIT statusMessage(tr("Evaluated: accuracy %1 %").arg(fixed(100.0 * m.accuracy, 1)));
}

void EvaluatePage::showCell(int trueClass, int predictedClass) {
    if (!m_result) {
        return;
    }
    const auto& labels = m_result->predictions.labels;
    if (trueClass < 0 || predictedClass < 0 || trueClass >= static_cast<int>(labels.size()) ||
        predictedClass >= static_cast<int>(labels.size())) {
        return;
    }
    std::vector<char> shown(m_result->truth.size(), 0);
    long long count = 0;
    for (std::size_t row = 0; row < shown.size(); ++row) {
        if (m_result->truth[row] == trueClass &&
            m_result->predictions.predicted[row] == predictedClass) {
            shown[row] = 1;
            ++count;
        }
    }
    m_cellProxy->setShown(std::move(shown));
    m_cellProxy->sort(PredictionsTableModel::ConfidenceColumn, Qt::DescendingOrder);
    m_cellLabel->setText(
        tr("Labelled %1, predicted %2: %3")
            .arg(QString::fromStdString(labels[static_cast<std::size_t>(trueClass)]),
                 QString::fromStdString(labels[static_cast<std::size_t>(predictedClass)]),
                 count == 1 ? tr("1 issue") : tr("%1 issues").arg(QLocale().toString(count))));
}

void EvaluatePage::updateControls() {
    const bool running = isRunning();
    m_run->setEnabled(!running && !m_modelDir.isEmpty());
    m_cancel->setVisible(running);
    m_progress->setVisible(running);
    m_data->setEnabled(!running);
    if (auto* browse = findChild<QPushButton*>(QStringLiteral("evaluateModelButton"))) {
        browse->setEnabled(!running); // the metrics shown must be this model's
    }
}

} // namespace issuebert
