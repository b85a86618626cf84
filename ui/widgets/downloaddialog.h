// Downloading a model from the Hugging Face Hub by its id: the id checked as
// it is typed, progress per file and overall, Cancel (a later Download resumes
// where it stopped), and the snapshot folder handed back when done.
#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace issuebert {

class HubDownloader;

class DownloadDialog : public QDialog {
    Q_OBJECT

public:
    explicit DownloadDialog(QWidget* parent = nullptr);

    HubDownloader* downloader() const { return m_downloader; }
    QLineEdit* idEdit() const { return m_id; }
    QPushButton* downloadButton() const { return m_download; }
    QPushButton* cancelButton() const { return m_cancel; }
    QLabel* statusLabel() const { return m_status; }
    QProgressBar* progressBar() const { return m_progress; }

public Q_SLOTS:
    void startDownload();

Q_SIGNALS:
    // The model is in the cache: its snapshot folder.
    void downloaded(const QString& snapshotFolder);

protected:
    void reject() override;

private:
    void updateButtons();

    HubDownloader* m_downloader;
    QLineEdit* m_id;
    QLabel* m_status;
    QProgressBar* m_progress;
    QPushButton* m_download;
    QPushButton* m_cancel;
};

} // namespace issuebert
