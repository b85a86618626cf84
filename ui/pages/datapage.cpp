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
#include <QThread>
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
      m_modelDir(QString::fromStdString(defaultModelDir())) {
    setObjectName(QStringLiteral("dataPage"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(buildHeader());
    m_stack = new QStackedWidget(this);
    m_emptyState = buildEmptyState();
    m_content = buildContent();
    m_stack->addWidget(m_emptyState);
    m_stack->addWidget(m_content);
    layout->addWidget(m_stack, 1);
    restoreSettings();
}

DataPage::~DataPage() {
    // Threads are children of this page: stop them before QObject deletes them.
    for (auto& [thread, cancel] : m_threads) {
        cancel->store(true);
        if (thread) {
            thread->quit();
            thread->wait();
        }
    }
}

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
    if (m_job) {
        // The newest request wins; the old job's results are ignored by id.
        m_job->cancel->store(true);
    }
    // The new load counts with the current clean-up itself.
    cancelCount();
    std::erase_if(m_threads, [](const auto& entry) { return entry.first.isNull(); });
    Job job{m_nextJob++, path, std::move(detection), std::make_shared<std::atomic<bool>>(false)};
    DatasetLoadRequest request{path, options, m_modelDir, m_cleanup};
    auto* worker = new DatasetLoadWorker(std::move(request), job.cancel);
    const quint64 id = job.id;
    // The worker emits from its own thread; queued connections run these
    // handlers in the GUI thread, where the page's widgets may be touched.
    connect(
        worker, &DatasetLoadWorker::progress, this,
        [this, id](const QString& phase, int percent) { onProgress(id, phase, percent); },
        Qt::QueuedConnection);
    connect(
        worker, &DatasetLoadWorker::loaded, this,
        [this, id](std::shared_ptr<const DatasetLoadResult> result) {
            onLoaded(id, std::move(result));
        },
        Qt::QueuedConnection);
    connect(
        worker, &DatasetLoadWorker::failed, this,
        [this, id](const QString& message) { onFailed(id, message); }, Qt::QueuedConnection);
    connect(
        worker, &DatasetLoadWorker::cancelled, this, [this, id] { onCancelled(id); },
        Qt::QueuedConnection);
    m_threads.emplace_back(worker->start(this), job.cancel);
    m_job = std::move(job);

    m_phaseLabel->setText(tr("Opening %1…").arg(QFileInfo(path).fileName()));
    m_progress->setValue(0);
    m_progressRow->show();
    m_cancel->setEnabled(true);
    m_map->setEnabled(false);
    Q_EMIT loadingChanged(true);
}

void DataPage::cancelLoading() {
    if (m_job) {
        m_job->cancel->store(true);
        m_cancel->setEnabled(false);
        m_phaseLabel->setText(tr("Cancelling…"));
    }
}

void DataPage::onProgress(quint64 job, const QString& phase, int percent) {
    if (!m_job || m_job->id != job || m_job->cancel->load()) {
        return;
    }
    if (percent < 0) {
        m_phaseLabel->setText(phase);
        m_progress->setRange(0, 0); // busy indicator
    } else {
        m_phaseLabel->setText(tr("%1 %2%").arg(phase).arg(percent));
        m_progress->setRange(0, 100);
        m_progress->setValue(percent);
    }
}

void DataPage::onLoaded(quint64 job, std::shared_ptr<const DatasetLoadResult> result) {
    if (!m_job || m_job->id != job) {
        return;
    }
    m_detection = std::move(m_job->detection);
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
    if (m_countJob) {
        m_countJob->cancel->store(true);
        m_countJob.reset();
        if (!m_job) {
            m_progressRow->hide();
            m_progress->setRange(0, 100);
        }
    }
}

void DataPage::recountIfStale() {
    if (m_countJob && m_countJob->cleanup == m_cleanup) {
        return; // already counting for it
    }
    cancelCount();
    // While a load runs it counts with the clean-up it started with; onLoaded
    // comes back here. Without a tokenizer there is nothing to count.
    if (!m_result || m_job || m_tokenLengths.empty() || m_tokenCleanup == m_cleanup) {
        return;
    }
    std::erase_if(m_threads, [](const auto& entry) { return entry.first.isNull(); });
    CountJob job{m_nextJob++, m_cleanup, std::make_shared<std::atomic<bool>>(false)};
    // Aliasing pointer: the worker shares the result's lifetime, no copy.
    std::shared_ptr<const Dataset> issues(m_result, &m_result->dataset);
    auto* worker = new TokenCountWorker(std::move(issues), m_modelDir, job.cleanup, job.cancel);
    const quint64 id = job.id;
    const auto current = [this, id] { return m_countJob && m_countJob->id == id; };
    connect(
        worker, &TokenCountWorker::progress, this,
        [this, current](const QString& phase, int percent) {
            if (current() && !m_job) {
                m_phaseLabel->setText(tr("%1 %2%").arg(phase).arg(percent));
                m_progress->setValue(percent);
            }
        },
        Qt::QueuedConnection);
    connect(
        worker, &TokenCountWorker::counted, this,
        [this, current](const std::vector<int>& lengths) {
            if (!current()) {
                return;
            }
            m_tokenLengths = lengths;
            m_tokenCleanup = m_countJob->cleanup;
            cancelCount(); // done: hides the progress row
            showTokenLengths();
            m_preview->setTokenLengths(m_tokenLengths);
            Q_EMIT tokenLengthsChanged();
        },
        Qt::QueuedConnection);
    connect(
        worker, &TokenCountWorker::failed, this,
        [this, current](const QString& message) {
            if (!current()) {
                return;
            }
            cancelCount();
            // The old counts are for another text: show none rather than wrong ones.
            m_tokenLengths.clear();
            m_lengths->setUnavailable(message);
            m_summary->setTokenLengths(m_tokenLengths);
            m_preview->setTokenLengths(m_tokenLengths);
            Q_EMIT tokenLengthsChanged();
        },
        Qt::QueuedConnection);
    m_threads.emplace_back(worker->start(this), job.cancel);
    m_countJob = std::move(job);
    m_phaseLabel->setText(tr("Counting tokens as cleaned…"));
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    m_cancel->setEnabled(false); // only a load is cancelled; the old counts would be wrong
    m_progressRow->show();
}

void DataPage::onFailed(quint64 job, const QString& message) {
    if (!m_job || m_job->id != job) {
        return;
    }
    finishJob();
    Q_EMIT errorOccurred(message);
    recountIfStale(); // the dataset kept may need counting for a new clean-up
}

void DataPage::onCancelled(quint64 job) {
    if (!m_job || m_job->id != job) {
        return;
    }
    const QString file = QFileInfo(m_job->path).fileName();
    finishJob();
    Q_EMIT statusMessage(tr("Loading %1 cancelled").arg(file));
    recountIfStale();
}

void DataPage::finishJob() {
    m_job.reset();
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
