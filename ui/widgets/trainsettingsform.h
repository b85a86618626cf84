// The Train page's form: a widget for every Trainer setting, with tooltips,
// defaults from TrainOptions, validation as you type (core's validateOptions),
// the share of issues the max length truncates, and the values kept in QSettings.
#pragma once

#include "core/train/train_options.h"

#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QRadioButton;
class QSpinBox;

namespace issuebert {

class TrainSettingsForm : public QWidget {
    Q_OBJECT

public:
    explicit TrainSettingsForm(QWidget* parent = nullptr);

    // The settings as TrainOptions (model, data paths and out dir are left
    // empty: the page fills them in).
    TrainOptions options() const;
    // Shows options (a run folder's config.json when resuming, say).
    void setOptions(const TrainOptions& options);
    // The clean-up steps ticked.
    TextCleanup cleanup() const;
    // What the chosen device and precision compute in on this machine, and why.
    PrecisionChoice precisionChoice() const;
    // Back to TrainOptions' defaults.
    void resetToDefaults();

    // Token counts of the training issues (no specials), for the truncation
    // share; empty: unknown.
    void setTokenLengths(std::vector<int> lengths);
    // "12.3 % of your issues (1,234 of 10,000) are cut at 150 tokens", or why not known.
    QString truncationText() const;
    // Problems validateOptions finds in options(); empty when usable.
    QStringList problems() const;
    // The separate validation file; empty: split the training data.
    QString validationFile() const;
    void setValidationFile(const QString& path);

    void saveSettings() const;
    void restoreSettings();

    QSpinBox* maxLengthBox() const { return m_maxLength; }
    QSpinBox* epochsBox() const { return m_epochs; }
    QSpinBox* batchSizeBox() const { return m_batchSize; }
    QLineEdit* learningRateEdit() const { return m_learningRate; }
    QLabel* truncationLabel() const { return m_truncation; }
    QLabel* problemsLabel() const { return m_problems; }

Q_SIGNALS:
    // Any value changed; valid says whether options() can start a run.
    void changed(bool valid);

private:
    void buildUi();
    // One group of the form each (buildUi makes the boxes).
    void buildInputs(QFormLayout* inputs);
    void buildClassifier(QFormLayout* head);
    void buildOptimisation(QFormLayout* optim);
    void buildValidation(QFormLayout* eval);
    void buildHardware(QFormLayout* hardware);
    void updateTruncation();
    void updatePrecisionNote();
    void updateProblems();

    QSpinBox* m_maxLength = nullptr;
    QComboBox* m_truncationMode = nullptr;
    QCheckBox* m_pairTitleBody = nullptr;
    QLabel* m_truncation = nullptr;
    std::vector<QCheckBox*> m_cleanupSteps;
    QComboBox* m_head = nullptr;
    QComboBox* m_pooling = nullptr;
    QCheckBox* m_dropoutOverride = nullptr;
    QDoubleSpinBox* m_dropout = nullptr;
    QSpinBox* m_epochs = nullptr;
    QSpinBox* m_batchSize = nullptr;
    QSpinBox* m_gradAccumulation = nullptr;
    QLineEdit* m_learningRate = nullptr;
    QDoubleSpinBox* m_warmup = nullptr;
    QDoubleSpinBox* m_weightDecay = nullptr;
    QDoubleSpinBox* m_maxGradNorm = nullptr;
    QDoubleSpinBox* m_layerDecay = nullptr;
    QComboBox* m_classWeights = nullptr;
    QRadioButton* m_valAuto = nullptr;
    QRadioButton* m_split = nullptr;
    QDoubleSpinBox* m_valFraction = nullptr;
    QRadioButton* m_valFileChoice = nullptr;
    QLineEdit* m_valFile = nullptr;
    QSpinBox* m_evalEvery = nullptr;
    QComboBox* m_stopMetric = nullptr;
    QSpinBox* m_patience = nullptr;
    QSpinBox* m_seed = nullptr;
    QComboBox* m_device = nullptr;
    QComboBox* m_precision = nullptr;
    QLabel* m_precisionNote = nullptr; // what the chosen precision runs in here, and why
    QComboBox* m_saveDtype = nullptr;
    QLabel* m_problems = nullptr;
    std::vector<int> m_tokenLengths;
};

} // namespace issuebert
