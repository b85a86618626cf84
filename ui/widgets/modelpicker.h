// Choosing the pretrained model to fine-tune: the default model, models in
// the Hugging Face cache, folders used before, any local folder, or a model
// downloaded from the Hugging Face Hub.
#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;

namespace issuebert {

class ModelPicker : public QWidget {
    Q_OBJECT

public:
    explicit ModelPicker(QWidget* parent = nullptr);

    // The chosen model folder (empty when none is usable).
    QString modelDir() const;
    // Selects dir, adding it to the list (and the remembered folders) when new.
    void setModelDir(const QString& dir);
    // Scans the Hugging Face caches again.
    void refresh();

    QComboBox* combo() const { return m_combo; }
    QPushButton* downloadButton() const { return m_download; }
    QLabel* infoLabel() const { return m_info; }

Q_SIGNALS:
    void modelChanged(const QString& dir);
    // The Download button: the page opens the download dialog.
    void downloadRequested();

private:
    void browse();
    void updateInfo();

    QComboBox* m_combo;
    QPushButton* m_browse;
    QPushButton* m_download;
    QLabel* m_info;
};

} // namespace issuebert
