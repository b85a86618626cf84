// The training settings form: widgets ↔ TrainOptions, validation, truncation share.
#include "ui/widgets/trainsettingsform.h"

#include "core/io/errors.h"
#include "core/runtime.h"
#include "core/text/issue_cleanup.h"
#include "ui/settings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QDoubleValidator>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace issuebert {

namespace {

QComboBox* makeCombo(QWidget* parent, const QString& name,
                     std::initializer_list<std::pair<QString, QString>> items) {
    auto* combo = new QComboBox(parent);
    combo->setObjectName(name);
    for (const auto& [text, data] : items) {
        combo->addItem(text, data);
    }
    return combo;
}

void selectData(QComboBox* combo, const QString& data) {
    const int index = combo->findData(data);
    combo->setCurrentIndex(std::max(0, index));
}

QString dataOf(const QComboBox* combo) {
    return combo->currentData().toString();
}

QSpinBox* makeSpin(QWidget* parent, const QString& name, int low, int high, const QString& tip) {
    auto* box = new QSpinBox(parent);
    box->setObjectName(name);
    box->setRange(low, high);
    box->setToolTip(tip);
    box->setGroupSeparatorShown(true);
    return box;
}

QDoubleSpinBox* makeDouble(QWidget* parent, const QString& name, double low, double high,
                           double step, int decimals, const QString& tip) {
    auto* box = new QDoubleSpinBox(parent);
    box->setObjectName(name);
    box->setRange(low, high);
    box->setSingleStep(step);
    box->setDecimals(decimals);
    box->setToolTip(tip);
    return box;
}

} // namespace

TrainSettingsForm::TrainSettingsForm(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("trainSettingsForm"));
    buildUi();
    resetToDefaults();
}

// Max length, truncation, title/body pairs and clean-up.
void TrainSettingsForm::buildInputs(QFormLayout* inputs) {
    m_maxLength = makeSpin(this, QStringLiteral("maxLength"), kAutoMaxLength, kMaxMaxLength,
                           tr("Tokens per issue, [CLS] and [SEP] included. Longer issues are cut; "
                              "time and memory grow with it. The tutorial used 150. Auto: "
                              "enough for 80 % of the training issues, 64 to 256."));
    m_maxLength->setSpecialValueText(tr("auto"));
    inputs->addRow(tr("Max length:"), m_maxLength);
    m_truncation = new QLabel(this);
    m_truncation->setObjectName(QStringLiteral("truncationLabel"));
    m_truncation->setWordWrap(true);
    inputs->addRow(QString(), m_truncation);
    m_truncationMode =
        makeCombo(this, QStringLiteral("truncationMode"),
                  {{tr("Keep the beginning"), QStringLiteral("head")},
                   {tr("Keep the beginning and the end"), QStringLiteral("head_tail")}});
    m_truncationMode->setToolTip(tr("Which tokens of a long issue are kept. The end of an issue "
                                    "often holds the stack trace or the question."));
    inputs->addRow(tr("Truncation:"), m_truncationMode);
    m_pairTitleBody = new QCheckBox(tr("Title and body as a sentence pair"), this);
    m_pairTitleBody->setObjectName(QStringLiteral("pairTitleBody"));
    m_pairTitleBody->setToolTip(tr("[CLS] title [SEP] body [SEP] instead of the two joined (the "
                                   "tutorial joined them)."));
    inputs->addRow(QString(), m_pairTitleBody);
    // Clean-up: one box per step of core/text/issue_cleanup.h.
    auto* cleanupBox = new QVBoxLayout;
    cleanupBox->setSpacing(2);
    const std::pair<unsigned, QString> steps[] = {
        {kCleanComments, tr("Hidden HTML comments (issue templates)")},
        {kCleanChecklists, tr("Unticked checklist items")},
        {kCleanCode, tr("Long code blocks, shortened")},
        {kCleanTraces, tr("Stack traces, shortened to the top frames")},
        {kCleanUrls, tr("URLs to their host, long paths to their end")},
    };
    for (const auto& [step, text] : steps) {
        auto* check = new QCheckBox(text, this);
        check->setObjectName(QStringLiteral("clean_") +
                             QString::fromStdString(cleanupName(TextCleanup{step})));
        check->setProperty("cleanupStep", step);
        check->setToolTip(tr("Applied before tokenizing, in training and in every prediction "
                             "of the saved model. The Data page shows the cleaned text."));
        cleanupBox->addWidget(check);
        m_cleanupSteps.push_back(check);
    }
    inputs->addRow(tr("Clean up:"), cleanupBox);
}

// Head, pooling and dropout.
void TrainSettingsForm::buildClassifier(QFormLayout* head) {
    m_head = makeCombo(this, QStringLiteral("head"),
                       {{tr("Linear (Hugging Face)"), QStringLiteral("linear")},
                        {tr("Dense 64 → 32 (the tutorial's)"), QStringLiteral("mlp")}});
    m_head->setToolTip(tr("The layers on top of BERT that turn its vector into class scores."));
    head->addRow(tr("Head:"), m_head);
    m_pooling = makeCombo(this, QStringLiteral("pooling"),
                          {{tr("As the model suggests"), QString()},
                           {tr("Pooler ([CLS] + tanh dense)"), QStringLiteral("pooler")},
                           {tr("[CLS] vector"), QStringLiteral("cls")},
                           {tr("Mean of the tokens"), QStringLiteral("mean")}});
    m_pooling->setToolTip(
        tr("How one vector per issue is taken from BERT's outputs. "
           "Sentence-transformers models (the default) were trained for the mean."));
    head->addRow(tr("Pooling:"), m_pooling);
    auto* dropoutRow = new QHBoxLayout;
    m_dropoutOverride = new QCheckBox(tr("Override"), this);
    m_dropoutOverride->setObjectName(QStringLiteral("dropoutOverride"));
    m_dropout = makeDouble(this, QStringLiteral("dropout"), 0.0, 0.9, 0.05, 2,
                           tr("Dropout inside BERT (hidden and attention). Unchecked: the "
                              "model's own (0.1 for most)."));
    dropoutRow->addWidget(m_dropoutOverride);
    dropoutRow->addWidget(m_dropout, 1);
    head->addRow(tr("Dropout:"), dropoutRow);
    connect(m_dropoutOverride, &QCheckBox::toggled, m_dropout, &QWidget::setEnabled);
}

// Epochs, batch, learning rate and the rest of the optimizer.
void TrainSettingsForm::buildOptimisation(QFormLayout* optim) {
    m_epochs = makeSpin(this, QStringLiteral("epochs"), kAutoEpochs, 1000,
                        tr("Passes over the training data. Early stopping may end sooner. "
                           "Auto: enough passes for %1 optimizer steps, 1 to %2 (a small "
                           "dataset gets more passes, a large one fewer).")
                            .arg(kAutoTargetSteps)
                            .arg(kAutoMaxEpochs));
    m_epochs->setSpecialValueText(tr("auto"));
    optim->addRow(tr("Epochs:"), m_epochs);
    m_batchSize =
        makeSpin(this, QStringLiteral("batchSize"), 1, 4096,
                 tr("Issues per step. Larger is faster per issue but needs more memory."));
    optim->addRow(tr("Batch size:"), m_batchSize);
    m_gradAccumulation =
        makeSpin(this, QStringLiteral("gradAccumulation"), 1, 1024,
                 tr("Batches whose gradients add up before one optimizer step: a larger "
                    "effective batch in the same memory."));
    optim->addRow(tr("Gradient accumulation:"), m_gradAccumulation);
    m_learningRate = new QLineEdit(this);
    m_learningRate->setObjectName(QStringLiteral("learningRate"));
    auto* validator = new QDoubleValidator(1e-9, 1.0, 12, m_learningRate);
    validator->setNotation(QDoubleValidator::ScientificNotation);
    validator->setLocale(QLocale::c());
    m_learningRate->setValidator(validator);
    m_learningRate->setPlaceholderText(tr("auto"));
    m_learningRate->setClearButtonEnabled(true);
    m_learningRate->setToolTip(
        tr("AdamW's peak learning rate. Empty: auto, 1e-4 × 384 / the model's hidden size "
           "(1e-4 for MiniLM, 5e-5 for BERT-base). The tutorial used 1e-5."));
    optim->addRow(tr("Learning rate:"), m_learningRate);
    m_warmup = makeDouble(this, QStringLiteral("warmup"), 0.0, 100.0, 1.0, 1,
                          tr("Share of all steps over which the learning rate rises from 0; "
                             "then it falls linearly to 0."));
    m_warmup->setSuffix(QStringLiteral(" %"));
    optim->addRow(tr("Warmup:"), m_warmup);
    m_weightDecay = makeDouble(this, QStringLiteral("weightDecay"), 0.0, 1.0, 0.01, 3,
                               tr("Decoupled weight decay (AdamW); none on biases and LayerNorm."));
    optim->addRow(tr("Weight decay:"), m_weightDecay);
    m_maxGradNorm = makeDouble(this, QStringLiteral("maxGradNorm"), 0.0, 100.0, 0.5, 2,
                               tr("Gradients are scaled down to this norm; 0 turns clipping off."));
    optim->addRow(tr("Gradient clipping:"), m_maxGradNorm);
    m_layerDecay = makeDouble(this, QStringLiteral("layerDecay"), 0.05, 1.0, 0.05, 2,
                              tr("Layer-wise learning-rate decay: each encoder layer learns this "
                                 "share of the rate of the layer above it; the head learns at the "
                                 "full rate. 1: one rate for the whole model."));
    optim->addRow(tr("Layer-wise decay:"), m_layerDecay);
    m_classWeights = makeCombo(
        this, QStringLiteral("classWeights"),
        {{tr("None"), QStringLiteral("none")}, {tr("Balanced"), QStringLiteral("balanced")}});
    m_classWeights->setToolTip(tr("Balanced: rare classes weigh more in the loss (n / (classes × "
                                  "n_class)), as scikit-learn's \"balanced\"."));
    optim->addRow(tr("Class weights:"), m_classWeights);
}

// Validation data, evaluation, the best-model metric, patience and seed.
void TrainSettingsForm::buildValidation(QFormLayout* eval) {
    m_valAuto = new QRadioButton(tr("Auto: split off %1 %, none below %2 issues per class")
                                     .arg(static_cast<int>(kDefaultValFraction * 100))
                                     .arg(kAutoValMinPerClass),
                                 this);
    m_valAuto->setObjectName(QStringLiteral("valAutoChoice"));
    m_valAuto->setToolTip(
        tr("Split off %1 % of the training data when that holds at least %2 issues per class on "
           "average; with fewer, they choose the epoch badly, so all issues train and the last "
           "epoch's model is kept (measured: docs/QUALITY.md).")
            .arg(static_cast<int>(kDefaultValFraction * 100))
            .arg(kAutoValMinPerClass));
    eval->addRow(tr("Validation data:"), m_valAuto);
    auto* splitRow = new QHBoxLayout;
    m_split = new QRadioButton(tr("Split off"), this);
    m_split->setObjectName(QStringLiteral("splitChoice"));
    m_valFraction = makeDouble(this, QStringLiteral("valFraction"), 0.0, 90.0, 1.0, 1,
                               tr("Share of the training data held out for validation, "
                                  "stratified by class and fixed by the seed. None: train on "
                                  "all of it and keep the last epoch's model."));
    m_valFraction->setSuffix(QStringLiteral(" %"));
    m_valFraction->setSpecialValueText(tr("none, keep the last epoch"));
    splitRow->addWidget(m_split);
    splitRow->addWidget(m_valFraction, 1);
    eval->addRow(QString(), splitRow);
    auto* fileRow = new QHBoxLayout;
    m_valFileChoice = new QRadioButton(tr("File:"), this);
    m_valFileChoice->setObjectName(QStringLiteral("valFileChoice"));
    m_valFile = new QLineEdit(this);
    m_valFile->setObjectName(QStringLiteral("valFile"));
    m_valFile->setPlaceholderText(tr("a labelled dataset file"));
    auto* browse = new QPushButton(tr("Browse…"), this);
    fileRow->addWidget(m_valFileChoice);
    fileRow->addWidget(m_valFile, 1);
    fileRow->addWidget(browse);
    eval->addRow(QString(), fileRow);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Validation Dataset"), m_valFile->text(),
            tr("Datasets (*.json *.jsonl *.ndjson *.csv *.tsv *.txt);;All files (*)"));
        if (!path.isEmpty()) {
            setValidationFile(path);
        }
    });
    connect(m_split, &QRadioButton::toggled, m_valFraction, &QWidget::setEnabled);
    connect(m_valFileChoice, &QRadioButton::toggled, m_valFile, &QWidget::setEnabled);
    m_evalEvery = makeSpin(this, QStringLiteral("evalEvery"), 0, 10'000'000,
                           tr("Also evaluate every N steps; 0: at the end of each epoch only."));
    m_evalEvery->setSpecialValueText(tr("each epoch"));
    eval->addRow(tr("Evaluate every:"), m_evalEvery);
    m_stopMetric = makeCombo(this, QStringLiteral("stopMetric"),
                             {{tr("Accuracy"), QStringLiteral("accuracy")},
                              {tr("Macro F1"), QStringLiteral("macro_f1")}});
    m_stopMetric->setToolTip(tr("What picks the best checkpoint and drives early stopping. "
                                "Macro F1 treats small classes as equals."));
    eval->addRow(tr("Best model by:"), m_stopMetric);
    m_patience = makeSpin(this, QStringLiteral("patience"), 0, 1000,
                          tr("Evaluations without a new best before training stops; 0: never "
                             "stop early. The tutorial used 5."));
    m_patience->setSpecialValueText(tr("never stop early"));
    eval->addRow(tr("Patience:"), m_patience);
    m_seed = makeSpin(this, QStringLiteral("seed"), 0, std::numeric_limits<int>::max(),
                      tr("Fixes the split, the shuffling and dropout: on the CPU the same seed "
                         "and data give the same metrics."));
    m_seed->setGroupSeparatorShown(false);
    eval->addRow(tr("Seed:"), m_seed);
}

// Device, precision and the saved weights' type.
void TrainSettingsForm::buildHardware(QFormLayout* hardware) {
    m_device = makeCombo(this, QStringLiteral("device"),
                         {{tr("Automatic (CUDA when present)"), QStringLiteral("auto")},
                          {tr("CPU"), QStringLiteral("cpu")},
                          {tr("CUDA GPU"), QStringLiteral("cuda")}});
    hardware->addRow(tr("Device:"), m_device);
    m_precision = makeCombo(this, QStringLiteral("precision"),
                            {{tr("Automatic (bf16 where native)"), QStringLiteral("auto")},
                             {tr("fp32"), QStringLiteral("fp32")},
                             {tr("bf16 autocast"), QStringLiteral("bf16")}});
    m_precision->setToolTip(
        tr("bf16 autocast runs the matrix products in bfloat16 (weights, optimizer and loss stay "
           "fp32): about twice as fast on GPUs and on processors with AVX512-BF16 or AMX, "
           "within half a point of fp32's accuracy (docs/QUALITY.md). Automatic chooses it "
           "there and fp32 elsewhere."));
    hardware->addRow(tr("Precision:"), m_precision);
    m_precisionNote = new QLabel(this);
    m_precisionNote->setObjectName(QStringLiteral("precisionNote"));
    m_precisionNote->setWordWrap(true);
    hardware->addRow(QString(), m_precisionNote);
    m_saveDtype = makeCombo(this, QStringLiteral("saveDtype"),
                            {{tr("float32"), QStringLiteral("float32")},
                             {tr("float16 (half the size)"), QStringLiteral("float16")},
                             {tr("bfloat16 (half the size)"), QStringLiteral("bfloat16")}});
    m_saveDtype->setToolTip(tr("Weights of the saved best model."));
    hardware->addRow(tr("Save weights as:"), m_saveDtype);
}

void TrainSettingsForm::buildUi() {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    const auto group = [&](const QString& title) {
        auto* box = new QGroupBox(title, this);
        auto* form = new QFormLayout(box);
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        layout->addWidget(box);
        return form;
    };

    buildInputs(group(tr("Inputs")));
    buildClassifier(group(tr("Classifier")));
    buildOptimisation(group(tr("Optimisation")));
    buildValidation(group(tr("Validation")));
    buildHardware(group(tr("Hardware")));

    m_problems = new QLabel(this);
    m_problems->setObjectName(QStringLiteral("problemsLabel"));
    m_problems->setWordWrap(true);
    m_problems->setStyleSheet(QStringLiteral("color: #c62828;"));
    layout->addWidget(m_problems);
    layout->addStretch(1);

    const auto notify = [this] { updateProblems(); };
    for (auto* box : findChildren<QSpinBox*>()) {
        connect(box, &QSpinBox::valueChanged, this, notify);
    }
    for (auto* box : findChildren<QDoubleSpinBox*>()) {
        connect(box, &QDoubleSpinBox::valueChanged, this, notify);
    }
    for (auto* combo : findChildren<QComboBox*>()) {
        connect(combo, &QComboBox::currentIndexChanged, this, notify);
    }
    for (auto* check : findChildren<QCheckBox*>()) {
        connect(check, &QCheckBox::toggled, this, notify);
    }
    for (auto* radio : findChildren<QRadioButton*>()) {
        connect(radio, &QRadioButton::toggled, this, notify);
    }
    connect(m_learningRate, &QLineEdit::textChanged, this, notify);
    connect(m_valFile, &QLineEdit::textChanged, this, notify);
    connect(m_maxLength, &QSpinBox::valueChanged, this, [this] { updateTruncation(); });
    const auto precisionNote = [this] { updatePrecisionNote(); };
    connect(m_device, &QComboBox::currentIndexChanged, this, precisionNote);
    connect(m_precision, &QComboBox::currentIndexChanged, this, precisionNote);
    updatePrecisionNote();
}

PrecisionChoice TrainSettingsForm::precisionChoice() const {
    const TrainOptions o = options();
    return precisionHere(o.precision, o.device == DeviceChoice::Cpu);
}

void TrainSettingsForm::updatePrecisionNote() {
    const PrecisionChoice choice = precisionChoice();
    m_precisionNote->setText(tr("Runs %1.").arg(QString::fromStdString(choice.reason)));
}

TrainOptions TrainSettingsForm::options() const {
    TrainOptions o;
    o.encoder.maxLength = m_maxLength->value();
    o.encoder.truncation = dataOf(m_truncationMode) == QLatin1String("head_tail")
                               ? Truncation::HeadTail
                               : Truncation::Head;
    o.encoder.pairTitleBody = m_pairTitleBody->isChecked();
    o.encoder.cleanup = cleanup();
    o.head = parseHeadKind(dataOf(m_head).toStdString());
    o.pooling = parsePooling(dataOf(m_pooling).toStdString()); // "" → unset
    o.dropout = m_dropoutOverride->isChecked() ? m_dropout->value() : -1.0;
    o.epochs = m_epochs->value();
    o.batchSize = m_batchSize->value();
    o.gradAccumulation = m_gradAccumulation->value();
    bool ok = false;
    const QString rateText = m_learningRate->text().trimmed();
    const double rate = QLocale::c().toDouble(rateText, &ok);
    // Empty: auto. Unreadable or not above 0: -1, which problems() reports as typed.
    o.learningRate = rateText.isEmpty() ? kAutoLearningRate : ok && rate > 0.0 ? rate : -1.0;
    o.warmupFraction = m_warmup->value() / 100.0;
    o.weightDecay = m_weightDecay->value();
    o.maxGradNorm = m_maxGradNorm->value();
    o.layerDecay = m_layerDecay->value();
    o.classWeights =
        parseClassWeighting(dataOf(m_classWeights).toStdString()).value_or(ClassWeighting::None);
    o.valFraction = m_valAuto->isChecked() ? kAutoValFraction : m_valFraction->value() / 100.0;
    o.valPath = m_valFileChoice->isChecked() ? m_valFile->text().trimmed().toStdString() : "";
    o.evalEverySteps = m_evalEvery->value();
    o.stopMetric =
        parseStopMetric(dataOf(m_stopMetric).toStdString()).value_or(StopMetric::MacroF1);
    o.patience = m_patience->value();
    o.seed = static_cast<std::uint64_t>(m_seed->value());
    o.device = parseDeviceChoice(dataOf(m_device).toStdString()).value_or(DeviceChoice::Auto);
    o.precision = parsePrecision(dataOf(m_precision).toStdString()).value_or(Precision::Auto);
    o.saveDtype = parseSaveDtype(dataOf(m_saveDtype).toStdString()).value_or(SaveDtype::Float32);
    return o;
}

void TrainSettingsForm::setOptions(const TrainOptions& o) {
    m_maxLength->setValue(o.encoder.maxLength);
    selectData(m_truncationMode, o.encoder.truncation == Truncation::HeadTail
                                     ? QStringLiteral("head_tail")
                                     : QStringLiteral("head"));
    m_pairTitleBody->setChecked(o.encoder.pairTitleBody);
    for (auto* check : m_cleanupSteps) {
        check->setChecked((o.encoder.cleanup.steps & check->property("cleanupStep").toUInt()) !=
                          0U);
    }
    selectData(m_head, QLatin1String(headName(o.head.value_or(HeadKind::Linear))));
    selectData(m_pooling, o.pooling ? QLatin1String(poolingName(*o.pooling)) : QString());
    m_dropoutOverride->setChecked(o.dropout >= 0.0);
    m_dropout->setEnabled(o.dropout >= 0.0);
    m_dropout->setValue(o.dropout >= 0.0 ? o.dropout : 0.1);
    m_epochs->setValue(o.epochs);
    m_batchSize->setValue(o.batchSize);
    m_gradAccumulation->setValue(o.gradAccumulation);
    m_learningRate->setText(o.learningRate == kAutoLearningRate
                                ? QString()
                                : QLocale::c().toString(o.learningRate, 'g', 6));
    m_warmup->setValue(o.warmupFraction * 100.0);
    m_weightDecay->setValue(o.weightDecay);
    m_maxGradNorm->setValue(o.maxGradNorm);
    m_layerDecay->setValue(o.layerDecay);
    selectData(m_classWeights, QLatin1String(classWeightingName(o.classWeights)));
    const bool autoSplit = o.valFraction == kAutoValFraction;
    m_valFraction->setValue((autoSplit ? kDefaultValFraction : o.valFraction) * 100.0);
    if (!o.valPath.empty()) {
        m_valFile->setText(QString::fromStdString(o.valPath));
    }
    m_valFileChoice->setChecked(!o.valPath.empty());
    m_valAuto->setChecked(o.valPath.empty() && autoSplit);
    m_split->setChecked(o.valPath.empty() && !autoSplit);
    m_valFraction->setEnabled(o.valPath.empty() && !autoSplit);
    m_valFile->setEnabled(!o.valPath.empty());
    m_evalEvery->setValue(o.evalEverySteps);
    selectData(m_stopMetric, QLatin1String(stopMetricName(o.stopMetric)));
    m_patience->setValue(o.patience);
    m_seed->setValue(static_cast<int>(std::min<std::uint64_t>(
        o.seed, static_cast<std::uint64_t>(std::numeric_limits<int>::max()))));
    selectData(m_device, QLatin1String(deviceChoiceName(o.device)));
    selectData(m_precision, QLatin1String(precisionName(o.precision)));
    selectData(m_saveDtype, QLatin1String(saveDtypeName(o.saveDtype)));
    updateTruncation();
    updateProblems();
}

void TrainSettingsForm::resetToDefaults() {
    setOptions(TrainOptions{});
}

TextCleanup TrainSettingsForm::cleanup() const {
    TextCleanup out;
    for (const auto* check : m_cleanupSteps) {
        if (check->isChecked()) {
            out.steps |= check->property("cleanupStep").toUInt();
        }
    }
    return out;
}

void TrainSettingsForm::setTokenLengths(std::vector<int> lengths) {
    m_tokenLengths = std::move(lengths);
    updateTruncation();
}

QString TrainSettingsForm::truncationText() const {
    if (m_tokenLengths.empty()) {
        return m_maxLength->value() == kAutoMaxLength
                   ? tr("Auto: chosen from the training issues' lengths when the run starts.")
                   : tr("Open a dataset on the Data page to see how many issues this length "
                        "cuts.");
    }
    const QLocale locale;
    const bool automatic = m_maxLength->value() == kAutoMaxLength;
    const int length = automatic ? autoMaxLength(m_tokenLengths) : m_maxLength->value();
    // [CLS] and [SEP] take two of the max length's tokens.
    const int room = length - 2;
    const auto cut = std::count_if(m_tokenLengths.begin(), m_tokenLengths.end(),
                                   [room](int count) { return count > room; });
    const double share =
        100.0 * static_cast<double>(cut) / static_cast<double>(m_tokenLengths.size());
    const QString text =
        tr("%1 % of your issues (%2 of %3) are cut at %4 tokens.")
            .arg(locale.toString(share, 'f', 1), locale.toString(static_cast<qlonglong>(cut)),
                 locale.toString(static_cast<qlonglong>(m_tokenLengths.size())),
                 locale.toString(length));
    return automatic ? tr("Auto picks about %1 for this dataset. ").arg(length) + text : text;
}

QStringList TrainSettingsForm::problems() const {
    TrainOptions o = options();
    // The page fills these in; only the form's own values are checked here.
    o.trainPath = "train";
    o.outDir = "run";
    QStringList out;
    if (o.learningRate < 0.0) { // what was typed is no rate: say it as typed
        out << tr("learning rate \"%1\" must be a number above 0 (empty: auto)")
                   .arg(m_learningRate->text().trimmed());
        o.learningRate = kAutoLearningRate;
    }
    for (const auto& problem : validateOptions(o)) {
        out << QString::fromStdString(problem);
    }
    if (m_valFileChoice->isChecked() && m_valFile->text().trimmed().isEmpty()) {
        out << tr("choose a validation file, or split off part of the training data");
    }
    return out;
}

QString TrainSettingsForm::validationFile() const {
    return m_valFileChoice->isChecked() ? m_valFile->text().trimmed() : QString();
}

void TrainSettingsForm::setValidationFile(const QString& path) {
    m_valFile->setText(path);
    if (!path.isEmpty()) {
        m_valFileChoice->setChecked(true);
    } else if (m_valFileChoice->isChecked()) {
        m_valAuto->setChecked(true);
    }
}

void TrainSettingsForm::updateTruncation() {
    m_truncation->setText(truncationText());
}

void TrainSettingsForm::updateProblems() {
    const QStringList found = problems();
    m_problems->setText(found.isEmpty()
                            ? QString()
                            : tr("Cannot start: %1.").arg(found.join(QStringLiteral("; "))));
    m_problems->setVisible(!found.isEmpty());
    Q_EMIT changed(found.isEmpty());
}

void TrainSettingsForm::saveSettings() const {
    settings::kTrainOptions.set(QString::fromStdString(trainOptionsToJson(options())));
    settings::kValidationFile.set(m_valFile->text());
}

void TrainSettingsForm::restoreSettings() {
    const QString json = settings::kTrainOptions.get();
    TrainOptions o;
    if (!json.isEmpty()) {
        try {
            o = trainOptionsFromJson(json.toStdString(), "saved settings");
        } catch (const Error&) {
            o = TrainOptions{}; // settings of an older version: start from the defaults
        }
    }
    setOptions(o);
    const QString valFile = settings::kValidationFile.get();
    if (o.valPath.empty() && !valFile.isEmpty()) {
        m_valFile->setText(valFile);
    }
}

} // namespace issuebert
