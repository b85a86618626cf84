// Data page layout and the open → inspect → map → load flow.
#include "ui/pages/datapage.h"

#include "core/io/paths.h"
#include "ui/icons.h"
#include "ui/pages/datasetdescription.h"
#include "ui/settings.h"
#include "ui/widgets/classcountchart.h"
#include "ui/widgets/datasetpreview.h"
#include "ui/widgets/fieldmappingdialog.h"
#include "ui/widgets/lengthhistogram.h"
#include "ui/widgets/summarypanel.h"
#include "ui/workers/datasetloadworker.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace issuebert {

namespace {

QGroupBox* framed(const QString& title, QWidget* inside, QWidget* parent) {
    auto* box = new QGroupBox(title, parent);
    auto* layout = new QVBoxLayout(box);
    layout->addWidget(inside);
    return box;
}

} // namespace

DataPage::DataPage(QWidget* parent)
    : Page(tr("Could not open the dataset"), parent),
      m_modelDir(QString::fromStdString(defaultModelDir())), m_loads(new JobRunner(this)),
      m_counts(new JobRunner(this)) {
    setObjectName(QStringLiteral("dataPage"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(buildHeader());
    m_stack = new QStackedWidget(this);
    connect(m_loads, &JobRunner::progress, this, &DataPage::showProgress);
    connect(m_counts, &JobRunner::progress, this,
            [this](qint64 done, qint64 total, const QString& phase) {
                if (!m_load) { // a load's own progress comes first
                    showProgress(done, total, phase);
                }
            });
    m_emptyState = buildEmptyState();
    m_content = buildContent();
    m_stack->addWidget(m_emptyState);
    m_stack->addWidget(m_content);
    layout->addWidget(m_stack, 1);
    restoreSettings();
}

DataPage::~DataPage() = default; // m_loads and m_counts cancel and wait

QWidget* DataPage::buildHeader() {
    auto* header = new QWidget(this);
    m_open =
        new QPushButton(QIcon::fromTheme(QStringLiteral("document-open")), tr("&Open…"), header);
    m_open->setToolTip(tr("Open a dataset: JSON, JSON Lines, CSV or fastText"));
    m_map = new QPushButton(tr("Map &Columns…"), header);
    m_map->setToolTip(tr("Choose which fields are the title, body and label, rename labels, "
                         "and reload"));
    m_map->setEnabled(false);
    m_fileLabel = new QLabel(tr("No dataset"), header);
    m_fileLabel->setObjectName(QStringLiteral("fileLabel"));
    QFont bold = m_fileLabel->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.15);
    m_fileLabel->setFont(bold);
    m_dirLabel = new QLabel(header);
    m_dirLabel->setForegroundRole(QPalette::PlaceholderText);
    m_dirLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_formatLabel = new QLabel(header);
    m_formatLabel->setObjectName(QStringLiteral("formatLabel"));
    m_formatLabel->setWordWrap(true);
    m_formatLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_progressRow = new QWidget(header);
    m_phaseLabel = new QLabel(m_progressRow);
    m_phaseLabel->setObjectName(QStringLiteral("phaseLabel"));
    m_phaseLabel->setMinimumWidth(m_phaseLabel->fontMetrics().horizontalAdvance(
        tr("Computing statistics…") + QStringLiteral(" 100%")));
    m_progress = new QProgressBar(m_progressRow);
    m_progress->setRange(0, 100);
    m_progress->setTextVisible(false);
    m_cancel = new QPushButton(tr("Cancel"), m_progressRow);
    auto* progressLayout = new QHBoxLayout(m_progressRow);
    progressLayout->setContentsMargins(0, 0, 0, 0);
    progressLayout->addWidget(m_phaseLabel);
    progressLayout->addWidget(m_progress, 1);
    progressLayout->addWidget(m_cancel);
    m_progressRow->hide();

    auto* top = new QHBoxLayout;
    top->addWidget(m_open);
    top->addWidget(m_map);
    top->addSpacing(12);
    top->addWidget(m_fileLabel);
    top->addWidget(m_dirLabel, 1);
    auto* layout = new QVBoxLayout(header);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_formatLabel);
    layout->addWidget(m_progressRow);

    connect(m_open, &QPushButton::clicked, this, &DataPage::chooseFile);
    connect(m_map, &QPushButton::clicked, this, &DataPage::remapColumns);
    connect(m_cancel, &QPushButton::clicked, this, &DataPage::cancelLoading);
    return header;
}

QWidget* DataPage::buildEmptyState() {
    auto* empty = new QWidget(this);
    auto* title = new QLabel(tr("No dataset open"), empty);
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    title->setFont(big);
    auto* hint = new QLabel(tr("Open a dataset of issue reports (MachineHack JSON, JSON Lines, "
                               "CSV or fastText), or drop a file on this window."),
                            empty);
    hint->setWordWrap(true);
    hint->setAlignment(Qt::AlignCenter);
    auto* open = new QPushButton(tr("Open Dataset…"), empty);
    connect(open, &QPushButton::clicked, this, &DataPage::chooseFile);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(open);
    const QString sample = QString::fromStdString(sampleDataPath("train.json"));
    if (QFileInfo::exists(sample)) {
        auto* openSample = new QPushButton(tr("Open the Sample Dataset"), empty);
        openSample->setToolTip(sample);
        connect(openSample, &QPushButton::clicked, this, [this, sample] { openFile(sample); });
        buttons->addWidget(openSample);
    }
    buttons->addStretch();
    auto* icon = new QLabel(empty);
    icon->setPixmap(appIcon().pixmap(72, 72));
    auto* layout = new QVBoxLayout(empty);
    layout->addStretch(2);
    layout->addWidget(icon, 0, Qt::AlignHCenter);
    layout->addSpacing(8);
    layout->addWidget(title, 0, Qt::AlignHCenter);
    layout->addWidget(hint);
    layout->addSpacing(8);
    layout->addLayout(buttons);
    layout->addStretch(3);
    return empty;
}

QWidget* DataPage::buildContent() {
    m_summary = new SummaryPanel(this);
    m_classes = new ClassCountChart(this);
    m_lengths = new LengthHistogram(this);
    m_preview = new DatasetPreview(this);

    m_chartSplitter = new QSplitter(Qt::Horizontal, this);
    m_chartSplitter->setObjectName(QStringLiteral("chartSplitter"));
    m_chartSplitter->setChildrenCollapsible(false);
    auto* summaryBox = framed(tr("Summary"), m_summary, m_chartSplitter);
    m_summary->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    qobject_cast<QVBoxLayout*>(summaryBox->layout())->addStretch();
    m_chartSplitter->addWidget(summaryBox);
    m_chartSplitter->addWidget(framed(tr("Classes"), m_classes, m_chartSplitter));
    m_chartSplitter->addWidget(framed(tr("Token lengths"), m_lengths, m_chartSplitter));
    m_chartSplitter->setStretchFactor(0, 0);
    m_chartSplitter->setStretchFactor(1, 3);
    m_chartSplitter->setStretchFactor(2, 4);

    m_mainSplitter = new QSplitter(Qt::Vertical, this);
    m_mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    m_mainSplitter->setChildrenCollapsible(false);
    m_mainSplitter->addWidget(m_chartSplitter);
    m_mainSplitter->addWidget(framed(tr("Issues"), m_preview, m_mainSplitter));
    m_mainSplitter->setStretchFactor(0, 2);
    m_mainSplitter->setStretchFactor(1, 3);

    connect(m_lengths, &LengthHistogram::maxLengthChanged, this, [this](int length) {
        settings::kDataMaxLength.set(length);
        Q_EMIT maxLengthChanged(length);
    });
    return m_mainSplitter;
}

void DataPage::restoreSettings() {
    m_lengths->setMaxLength(settings::kDataMaxLength.get(LengthHistogram::kDefaultLength));
    const bool restored = m_mainSplitter->restoreState(settings::kDataMainSplitter.get()) &&
                          m_chartSplitter->restoreState(settings::kDataChartSplitter.get());
    m_defaultSizesPending = !restored;
}

void DataPage::applyDefaultSizes() {
    // The summary gets its text's width; the histogram more room than the class bars.
    const int summary = m_chartSplitter->widget(0)->sizeHint().width();
    const int rest = std::max(0, m_chartSplitter->width() - summary);
    m_chartSplitter->setSizes({summary, rest * 2 / 5, rest - rest * 2 / 5});
    const int height = m_mainSplitter->height();
    m_mainSplitter->setSizes({height * 2 / 5, height - height * 2 / 5});
}

void DataPage::saveSettings() const {
    settings::kDataMainSplitter.set(m_mainSplitter->saveState());
    settings::kDataChartSplitter.set(m_chartSplitter->saveState());
    settings::kDataMaxLength.set(maxLength());
}

int DataPage::maxLength() const {
    return m_lengths->maxLength();
}

void DataPage::setModelDir(const QString& dir) {
    m_modelDir = dir;
}

void DataPage::setMappingHook(MappingHook hook) {
    m_mappingHook = std::move(hook);
}

QString DataPage::phaseText() const {
    return m_phaseLabel->text();
}

QString DataPage::formatText() const {
    return m_formatLabel->text();
}

void DataPage::chooseFile() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Dataset"), settings::lastDirectory(),
        tr("Datasets (*.json *.jsonl *.ndjson *.csv *.txt *.ft);;All files (*)"));
    if (!path.isEmpty()) {
        settings::setLastDirectory(QFileInfo(path).absolutePath());
        openFile(path);
    }
}

QString DataPage::currentPath() const {
    return m_result ? QString::fromStdString(m_result->dataset.path) : QString();
}

void DataPage::openFile(const QString& path) {
    FieldDetection detection;
    try {
        detection = inspectDataset(QDir::toNativeSeparators(path).toStdString());
    } catch (const std::exception& e) {
        Q_EMIT errorOccurred(QString::fromStdString(e.what()));
        return;
    }
    LoadOptions options;
    options.format = detection.format;
    if (!detection.confident) {
        FieldMappingDialog dialog(detection, detection.mapping, {}, {}, this);
        dialog.setWindowTitle(tr("Map Columns of %1").arg(QFileInfo(path).fileName()));
        const int answer = m_mappingHook ? m_mappingHook(dialog) : dialog.exec();
        if (answer != QDialog::Accepted) {
            Q_EMIT statusMessage(tr("Opening %1 cancelled").arg(QFileInfo(path).fileName()));
            return;
        }
        options.fields = dialog.mapping();
        options.labelMap = dialog.labelMap();
    }
    startLoad(path, options, std::move(detection));
}

void DataPage::remapColumns() {
    if (!m_result || isLoading()) {
        return;
    }
    const Dataset& dataset = m_result->dataset;
    const FieldMapping current{dataset.idField, dataset.titleField, dataset.bodyField,
                               dataset.textField, dataset.labelField};
    FieldMappingDialog dialog(m_detection, current, m_rawLabels, m_result->options.labelMap, this);
    const int answer = m_mappingHook ? m_mappingHook(dialog) : dialog.exec();
    if (answer != QDialog::Accepted) {
        return;
    }
    LoadOptions options = m_result->options;
    options.fields = dialog.mapping();
    options.labelMap = dialog.labelMap();
    const std::string& chosenLabel = options.fields.label;
    const bool sameLabelField =
        chosenLabel == dataset.labelField ||
        (chosenLabel == FieldMappingDialog::kNoField && dataset.labelField.empty());
    if (!sameLabelField) {
        // The renames were for the old label field's names.
        options.labelMap.clear();
    }
    startLoad(QString::fromStdString(dataset.path), options, m_detection);
}

void DataPage::startLoad(const QString& path, const LoadOptions& options,
                         FieldDetection detection) {
    // The new load counts with the current clean-up itself.
    cancelCount();
    DatasetLoadRequest request{path, options, m_modelDir, m_cleanup};
    std::function<std::shared_ptr<const DatasetLoadResult>(const JobRunner::Context&)> work =
        [request](const JobRunner::Context& context) { return runDatasetLoad(request, context); };
    // The newest request wins: a load in progress is cancelled, its answer dropped.
    m_loads->run<std::shared_ptr<const DatasetLoadResult>>(
        QStringLiteral("DatasetLoad"), std::move(work),
        [this](std::shared_ptr<const DatasetLoadResult> result) { onLoaded(std::move(result)); },
        [this](const QString& message) { onFailed(message); });
    m_load = Load{path, std::move(detection)};

    m_phaseLabel->setText(tr("Opening %1…").arg(QFileInfo(path).fileName()));
    m_progress->setValue(0);
    m_progressRow->show();
    m_cancel->setEnabled(true);
    m_map->setEnabled(false);
    Q_EMIT loadingChanged(true);
}

void DataPage::cancelLoading() {
    if (!m_load) {
        return;
    }
    m_loads->cancel(); // its thread stops at the next chunk; its answer is dropped
    const QString file = QFileInfo(m_load->path).fileName();
    finishJob();
    Q_EMIT statusMessage(tr("Loading %1 cancelled").arg(file));
    recountIfStale();
}

void DataPage::showProgress(qint64 done, qint64 total, const QString& phase) {
    if (total <= 0) {
        m_phaseLabel->setText(phase);
        m_progress->setRange(0, 0); // busy indicator
    } else {
        m_phaseLabel->setText(tr("%1 %2%").arg(phase).arg(done));
        m_progress->setRange(0, static_cast<int>(total));
        m_progress->setValue(static_cast<int>(done));
    }
}

void DataPage::onLoaded(std::shared_ptr<const DatasetLoadResult> result) {
    m_detection = std::move(m_load->detection);
    m_result = std::move(result);
    m_tokenLengths = m_result->tokenLengths;
    m_tokenCleanup = m_result->tokenCleanup;
    if (m_result->options.labelMap.empty()) {
        // The names as the file has them; a reload with renames keeps these.
        m_rawLabels.clear();
        for (const std::string& name : m_result->dataset.labels.names()) {
            m_rawLabels << QString::fromStdString(name);
        }
    }
    finishJob();
    showResult();
    const QString path = QString::fromStdString(m_result->dataset.path);
    Q_EMIT statusMessage(
        tr("Loaded %1 issues from %2")
            .arg(QLocale().toString(static_cast<qlonglong>(m_result->dataset.size())),
                 QFileInfo(path).fileName()));
    Q_EMIT datasetLoaded(path);
    // The clean-up changed while the file was loading.
    recountIfStale();
}

void DataPage::setCleanup(TextCleanup cleanup) {
    m_cleanup = cleanup;
    m_preview->setCleanup(cleanup);
    recountIfStale();
}

void DataPage::cancelCount() {
    if (m_counting) {
        m_counts->cancel();
        m_counting.reset();
        if (!m_load) {
            m_progressRow->hide();
            m_progress->setRange(0, 100);
        }
    }
}

void DataPage::recountIfStale() {
    if (m_counting && *m_counting == m_cleanup) {
        return; // already counting for it
    }
    cancelCount();
    // While a load runs it counts with the clean-up it started with; onLoaded
    // comes back here. Without a tokenizer there is nothing to count.
    if (!m_result || m_load || m_tokenLengths.empty() || m_tokenCleanup == m_cleanup) {
        return;
    }
    // Aliasing pointer: the job shares the result's lifetime, no copy.
    std::shared_ptr<const Dataset> issues(m_result, &m_result->dataset);
    std::function<std::vector<int>(const JobRunner::Context&)> work =
        [issues, modelDir = m_modelDir, cleanup = m_cleanup](const JobRunner::Context& context) {
            return runTokenCount(*issues, modelDir, cleanup, context);
        };
    m_counts->run<std::vector<int>>(
        QStringLiteral("TokenCount"), std::move(work),
        [this](const std::vector<int>& lengths) { onCounted(lengths); },
        [this](const QString& message) { onCountFailed(message); });
    m_counting = m_cleanup;
    m_phaseLabel->setText(tr("Counting tokens as cleaned…"));
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    m_cancel->setEnabled(false); // only a load is cancelled; the old counts would be wrong
    m_progressRow->show();
}

void DataPage::onCounted(const std::vector<int>& lengths) {
    m_tokenLengths = lengths;
    m_tokenCleanup = *m_counting;
    m_counting.reset();
    if (!m_load) {
        m_progressRow->hide();
        m_progress->setRange(0, 100);
    }
    showTokenLengths();
    m_preview->setTokenLengths(m_tokenLengths);
    Q_EMIT tokenLengthsChanged();
}

void DataPage::onCountFailed(const QString& message) {
    cancelCount();
    // The old counts are for another text: show none rather than wrong ones.
    m_tokenLengths.clear();
    m_lengths->setUnavailable(message);
    m_summary->setTokenLengths(m_tokenLengths);
    m_preview->setTokenLengths(m_tokenLengths);
    Q_EMIT tokenLengthsChanged();
}

void DataPage::onFailed(const QString& message) {
    finishJob();
    Q_EMIT errorOccurred(message);
    recountIfStale(); // the dataset kept may need counting for a new clean-up
}

void DataPage::finishJob() {
    m_load.reset();
    m_progressRow->hide();
    m_progress->setRange(0, 100);
    m_map->setEnabled(m_result != nullptr);
    Q_EMIT loadingChanged(false);
}

void DataPage::showResult() {
    const DatasetLoadResult& result = *m_result;
    const Dataset& dataset = result.dataset;
    const QFileInfo file(QString::fromStdString(dataset.path));
    m_fileLabel->setText(file.fileName());
    m_dirLabel->setText(QDir::toNativeSeparators(file.absolutePath()));
    m_dirLabel->setToolTip(QDir::toNativeSeparators(file.absoluteFilePath()));

    m_formatLabel->setText(describeDataset(dataset));

    m_summary->setStats(result.stats);
    m_classes->setCounts(result.stats.labelCounts);
    showTokenLengths();
    // Aliasing pointer: the table shares the result's lifetime, no copy of the issues.
    std::shared_ptr<const Dataset> issues(m_result, &m_result->dataset);
    m_preview->setDataset(std::move(issues), result.characters, m_tokenLengths);
    m_stack->setCurrentWidget(m_content);
    if (m_defaultSizesPending) {
        m_defaultSizesPending = false;
        // After the next layout pass, when the splitters have their real size.
        QTimer::singleShot(0, this, &DataPage::applyDefaultSizes);
    }
}

void DataPage::showTokenLengths() {
    m_summary->setTokenLengths(m_tokenLengths);
    if (m_tokenLengths.empty()) {
        m_lengths->setUnavailable(tokenMessage(m_modelDir, m_result->tokenNote));
    } else {
        m_lengths->setLengths(m_tokenLengths);
    }
}

} // namespace issuebert
