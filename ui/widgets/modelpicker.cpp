// The model picker: default model, Hugging Face cache, remembered folders, browse.
#include "ui/widgets/modelpicker.h"

#include "core/io/paths.h"
#include "core/model/model_locator.h"
#include "ui/settings.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>

namespace issuebert {

namespace {

constexpr int kMaxRecentModels = 8;

bool isModelFolder(const QString& dir) {
    return !dir.isEmpty() && QFileInfo::exists(dir + QStringLiteral("/config.json"));
}

// "ORG/NAME" → its snapshot folder, for every model in every hub cache.
QList<QPair<QString, QString>> cachedModels() {
    QList<QPair<QString, QString>> found;
    for (const std::string& root : huggingFaceCacheRoots()) {
        const QDir cache(QString::fromStdString(root));
        for (const QString& entry :
             cache.entryList({QStringLiteral("models--*")}, QDir::Dirs | QDir::NoDotAndDotDot)) {
            QString id = entry.mid(8);
            id.replace(QStringLiteral("--"), QStringLiteral("/"));
            if (const auto snapshot = findInHuggingFaceCache(root, id.toStdString())) {
                found.append({id, QString::fromStdString(*snapshot)});
            }
        }
    }
    return found;
}

} // namespace

ModelPicker::ModelPicker(QWidget* parent)
    : QWidget(parent), m_combo(new QComboBox(this)), m_browse(new QPushButton(tr("Folder…"), this)),
      m_download(new QPushButton(tr("Download…"), this)), m_info(new QLabel(this)) {
    setObjectName(QStringLiteral("modelPicker"));
    m_combo->setObjectName(QStringLiteral("modelCombo"));
    m_combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_combo->setMinimumContentsLength(24);
    m_combo->setToolTip(tr("The pretrained BERT model to fine-tune."));
    m_browse->setObjectName(QStringLiteral("modelBrowse"));
    m_browse->setToolTip(
        tr("A local Hugging Face model folder (config.json, vocab.txt, weights)."));
    m_download->setObjectName(QStringLiteral("modelDownload"));
    m_download->setToolTip(tr("Download a model from the Hugging Face Hub by its id, e.g. "
                              "bert-base-uncased, into the Hugging Face cache."));
    m_info->setObjectName(QStringLiteral("modelInfo"));
    m_info->setWordWrap(true);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_combo, 0, 0);
    layout->addWidget(m_browse, 0, 1);
    layout->addWidget(m_download, 0, 2);
    layout->addWidget(m_info, 1, 0, 1, 3);
    layout->setColumnStretch(0, 1);
    connect(m_browse, &QPushButton::clicked, this, &ModelPicker::browse);
    connect(m_download, &QPushButton::clicked, this, &ModelPicker::downloadRequested);
    refresh();
    connect(m_combo, &QComboBox::currentIndexChanged, this, [this] {
        updateInfo();
        settings::kPretrainedModel.set(modelDir());
        Q_EMIT modelChanged(modelDir());
    });
}

void ModelPicker::refresh() {
    const QString previous = m_combo->count() > 0 ? modelDir() : settings::kPretrainedModel.get();
    const QSignalBlocker block(m_combo);
    m_combo->clear();
    const QString fallback = QString::fromStdString(defaultModelDir());
    m_combo->addItem(isModelFolder(fallback) ? tr("all-MiniLM-L6-v2 (default)")
                                             : tr("all-MiniLM-L6-v2 (default, not installed)"),
                     fallback);
    for (const auto& [id, dir] : cachedModels()) {
        m_combo->addItem(tr("%1 (Hugging Face cache)").arg(id), dir);
    }
    for (const QString& dir : settings::kRecentModels.get()) {
        if (isModelFolder(dir) && m_combo->findData(dir) < 0) {
            m_combo->addItem(QDir::toNativeSeparators(dir), dir);
        }
    }
    const int index = m_combo->findData(previous);
    m_combo->setCurrentIndex(index >= 0 ? index : 0);
    updateInfo();
}

QString ModelPicker::modelDir() const {
    const QString dir = m_combo->currentData().toString();
    return isModelFolder(dir) ? dir : QString();
}

void ModelPicker::setModelDir(const QString& dir) {
    const QString clean = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    QStringList recent = settings::kRecentModels.get();
    recent.removeAll(clean);
    recent.prepend(clean);
    while (recent.size() > kMaxRecentModels) {
        recent.removeLast();
    }
    settings::kRecentModels.set(recent);
    int index = m_combo->findData(clean);
    if (index < 0) {
        m_combo->addItem(QDir::toNativeSeparators(clean), clean);
        index = m_combo->count() - 1;
    }
    m_combo->setCurrentIndex(index);
    updateInfo();
}

void ModelPicker::browse() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Model Folder"), modelDir());
    if (dir.isEmpty()) {
        return;
    }
    if (!isModelFolder(dir)) {
        m_info->setText(tr("%1 holds no config.json: not a Hugging Face model folder.")
                            .arg(QDir::toNativeSeparators(dir)));
        return;
    }
    setModelDir(dir);
}

void ModelPicker::updateInfo() {
    const QString dir = m_combo->currentData().toString();
    if (isModelFolder(dir)) {
        m_info->setText(QDir::toNativeSeparators(dir));
        m_info->setToolTip(dir);
    } else {
        m_info->setText(tr("The default model is not installed: run scripts/fetch-model.sh "
                           "(./run.sh does), download a model, or choose a folder."));
    }
}

} // namespace issuebert
