// The Hub download dialog over HubDownloader.
#include "ui/widgets/downloaddialog.h"

#include "ui/download/hubcache.h"
#include "ui/download/hubdownloader.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace issuebert {

DownloadDialog::DownloadDialog(QWidget* parent)
    : QDialog(parent), m_downloader(new HubDownloader(this)), m_id(new QLineEdit(this)),
      m_status(new QLabel(this)), m_progress(new QProgressBar(this)),
      m_download(new QPushButton(tr("Download"), this)),
      m_cancel(new QPushButton(tr("Cancel Download"), this)) {
    setObjectName(QStringLiteral("downloadDialog"));
    setWindowTitle(tr("Download a Model"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_id->setObjectName(QStringLiteral("modelId"));
    m_id->setPlaceholderText(QStringLiteral("bert-base-uncased"));
    m_id->setToolTip(tr("A model id from huggingface.co, e.g. bert-base-uncased or "
                        "sentence-transformers/all-MiniLM-L6-v2."));
    form->addRow(tr("Model id:"), m_id);
    layout->addLayout(form);
    auto* where = new QLabel(tr("Into the Hugging Face cache: %1")
                                 .arg(QDir::toNativeSeparators(m_downloader->cacheRoot())),
                             this);
    where->setWordWrap(true);
    layout->addWidget(where);
    m_progress->setObjectName(QStringLiteral("downloadProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    layout->addWidget(m_progress);
    m_status->setObjectName(QStringLiteral("downloadStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    auto* buttons = new QDialogButtonBox(this);
    m_download->setObjectName(QStringLiteral("startDownload"));
    m_download->setDefault(true);
    m_cancel->setObjectName(QStringLiteral("cancelDownload"));
    buttons->addButton(m_download, QDialogButtonBox::ActionRole);
    buttons->addButton(m_cancel, QDialogButtonBox::ActionRole);
    buttons->addButton(QDialogButtonBox::Close);
    layout->addWidget(buttons);
    resize(560, sizeHint().height());

    connect(m_download, &QPushButton::clicked, this, &DownloadDialog::startDownload);
    connect(m_cancel, &QPushButton::clicked, m_downloader, &HubDownloader::cancel);
    connect(buttons, &QDialogButtonBox::rejected, this, &DownloadDialog::reject);
    connect(m_id, &QLineEdit::textChanged, this, [this] {
        const QString text = m_id->text().trimmed();
        m_status->setText(text.isEmpty() ? QString() : hubcache::modelIdProblem(text));
        updateButtons();
    });
    connect(m_downloader, &HubDownloader::statusChanged, m_status, &QLabel::setText);
    connect(m_downloader, &HubDownloader::progress, this,
            [this](const QString& file, qint64, qint64, qint64 allDone, qint64 allTotal) {
                m_progress->setValue(allTotal > 0 ? static_cast<int>(1000 * allDone / allTotal)
                                                  : 0);
                m_progress->setFormat(tr("%1 — %2 of %3 MB")
                                          .arg(file, QLocale().toString(allDone / 1e6, 'f', 1),
                                               QLocale().toString(allTotal / 1e6, 'f', 1)));
            });
    connect(m_downloader, &HubDownloader::finished, this, [this](const QString& snapshot) {
        m_progress->setValue(1000);
        m_status->setText(tr("Downloaded to %1").arg(QDir::toNativeSeparators(snapshot)));
        updateButtons();
        Q_EMIT downloaded(snapshot);
    });
    connect(m_downloader, &HubDownloader::failed, this, [this](const QString& message) {
        m_status->setText(message);
        updateButtons();
    });
    connect(m_downloader, &HubDownloader::cancelled, this, [this] {
        m_status->setText(tr("Cancelled. Download again to resume where it stopped."));
        updateButtons();
    });
    updateButtons();
}

void DownloadDialog::startDownload() {
    const QString id = m_id->text().trimmed();
    m_progress->setValue(0);
    m_downloader->start(id);
    updateButtons();
}

void DownloadDialog::reject() {
    m_downloader->cancel(); // closing stops the transfer; the .part stays for a resume
    QDialog::reject();
}

void DownloadDialog::updateButtons() {
    const bool running = m_downloader->isRunning();
    const QString id = m_id->text().trimmed();
    m_download->setEnabled(!running && !id.isEmpty() && hubcache::modelIdProblem(id).isEmpty());
    m_cancel->setEnabled(running);
    m_id->setEnabled(!running);
}

} // namespace issuebert
