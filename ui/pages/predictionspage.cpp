// The Predictions page: prediction job, table, filters, detail, threshold, export.
#include "ui/pages/predictionspage.h"

#include "core/eval/predictions_csv.h"
#include "core/eval/threshold_coverage.h"
#include "ui/models/predictionsfilterproxy.h"
#include "ui/models/predictionstablemodel.h"
#include "ui/settings.h"
#include "ui/widgets/probabilitydelegate.h"
#include "ui/workers/modelservice.h"
#include "ui/workers/predictionworker.h"

#include <QCheckBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <exception>

namespace issuebert {

namespace {

// Typing pauses this long before the table filters.
constexpr int kSearchDelayMs = 200;

QString html(const std::string& text) {
    return QString::fromStdString(text).toHtmlEscaped();
}

} // namespace

PredictionsPage::PredictionsPage(QWidget* parent, ModelService* models)
    : Page(tr("Predictions"), parent),
      m_service(models != nullptr ? models : new ModelService(this)), m_jobs(new JobRunner(this)) {
    setObjectName(QStringLiteral("predictionsPage"));
    auto* layout = new QVBoxLayout(this);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Model:"), this));
    m_modelLabel = new QLabel(tr("none — train one, or choose a model folder"), this);
    m_modelLabel->setObjectName(QStringLiteral("predictionsModel"));
    m_modelLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    top->addWidget(m_modelLabel, 1);
    auto* browse = new QPushButton(tr("Model…"), this);
    top->addWidget(browse);
    m_predict = new QPushButton(tr("Predict a File…"), this);
    m_predict->setObjectName(QStringLiteral("predictFile"));
    m_predict->setToolTip(tr("Run the model over every issue of a file, labelled or not "
                             "(Ctrl+Shift+O)."));
    top->addWidget(m_predict);
    m_export = new QPushButton(tr("Export CSV"), this);
    m_export->setObjectName(QStringLiteral("exportCsv"));
    auto* exportMenu = new QMenu(m_export);
    exportMenu->addAction(tr("All Rows… (Ctrl+E)"), this, [this] { chooseAndExport(false); });
    exportMenu->addAction(tr("Shown Rows…"), this, [this] { chooseAndExport(true); });
    m_export->setMenu(exportMenu);
    top->addWidget(m_export);
    layout->addLayout(top);

    auto* progressRow = new QHBoxLayout;
    m_progress = new QProgressBar(this);
    m_progress->setVisible(false);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setVisible(false);
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_cancel);
    layout->addLayout(progressRow);
    m_summary = new QLabel(tr("Choose a fine-tuned model, then predict a file."), this);
    m_summary->setObjectName(QStringLiteral("predictionsSummary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    layout->addWidget(buildFilters());

    auto* split = new QSplitter(Qt::Horizontal, this);
    m_model = new PredictionsTableModel(this);
    m_proxy = new PredictionsFilterProxy(this);
    m_proxy->setSourceModel(m_model);
    m_table = new QTableView(split);
    m_table->setObjectName(QStringLiteral("predictionsTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->setItemDelegate(new ProbabilityDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->setWordWrap(false);
    auto* detailBox = new QWidget(split);
    auto* detailLayout = new QVBoxLayout(detailBox);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    m_detail = new QTextBrowser(detailBox);
    m_detail->setObjectName(QStringLiteral("predictionDetail"));
    m_detail->setOpenLinks(false);
    m_detail->setPlaceholderText(tr("Select an issue to see its text and probabilities."));
    m_explain = new QPushButton(tr("Why this label?"), detailBox);
    m_explain->setObjectName(QStringLiteral("explainButton"));
    m_explain->setToolTip(
        tr("Highlight the words that pushed the model towards its label "
           "(green) or away from it (red): integrated gradients, a few seconds."));
    detailLayout->addWidget(m_detail, 1);
    detailLayout->addWidget(m_explain);
    split->addWidget(m_table);
    split->addWidget(detailBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir =
            QFileDialog::getExistingDirectory(this, tr("Fine-tuned Model Folder"), m_modelDir);
        if (!dir.isEmpty()) {
            setModelDir(dir);
        }
    });
    connect(m_predict, &QPushButton::clicked, this, &PredictionsPage::chooseAndPredict);
    connect(m_cancel, &QPushButton::clicked, this, &PredictionsPage::cancel);
    connect(m_jobs, &JobRunner::progress, this, [this](qint64 done, qint64 total) {
        showPredictionProgress(m_progress, done, total, QStringLiteral(" · %p%"));
    });
    connect(m_explain, &QPushButton::clicked, this, &PredictionsPage::explainSelected);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &PredictionsPage::showDetail);
    connect(m_proxy, &PredictionsFilterProxy::filterApplied, this, [this](int shown) {
        m_count->setText(
            tr("%1 of %2 shown")
                .arg(QLocale().toString(shown), QLocale().toString(m_model->rowCount())));
    });
    connect(m_service, &ModelService::explanationReady, this, &PredictionsPage::onExplanation);
    connect(m_service, &ModelService::requestFailed, this, [this](quint64 id, const QString& why) {
        if (id == m_explainId) {
            m_explain->setEnabled(true);
            m_explain->setText(tr("Why this label?"));
            Q_EMIT errorOccurred(why);
        }
    });

    connect(m_service, &ModelService::modelChanged, this, &PredictionsPage::showModel);
    if (m_service->modelDir().isEmpty()) {
        m_service->restoreSaved();
    } else { // the app's current model, chosen before this page was made
        showModel(m_service->modelDir());
    }
    m_threshold->setValue(settings::kThreshold.get(0));
    connect(m_threshold, &QSlider::valueChanged, this,
            [](int value) { settings::kThreshold.set(value); });
    updateControls();
}

PredictionsPage::~PredictionsPage() = default; // m_jobs cancels and waits

QWidget* PredictionsPage::buildFilters() {
    auto* bar = new QWidget(this);
    auto* layout = new QVBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* row = new QHBoxLayout;
    m_classRow = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Predicted:"), bar));
    row->addLayout(m_classRow);
    row->addSpacing(12);
    row->addWidget(new QLabel(tr("Confidence:"), bar));
    m_minConfidence = new QDoubleSpinBox(bar);
    m_maxConfidence = new QDoubleSpinBox(bar);
    for (auto* box : {m_minConfidence, m_maxConfidence}) {
        box->setRange(0.0, 100.0);
        box->setDecimals(0);
        box->setSuffix(QStringLiteral(" %"));
        row->addWidget(box);
    }
    m_minConfidence->setObjectName(QStringLiteral("minConfidence"));
    m_maxConfidence->setObjectName(QStringLiteral("maxConfidence"));
    m_maxConfidence->setValue(100.0);
    for (auto* box : {m_minConfidence, m_maxConfidence}) {
        connect(box, &QDoubleSpinBox::valueChanged, this, &PredictionsPage::applyFilters);
    }
    m_misclassified = new QCheckBox(tr("Misclassified only"), bar);
    m_misclassified->setObjectName(QStringLiteral("misclassifiedOnly"));
    m_misclassified->setToolTip(tr("Issues whose known label differs from the prediction."));
    row->addWidget(m_misclassified);
    connect(m_misclassified, &QCheckBox::toggled, this, &PredictionsPage::applyFilters);
    m_search = new QLineEdit(bar);
    m_search->setObjectName(QStringLiteral("predictionsSearch"));
    m_search->setPlaceholderText(tr("Search id, title and body"));
    m_search->setClearButtonEnabled(true);
    row->addWidget(m_search, 1);
    m_searchDelay = new QTimer(this);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(kSearchDelayMs);
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_searchDelay, &QTimer::timeout, this, &PredictionsPage::applyFilters);
    m_count = new QLabel(bar);
    m_count->setObjectName(QStringLiteral("predictionsCount"));
    row->addWidget(m_count);
    layout->addLayout(row);

    auto* thresholdRow = new QHBoxLayout;
    thresholdRow->addWidget(new QLabel(tr("Confidence threshold:"), bar));
    m_threshold = new QSlider(Qt::Horizontal, bar);
    m_threshold->setObjectName(QStringLiteral("thresholdSlider"));
    m_threshold->setRange(0, 100);
    m_threshold->setToolTip(tr("Predictions below this confidence are marked uncertain: left for "
                               "a person to label."));
    thresholdRow->addWidget(m_threshold, 1);
    m_coverage = new QLabel(bar);
    m_coverage->setObjectName(QStringLiteral("coverageLabel"));
    m_coverage->setMinimumWidth(420);
    thresholdRow->addWidget(m_coverage);
    layout->addLayout(thresholdRow);
    connect(m_threshold, &QSlider::valueChanged, this, [this](int value) {
        if (m_model->rowCount() > 0) {
            m_model->setThreshold(static_cast<float>(value) / 100.0F);
        }
        updateCoverage();
    });
    return bar;
}

void PredictionsPage::setModelDir(const QString& dir) {
    m_service->setModel(dir); // showModel, here and on every page that follows it
}

void PredictionsPage::showModel(const QString& dir) {
    m_modelDir = dir;
    m_modelLabel->setText(QDir::toNativeSeparators(dir));
    m_modelLabel->setToolTip(dir);
    updateControls();
}

void PredictionsPage::setReferenceResult(std::shared_ptr<const PredictionResult> result) {
    m_reference = std::move(result);
    updateCoverage();
}

void PredictionsPage::chooseAndPredict() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Issues to Predict"), settings::kPredictDataDir.get(),
        tr("Datasets (*.json *.jsonl *.ndjson *.csv *.tsv *.txt);;All files (*)"));
    if (!path.isEmpty()) {
        settings::kPredictDataDir.set(QFileInfo(path).absolutePath());
        predictFile(path);
    }
}

void PredictionsPage::predictFile(const QString& path) {
    if (isRunning()) {
        return;
    }
    if (m_modelDir.isEmpty()) {
        Q_EMIT errorOccurred(tr("No model: train one on the Train page, or choose a fine-tuned "
                                "model folder."));
        return;
    }
    PredictionRequest request;
    request.modelDir = m_modelDir;
    request.dataPath = path;
    startPrediction(
        *m_jobs, std::move(request),
        [this](std::shared_ptr<const PredictionResult> result) {
            updateControls();
            onResult(std::move(result));
        },
        [this](const QString& message) {
            updateControls();
            m_summary->setText(tr("Prediction failed: %1").arg(message));
            Q_EMIT errorOccurred(message);
        });
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("Reading and tokenizing %1…").arg(QFileInfo(path).fileName()));
    m_summary->setText(tr("Predicting %1…").arg(QDir::toNativeSeparators(path)));
    updateControls();
}

void PredictionsPage::cancel() {
    if (isRunning()) {
        m_jobs->cancel();
        m_summary->setText(tr("Prediction cancelled; the table keeps what it had."));
        updateControls();
    }
}

void PredictionsPage::onResult(std::shared_ptr<const PredictionResult> result) {
    try {
        m_model->setResults(result->dataset, result->predictions);
    } catch (const std::exception& error) {
        Q_EMIT errorOccurred(QString::fromStdString(error.what()));
        return;
    }
    m_result = result;
    m_model->setThreshold(static_cast<float>(m_threshold->value()) / 100.0F);
    // For "Why this label?": loaded again each time, since a run's best/ keeps
    // its path while its weights change.
    m_service->setModel(result->modelDir);
    ++m_explainId; // an explanation still on its way belongs to the old table
    m_explain->setText(tr("Why this label?"));
    rebuildClassFilters();
    applyFilters();
    m_table->resizeColumnsToContents();
    m_table->setColumnWidth(PredictionsTableModel::TitleColumn, 360);
    QString text = tr("%1: %2 issues predicted in %3 s.")
                       .arg(QFileInfo(QString::fromStdString(result->dataset->path)).fileName(),
                            QLocale().toString(static_cast<qlonglong>(result->dataset->size())),
                            QLocale().toString(result->seconds, 'f', 1));
    if (result->hasTruth) {
        text += tr(" Accuracy on its labels: %1 %.")
                    .arg(QLocale().toString(100.0 * result->metrics.accuracy, 'f', 1));
    }
    m_summary->setText(text);
    updateCoverage();
    updateControls();
    Q_EMIT predicted(result);
    Q_EMIT statusMessage(text);
}

void PredictionsPage::rebuildClassFilters() {
    for (QCheckBox* box : m_classBoxes) {
        delete box;
    }
    m_classBoxes.clear();
    for (int cls = 0; cls < m_model->numClasses(); ++cls) {
        auto* box = new QCheckBox(
            QString::fromStdString(m_model->predictions().labels[static_cast<std::size_t>(cls)]),
            this);
        box->setObjectName(QStringLiteral("classFilter%1").arg(cls));
        box->setChecked(true);
        connect(box, &QCheckBox::toggled, this, &PredictionsPage::applyFilters);
        m_classRow->addWidget(box);
        m_classBoxes.push_back(box);
    }
}

void PredictionsPage::applyFilters() {
    PredictionsFilter filter;
    bool all = true;
    for (std::size_t cls = 0; cls < m_classBoxes.size(); ++cls) {
        if (m_classBoxes[cls]->isChecked()) {
            filter.classes.push_back(static_cast<int>(cls));
        } else {
            all = false;
        }
    }
    if (all) {
        filter.classes.clear();
    } else if (filter.classes.empty()) {
        filter.classes.push_back(-1); // no class ticked: nothing shown
    }
    filter.minConfidence = m_minConfidence->value() / 100.0;
    filter.maxConfidence = std::max(filter.minConfidence, m_maxConfidence->value() / 100.0);
    filter.misclassifiedOnly = m_misclassified->isChecked();
    filter.search = m_search->text();
    m_proxy->setFilter(filter);
    m_count->setText(
        tr("%1 of %2 shown")
            .arg(QLocale().toString(m_proxy->rowCount()), QLocale().toString(m_model->rowCount())));
}

int PredictionsPage::selectedRow() const {
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid()) {
        return -1;
    }
    return m_proxy->mapToSource(current).row();
}

void PredictionsPage::showDetail() {
    ++m_explainId; // a pending explanation is for the issue shown before
    m_explain->setText(tr("Why this label?"));
    const int row = selectedRow();
    m_explain->setEnabled(row >= 0);
    if (row < 0) {
        m_detail->clear();
        return;
    }
    const Issue& issue = m_model->issue(row);
    const Predictions& p = m_model->predictions();
    QString text = QStringLiteral("<h3>%1</h3>").arg(html(issue.title));
    text += QStringLiteral("<p>");
    for (int cls = 0; cls < p.numClasses(); ++cls) {
        const bool top = cls == m_model->predictedClass(row);
        text += QStringLiteral("%1%2: %3 %%4 &nbsp; ")
                    .arg(top ? QStringLiteral("<b>") : QString(),
                         html(p.labels[static_cast<std::size_t>(cls)]),
                         QLocale().toString(100.0 * m_model->probability(row, cls), 'f', 1),
                         top ? QStringLiteral("</b>") : QString());
    }
    text += QStringLiteral("</p><p style='white-space: pre-wrap'>%1</p>").arg(html(issue.body));
    m_detail->setHtml(text);
}

void PredictionsPage::explainSelected() {
    const int row = selectedRow();
    if (row < 0 || !m_result) {
        return;
    }
    m_explainRow = row;
    m_explainId += 1;
    m_explain->setEnabled(false);
    m_explain->setText(tr("Explaining…"));
    m_service->requestExplanation(m_explainId, m_model->issue(row));
}

void PredictionsPage::onExplanation(quint64 id, const Attribution& attribution) {
    if (id != m_explainId || selectedRow() != m_explainRow) {
        return;
    }
    m_explain->setEnabled(true);
    m_explain->setText(tr("Why this label?"));
    const auto& labels = m_model->predictions().labels;
    if (attribution.explainedClass < 0 ||
        attribution.explainedClass >= static_cast<int>(labels.size())) {
        return;
    }
    float largest = 0.0F;
    for (const auto& word : attribution.words) {
        largest = std::max(largest, std::abs(word.score));
    }
    const QString label =
        m_model->rowCount() > m_explainRow && m_explainRow >= 0
            ? QString::fromStdString(
                  m_model->predictions()
                      .labels[static_cast<std::size_t>(attribution.explainedClass)])
            : QString();
    QString text = tr("<p><b>Why %1:</b> green words pushed towards it, red ones away.%2</p><p>")
                       .arg(label.toHtmlEscaped(),
                            attribution.truncated ? tr(" (Only the part the model read is shown.)")
                                                  : QString());
    for (const auto& word : attribution.words) {
        const double strength = largest > 0 ? std::abs(word.score) / largest : 0.0;
        const QString colour = word.score >= 0 ? QStringLiteral("46, 160, 67")  // green
                                               : QStringLiteral("218, 54, 51"); // red
        text += QStringLiteral("<span style='background-color: rgba(%1, %2)' title='%3'>%4</span> ")
                    .arg(colour, QString::number(0.7 * strength, 'f', 2),
                         QString::number(word.score, 'g', 3), html(word.word));
    }
    text += QStringLiteral("</p>");
    m_detail->setHtml(m_detail->toHtml() + text);
    Q_EMIT explained(text);
}

void PredictionsPage::updateCoverage() {
    m_curve.clear();
    const PredictionResult* source = nullptr;
    if (m_result && m_result->hasTruth) {
        source = m_result.get();
    } else if (m_reference && m_reference->hasTruth &&
               (!m_result || m_reference->modelDir == m_result->modelDir)) {
        source = m_reference.get();
    }
    if (source != nullptr) {
        try {
            m_curve = coverageCurve(source->predictions, source->truth);
        } catch (const std::exception&) {
            m_curve.clear();
        }
    }
    m_coverage->setText(coverageText());
}

QString PredictionsPage::coverageText() const {
    const int value = m_threshold->value();
    if (m_curve.empty()) {
        return tr("At %1 %: evaluate the model on labelled issues to see what this automates.")
            .arg(value);
    }
    const CoveragePoint& point = m_curve[static_cast<std::size_t>(std::clamp<long long>(
        std::llround(value / 100.0 * (static_cast<double>(m_curve.size()) - 1)), 0,
        static_cast<long long>(m_curve.size()) - 1))];
    const QString share = QLocale().toString(100.0 * point.share(), 'f', 0);
    if (point.accuracy < 0) {
        return tr("At %1 %: %2 % of labelled issues would be labelled automatically.")
            .arg(value)
            .arg(share);
    }
    return tr("At %1 %: %2 % of labelled issues labelled automatically, at %3 % accuracy.")
        .arg(value)
        .arg(share, QLocale().toString(100.0 * point.accuracy, 'f', 1));
}

bool PredictionsPage::exportCsv(const QString& path, bool shownOnly, QString* error) {
    if (m_model->rowCount() == 0) {
        if (error != nullptr) {
            *error = tr("Nothing to export: predict a file first.");
        }
        return false;
    }
    try {
        std::vector<std::size_t> rows;
        if (shownOnly) {
            rows = m_proxy->sourceRows();
            if (rows.empty()) {
                if (error != nullptr) {
                    *error = tr("No rows are shown: loosen the filters to export some.");
                }
                return false;
            }
        }
        writePredictionsCsv(path.toStdString(), m_model->issues(), m_model->datasetLabels(),
                            m_model->predictions(), rows);
    } catch (const std::exception& failure) {
        if (error != nullptr) {
            *error = QString::fromStdString(failure.what());
        }
        return false;
    }
    return true;
}

void PredictionsPage::chooseAndExport(bool shownOnly) {
    if (m_model->rowCount() == 0) {
        Q_EMIT errorOccurred(tr("Nothing to export: predict a file first."));
        return;
    }
    const QString stem =
        m_result ? QFileInfo(QString::fromStdString(m_result->dataset->path)).completeBaseName()
                 : QStringLiteral("predictions");
    const QString folder = settings::kExportDir.get(QDir::homePath());
    const QString path = QFileDialog::getSaveFileName(
        this, shownOnly ? tr("Export Shown Rows") : tr("Export Predictions"),
        QDir(folder).filePath(stem + QStringLiteral("-predictions.csv")), tr("CSV (*.csv)"));
    if (path.isEmpty()) {
        return;
    }
    settings::kExportDir.set(QFileInfo(path).absolutePath());
    QString error;
    if (!exportCsv(path, shownOnly, &error)) {
        Q_EMIT errorOccurred(error);
        return;
    }
    Q_EMIT statusMessage(tr("Wrote %1").arg(QDir::toNativeSeparators(path)));
}

void PredictionsPage::updateControls() {
    const bool running = isRunning();
    m_predict->setEnabled(!running && !m_modelDir.isEmpty());
    m_progress->setVisible(running);
    m_cancel->setVisible(running);
    m_export->setEnabled(!running && m_model->rowCount() > 0);
    m_explain->setEnabled(selectedRow() >= 0);
}

} // namespace issuebert
