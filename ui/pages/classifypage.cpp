// The Classify & Label page: live classification, labelling, uncertainty walk.
#include "ui/pages/classifypage.h"

#include "core/data/labelled_writer.h"
#include "core/eval/uncertainty.h"
#include "ui/settings.h"
#include "ui/workers/jobrunner.h"
#include "ui/workers/modelservice.h"
#include "ui/workers/predictionworker.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <exception>
#include <numeric>

namespace issuebert {

namespace {

// "JSON array: Title, Body, Label (class number)", what the writer will write.
QString writerSummary(const LabelledDatasetWriter& writer) {
    using Role = LabelledDatasetWriter::Role;
    const char* const formats[] = {"", QT_TRANSLATE_NOOP("ClassifyPage", "JSON array"),
                                   QT_TRANSLATE_NOOP("ClassifyPage", "JSON Lines"),
                                   QT_TRANSLATE_NOOP("ClassifyPage", "CSV"),
                                   QT_TRANSLATE_NOOP("ClassifyPage", "fastText")};
    QStringList fields;
    for (const LabelledDatasetWriter::Field& field : writer.fields()) {
        const QString name = QString::fromStdString(field.name);
        if (field.role == Role::Label) {
            fields.append((writer.integerLabels() ? ClassifyPage::tr("%1 (class number)")
                                                  : ClassifyPage::tr("%1 (class name)"))
                              .arg(name));
        } else if (field.role != Role::Other) {
            fields.append(name);
        }
    }
    const QString text =
        ClassifyPage::tr("%1: %2").arg(ClassifyPage::tr(formats[static_cast<int>(writer.format())]),
                                       fields.join(QLatin1String(", ")));
    return writer.fileExists() ? text : ClassifyPage::tr("%1 (a new file)").arg(text);
}

std::vector<std::string> utf8List(const QStringList& list) {
    std::vector<std::string> out;
    for (const QString& item : list) {
        out.push_back(item.toStdString());
    }
    return out;
}

} // namespace

// The model row: which model classifies, and a button to choose another.
QLayout* ClassifyPage::buildModelRow() {
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Model:"), this));
    m_modelLabel = new QLabel(tr("none — train one, or choose a model folder"), this);
    m_modelLabel->setObjectName(QStringLiteral("classifyModel"));
    top->addWidget(m_modelLabel, 1);
    auto* browse = new QPushButton(tr("Model…"), this);
    top->addWidget(browse);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir =
            QFileDialog::getExistingDirectory(this, tr("Fine-tuned Model Folder"), modelDir());
        if (!dir.isEmpty()) {
            setModelDir(dir);
        }
    });
    return top;
}

// The issue being classified: title and body.
QGroupBox* ClassifyPage::buildEditor() {
    auto* editor = new QGroupBox(tr("Issue"), this);
    auto* editorLayout = new QFormLayout(editor);
    m_title = new QLineEdit(editor);
    m_title->setObjectName(QStringLiteral("classifyTitle"));
    m_title->setPlaceholderText(tr("Title"));
    m_body = new QPlainTextEdit(editor);
    m_body->setObjectName(QStringLiteral("classifyBody"));
    m_body->setPlaceholderText(tr("Paste or type the issue's body; the probabilities follow as "
                                  "you type."));
    editorLayout->addRow(tr("Title:"), m_title);
    editorLayout->addRow(tr("Body:"), m_body);

    return editor;
}

// The label, the file it goes to, add/undo, the uncertainty walk, retraining.
QGroupBox* ClassifyPage::buildLabelBox() {
    auto* labelBox = new QGroupBox(tr("Label"), this);
    auto* labelLayout = new QFormLayout(labelBox);
    m_label = new QComboBox(labelBox);
    m_label->setObjectName(QStringLiteral("classifyLabel"));
    m_label->setToolTip(tr("The model's choice; correct it before adding if it is wrong."));
    labelLayout->addRow(tr("Label:"), m_label);
    auto* fileRow = new QHBoxLayout;
    m_fileLabel = new QLabel(tr("choose a labelled dataset file"), labelBox);
    m_fileLabel->setObjectName(QStringLiteral("targetFileLabel"));
    m_fileLabel->setWordWrap(true);
    m_chooseFile = new QPushButton(tr("File…"), labelBox);
    fileRow->addWidget(m_fileLabel, 1);
    fileRow->addWidget(m_chooseFile);
    labelLayout->addRow(tr("Add to:"), fileRow);
    auto* buttons = new QHBoxLayout;
    m_add = new QPushButton(tr("Add to Dataset"), labelBox);
    m_add->setObjectName(QStringLiteral("addLabel"));
    m_add->setToolTip(tr("Append this issue with the chosen label to the file (Ctrl+Return)."));
    m_undo = new QPushButton(tr("Undo"), labelBox);
    m_undo->setObjectName(QStringLiteral("undoLabel"));
    m_undo->setToolTip(tr("Remove the last issue added (Ctrl+Shift+Z)."));
    buttons->addWidget(m_add);
    buttons->addWidget(m_undo);
    labelLayout->addRow(buttons);
    m_next = new QPushButton(tr("Next Most Uncertain"), labelBox);
    m_next->setObjectName(QStringLiteral("nextUncertain"));
    m_next->setToolTip(tr("Load the issue the model is least sure about from the last predicted "
                          "file: the label that teaches it most (Ctrl+N)."));
    m_retrain = new QPushButton(tr("Retrain with These Labels"), labelBox);
    m_retrain->setObjectName(QStringLiteral("retrain"));
    // Which issues count as least sure: the two likeliest classes close
    // (margin), or the probability spread over many (entropy).
    m_measure = new QComboBox(labelBox);
    m_measure->setObjectName(QStringLiteral("uncertaintyMeasure"));
    m_measure->addItem(tr("by margin"), static_cast<int>(UncertaintyMeasure::Margin));
    m_measure->addItem(tr("by entropy"), static_cast<int>(UncertaintyMeasure::Entropy));
    m_measure->setToolTip(
        tr("Margin: the two likeliest classes are closest. Entropy: the probability is spread "
           "widest over the classes."));
    m_measure->setCurrentIndex(std::clamp(settings::kUncertaintyMeasure.get(0), 0, 1));
    auto* nextRow = new QHBoxLayout;
    nextRow->addWidget(m_next, 1);
    nextRow->addWidget(m_measure);
    labelLayout->addRow(nextRow);
    labelLayout->addRow(m_retrain);
    connect(m_measure, &QComboBox::currentIndexChanged, this, [this](int index) {
        settings::kUncertaintyMeasure.set(index);
        orderPool();
    });
    connect(m_chooseFile, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Labelled Dataset to Add To"), targetFile(),
                                         tr("Datasets (*.json *.jsonl *.csv *.txt);;All files (*)"),
                                         nullptr, QFileDialog::DontConfirmOverwrite);
        if (!path.isEmpty()) {
            setTargetFile(path);
        }
    });
    return labelBox;
}

// Typing classifies after a pause; the model service's answers; the buttons
// and their shortcuts.
void ClassifyPage::connectActions() {
    m_typing = new QTimer(this);
    m_typing->setSingleShot(true);
    m_typing->setInterval(kTypingDelayMs);
    connect(m_title, &QLineEdit::textChanged, m_typing, qOverload<>(&QTimer::start));
    connect(m_body, &QPlainTextEdit::textChanged, m_typing, qOverload<>(&QTimer::start));
    connect(m_typing, &QTimer::timeout, this, &ClassifyPage::requestClassification);
    connect(m_service, &ModelService::modelChanged, this, &ClassifyPage::onModelChanged);
    connect(m_service, &ModelService::probabilitiesReady, this, &ClassifyPage::onProbabilities);
    connect(m_service, &ModelService::modelLoaded, this,
            [this](const QString&, const QStringList& labels) { onModelLoaded(labels); });
    connect(m_service, &ModelService::modelFailed, this,
            [this](const QString&, const QString& message) {
                m_status->setText(tr("The model could not be loaded: %1").arg(message));
                Q_EMIT errorOccurred(message);
            });
    connect(m_service, &ModelService::requestFailed, this,
            [this](quint64, const QString& message) { m_status->setText(message); });
    connect(m_label, &QComboBox::activated, this, [this] { m_userChoseLabel = true; });
    connect(m_add, &QPushButton::clicked, this, &ClassifyPage::addToDataset);
    connect(m_undo, &QPushButton::clicked, this, &ClassifyPage::undoLast);
    connect(m_next, &QPushButton::clicked, this, &ClassifyPage::nextMostUncertain);
    connect(m_retrain, &QPushButton::clicked, this,
            [this] { Q_EMIT retrainRequested(targetFile()); });
    connect(new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this), &QShortcut::activated,
            this, &ClassifyPage::addToDataset);
    connect(new QShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), this),
            &QShortcut::activated, this, &ClassifyPage::undoLast);
    connect(new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_N), this), &QShortcut::activated, this,
            &ClassifyPage::nextMostUncertain);
}

// The model and the target file used last time.
void ClassifyPage::restoreSettings() {
    if (m_service->modelDir().isEmpty()) {
        m_service->restoreSaved();
    } else { // the app's current model, chosen before this page was made
        onModelChanged(m_service->modelDir());
        if (m_service->isLoaded()) {
            onModelLoaded(m_service->labels());
        }
    }
    const QString target = settings::kLabelTarget.get();
    if (!target.isEmpty()) {
        setTargetFile(target);
    }
}

ClassifyPage::ClassifyPage(QWidget* parent, ModelService* models)
    : Page(tr("Classify & Label"), parent),
      m_service(models != nullptr ? models : new ModelService(this)),
      m_writer(std::make_shared<LabelledDatasetWriter>()), m_writerJobs(new JobRunner(this)) {
    setObjectName(QStringLiteral("classifyPage"));
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buildModelRow());

    auto* columns = new QHBoxLayout;
    columns->addWidget(buildEditor(), 3);
    auto* side = new QVBoxLayout;
    auto* barsBox = new QGroupBox(tr("Class probabilities"), this);
    m_barsLayout = new QVBoxLayout(barsBox);
    side->addWidget(barsBox);
    side->addWidget(buildLabelBox());
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("classifyStatus"));
    m_status->setWordWrap(true);
    side->addWidget(m_status);
    side->addStretch(1);
    columns->addLayout(side, 2);
    layout->addLayout(columns, 1);

    connectActions();
    restoreSettings();
    updateControls();
}

ClassifyPage::~ClassifyPage() {
    m_writerJobs->waitForIdle(); // a job still writing uses m_writer
}

void ClassifyPage::setModelDir(const QString& dir) {
    m_service->setModel(dir); // onModelChanged, here and on every page that follows it
}

void ClassifyPage::onModelChanged(const QString& dir) {
    ++m_requestId; // answers of the previous model are dropped
    m_label->clear();
    m_userChoseLabel = false;
    m_modelLabel->setText(QDir::toNativeSeparators(dir));
    m_status->setText(tr("Loading the model…"));
    updateControls();
}

QString ClassifyPage::modelDir() const {
    return m_service->modelDir();
}

void ClassifyPage::setTargetFile(const QString& path) {
    // A write in flight finishes first: the file it changes is not left half-noted.
    m_writerJobs->waitForIdle();
    std::function<std::shared_ptr<LabelledDatasetWriter>(const JobRunner::Context&)> work =
        [file = QFile::encodeName(path).toStdString()](const auto&) {
            auto writer = std::make_shared<LabelledDatasetWriter>();
            writer->open(file);
            return writer;
        };
    m_status->setText(tr("Reading %1…").arg(QFileInfo(path).fileName()));
    m_writerJobs->run<std::shared_ptr<LabelledDatasetWriter>>(
        QStringLiteral("IssueBERT open"), std::move(work),
        [this, path](std::shared_ptr<LabelledDatasetWriter> writer) {
            m_writer = std::move(writer);
            m_fileLabel->setText(QStringLiteral("%1 (%2)").arg(QFileInfo(path).fileName(),
                                                               writerSummary(*m_writer)));
            m_fileLabel->setToolTip(QDir::toNativeSeparators(path));
            m_status->setText(tr("New labels go to %1.").arg(QFileInfo(path).fileName()));
            settings::kLabelTarget.set(path);
            updateControls();
            Q_EMIT targetFileChanged(path);
        },
        [this](const QString& message) {
            m_status->setText(message); // on the page only: it may be last session's file
            updateControls();
            Q_EMIT targetFileRefused(message);
        });
    updateControls();
}

QString ClassifyPage::targetFile() const {
    return m_writer->isOpen() ? QFile::decodeName(m_writer->path().c_str()) : QString();
}

void ClassifyPage::setPool(std::shared_ptr<const PredictionResult> pool) {
    m_pool = std::move(pool);
    m_labelledRows.clear();
    orderPool();
    updateControls();
}

void ClassifyPage::orderPool() {
    m_order.clear();
    m_nextInOrder = 0; // the walk skips the rows labelled since
    if (m_pool) {
        const auto& issues = m_pool->dataset->issues;
        m_order = mostUncertainFirst(
            m_pool->predictions, [&issues](std::size_t row) { return issues[row].labelled(); },
            static_cast<UncertaintyMeasure>(m_measure->currentData().toInt()));
    }
}

int ClassifyPage::remainingInPool() const {
    int left = 0;
    for (std::size_t i = std::min(m_nextInOrder, m_order.size()); i < m_order.size(); ++i) {
        left += m_labelledRows.count(m_order[i]) == 0 ? 1 : 0;
    }
    return left;
}

void ClassifyPage::setIssue(const QString& title, const QString& body) {
    // A new issue: no label until the model answers or the user picks one, so
    // the last issue's label cannot be added to this one by a quick Ctrl+Return.
    m_label->setCurrentIndex(-1);
    m_userChoseLabel = false;
    m_title->setText(title);
    m_body->setPlainText(body);
    m_currentPoolRow = -1;
}

void ClassifyPage::nextMostUncertain() {
    while (m_nextInOrder < m_order.size() && m_labelledRows.count(m_order[m_nextInOrder]) > 0) {
        ++m_nextInOrder;
    }
    if (m_nextInOrder >= m_order.size()) {
        m_status->setText(m_pool ? tr("Every unlabelled issue of the predicted file is labelled.")
                                 : tr("Predict an unlabelled file on the Predictions page first."));
        return;
    }
    const std::size_t row = m_order[m_nextInOrder++];
    const Issue& issue = m_pool->dataset->issues[row];
    setIssue(QString::fromStdString(issue.title), QString::fromStdString(issue.body));
    m_currentPoolRow = static_cast<long long>(row);
    m_status->setText(tr("The most uncertain of %1 issues left.").arg(remainingInPool() + 1));
    updateControls();
}

void ClassifyPage::requestClassification() {
    if (!m_service->isLoaded()) {
        return;
    }
    const QString title = m_title->text().trimmed();
    const QString body = m_body->toPlainText().trimmed();
    if (title.isEmpty() && body.isEmpty()) {
        return;
    }
    Issue issue;
    issue.title = title.toStdString();
    issue.body = body.toStdString();
    m_service->requestProbabilities(++m_requestId, issue);
}

void ClassifyPage::onProbabilities(quint64 id, const QVector<float>& probabilities) {
    if (id != m_requestId) {
        return; // an answer to text that has changed since
    }
    m_probabilities.assign(probabilities.begin(), probabilities.end());
    const QStringList labels = m_service->labels();
    int best = 0;
    for (int cls = 0; cls < static_cast<int>(m_bars.size()) && cls < probabilities.size(); ++cls) {
        const double percent = 100.0 * static_cast<double>(probabilities[cls]);
        m_bars[static_cast<std::size_t>(cls)]->setValue(
            static_cast<int>(std::lround(percent * 10)));
        m_bars[static_cast<std::size_t>(cls)]->setFormat(
            QStringLiteral("%1  %2 %").arg(labels.value(cls), QLocale().toString(percent, 'f', 1)));
        if (probabilities[cls] > probabilities[best]) {
            best = cls;
        }
    }
    if (!m_userChoseLabel) {
        m_label->setCurrentIndex(best); // the model's choice, until the user corrects it
    }
    Q_EMIT classified(m_probabilities);
}

void ClassifyPage::onModelLoaded(const QStringList& labels) {
    rebuildBars(labels);
    m_label->clear();
    m_label->addItems(labels);
    m_status->setText(tr("Model ready: %1.").arg(labels.join(QStringLiteral(", "))));
    updateControls();
    requestClassification();
}

void ClassifyPage::rebuildBars(const QStringList& labels) {
    for (QProgressBar* bar : m_bars) {
        delete bar;
    }
    m_bars.clear();
    for (int cls = 0; cls < labels.size(); ++cls) {
        auto* bar = new QProgressBar(this);
        bar->setObjectName(QStringLiteral("probability%1").arg(cls));
        bar->setRange(0, 1000);
        bar->setValue(0);
        bar->setTextVisible(true);
        bar->setFormat(labels[cls]);
        m_barsLayout->addWidget(bar);
        m_bars.push_back(bar);
    }
}

void ClassifyPage::addToDataset() {
    if (m_writerJobs->isBusy()) {
        return; // the buttons are disabled meanwhile; a shortcut may still come
    }
    if (!m_writer->isOpen()) {
        Q_EMIT errorOccurred(tr("Choose the labelled dataset file new issues go to."));
        return;
    }
    const QString title = m_title->text().trimmed();
    const QString body = m_body->toPlainText().trimmed();
    if (title.isEmpty() && body.isEmpty()) {
        Q_EMIT errorOccurred(tr("The issue is empty: type or paste a title and a body."));
        return;
    }
    if (!m_service->isLoaded()) {
        Q_EMIT errorOccurred(tr("No model is loaded: choose a fine-tuned model first."));
        return;
    }
    if (m_label->currentIndex() < 0) {
        Q_EMIT errorOccurred(tr("No label yet: pick one, or wait for the model's answer."));
        return;
    }
    const QString label = m_label->currentText();
    const long long poolRow = m_currentPoolRow;
    LabelledDatasetWriter* writer = m_writer.get();
    std::function<int(const JobRunner::Context&)> work =
        [writer, title = title.toStdString(), body = body.toStdString(), name = label.toStdString(),
         classes = utf8List(m_service->labels())](const auto&) {
            writer->append(title, body, name, classes);
            return writer->appendedCount();
        };
    m_status->setText(tr("Adding the issue to %1…").arg(QFileInfo(targetFile()).fileName()));
    m_writerJobs->run<int>(
        QStringLiteral("IssueBERT append"), std::move(work),
        [this, label, poolRow](int count) { onAdded(label, poolRow, count); },
        [this](const QString& message) { onWriterFailed(message); });
    updateControls();
}

void ClassifyPage::onAdded(const QString& label, long long poolRow, int count) {
    if (poolRow >= 0) {
        m_labelledRows.insert(static_cast<std::size_t>(poolRow));
    }
    m_addedRows.push_back(poolRow);
    const QString text = tr("Added as %1 to %2 (%3 this session).")
                             .arg(label, QFileInfo(targetFile()).fileName())
                             .arg(count);
    m_status->setText(text);
    Q_EMIT statusMessage(text);
    updateControls();
    if (poolRow >= 0 && poolRow == m_currentPoolRow) {
        nextMostUncertain(); // keep walking
    }
    Q_EMIT labelAdded(targetFile(), count);
}

void ClassifyPage::onWriterFailed(const QString& message) {
    m_status->setText(message);
    updateControls();
    Q_EMIT errorOccurred(message);
}

void ClassifyPage::undoLast() {
    if (m_writerJobs->isBusy() || !m_writer->canUndo()) {
        return;
    }
    LabelledDatasetWriter* writer = m_writer.get();
    std::function<int(const JobRunner::Context&)> work = [writer](const auto&) {
        writer->undoLast();
        return writer->appendedCount();
    };
    m_writerJobs->run<int>(
        QStringLiteral("IssueBERT undo"), std::move(work), [this](int count) { onUndone(count); },
        [this](const QString& message) { onWriterFailed(message); });
    updateControls();
}

void ClassifyPage::onUndone(int count) {
    m_status->setText(tr("Removed the last issue added (%1 left this session).").arg(count));
    if (!m_addedRows.empty()) {
        const long long row = m_addedRows.back();
        m_addedRows.pop_back();
        if (row >= 0 && m_pool) {
            // Back into the walk, and into the editor to label it again.
            m_labelledRows.erase(static_cast<std::size_t>(row));
            m_nextInOrder = 0; // the walk skips labelled rows, so it finds this one again
            const Issue& issue = m_pool->dataset->issues[static_cast<std::size_t>(row)];
            setIssue(QString::fromStdString(issue.title), QString::fromStdString(issue.body));
            m_currentPoolRow = row;
        }
    }
    updateControls();
    Q_EMIT labelUndone(count);
}

void ClassifyPage::updateControls() {
    const bool ready = m_service->isLoaded();
    // While the writer works in its thread, its state is not read here.
    const bool writing = m_writerJobs->isBusy();
    m_add->setEnabled(!writing && ready && m_writer->isOpen());
    m_undo->setEnabled(!writing && m_writer->canUndo());
    m_chooseFile->setEnabled(!writing);
    m_next->setEnabled(m_pool != nullptr);
    m_retrain->setEnabled(!writing && m_writer->isOpen() && QFileInfo::exists(targetFile()));
}

} // namespace issuebert
