// Predictions table model: display strings on demand, raw values for sorting,
// true labels matched to the model's classes by name.
#include "ui/models/predictionstablemodel.h"

#include "core/eval/threshold_coverage.h"
#include "core/io/errors.h"
#include "ui/models/datasettablemodel.h"

#include <QColor>
#include <QFont>

#include <algorithm>

namespace issuebert {

namespace {

// Mid-tones that read on light and dark backgrounds: a right and a wrong true label.
const QColor kRightColor(46, 160, 67);
const QColor kWrongColor(214, 69, 65);
// An uncertain prediction is greyed out (and set in italics).
const QColor kUncertainColor(128, 128, 128);
// Title characters shown in the Title column.
constexpr int kTitleChars = 200;

const std::vector<Issue>& noIssues() {
    static const std::vector<Issue> empty;
    return empty;
}

void checkResults(const std::vector<Issue>& issues, const Predictions& predictions) {
    const std::size_t rows = issues.size();
    const auto classes = static_cast<std::size_t>(predictions.numClasses());
    auto fail = [](const std::string& what) { throw DataError("predictions: " + what); };
    if (predictions.size() != rows || predictions.confidence.size() != rows) {
        fail(std::to_string(predictions.size()) + " predicted classes and " +
             std::to_string(predictions.confidence.size()) + " confidences for " +
             std::to_string(rows) + " issues");
    }
    if (predictions.probabilities.size() != rows * classes) {
        fail(std::to_string(predictions.probabilities.size()) + " probabilities for " +
             std::to_string(rows) + " issues and " + std::to_string(classes) + " classes");
    }
    for (std::size_t row = 0; row < rows; ++row) {
        const int cls = predictions.predicted[row];
        if (cls < 0 || static_cast<std::size_t>(cls) >= classes) {
            fail("issue \"" + issues[row].id + "\" is predicted as class " + std::to_string(cls) +
                 " of " + std::to_string(classes));
        }
    }
}

void appendFolded(std::string& out, const std::string& text) {
    // Most issue text is ASCII: folded byte by byte, twice as quick as through
    // QString (the first search over 150,000 rows waits for this).
    const bool ascii = std::all_of(text.begin(), text.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (!ascii) {
        out += foldForSearch(QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())));
        return;
    }
    const std::size_t start = out.size();
    out += text;
    for (std::size_t i = start; i < out.size(); ++i) {
        if (out[i] >= 'A' && out[i] <= 'Z') {
            out[i] = static_cast<char>(out[i] - 'A' + 'a');
        }
    }
}

} // namespace

std::string foldForSearch(const QString& text) {
    // Qt folds one character to one; "ß" to "ss" is the full folding that
    // German text needs most, so "Straße" and "STRASSE" find each other.
    QString folded = text.toCaseFolded();
    folded.replace(QChar(0x00DF), QLatin1String("ss"));
    return folded.toStdString();
}

QString percentText(double probability) {
    return QString::number(100.0 * probability, 'f', 1) + QLatin1Char('%');
}

PredictionsTableModel::PredictionsTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void PredictionsTableModel::setResults(std::shared_ptr<const std::vector<Issue>> issues,
                                       Predictions predictions,
                                       std::vector<std::string> datasetLabels) {
    const std::vector<Issue>& rows = issues ? *issues : noIssues();
    checkResults(rows, predictions);
    std::vector<int> truth = truthInModelOrder(rows, datasetLabels, predictions.labels);
    // Makes `uncertain` match the threshold even when the Predictor left it empty.
    applyThreshold(predictions, predictions.threshold);

    beginResetModel();
    m_issues = std::move(issues);
    m_predictions = std::move(predictions);
    m_datasetLabels = std::move(datasetLabels);
    m_truth = std::move(truth);
    m_labelledCount =
        std::count_if(m_truth.begin(), m_truth.end(), [](int label) { return label != kNoLabel; });
    m_searchText.clear();
    endResetModel();
}

void PredictionsTableModel::setResults(std::shared_ptr<const Dataset> dataset,
                                       Predictions predictions) {
    if (!dataset) {
        setResults(std::shared_ptr<const std::vector<Issue>>(), std::move(predictions), {});
        return;
    }
    // Aliasing: shares the dataset's ownership without copying its issues.
    std::shared_ptr<const std::vector<Issue>> issues(dataset, &dataset->issues);
    setResults(std::move(issues), std::move(predictions), dataset->labels.names());
}

void PredictionsTableModel::clear() {
    setResults(std::shared_ptr<const std::vector<Issue>>(), Predictions{}, {});
}

void PredictionsTableModel::setThreshold(float threshold) {
    const std::vector<bool> before = m_predictions.uncertain;
    const float previous = m_predictions.threshold;
    applyThreshold(m_predictions, threshold);
    int first = -1;
    int last = -1;
    for (std::size_t row = 0; row < before.size(); ++row) {
        if (before[row] != m_predictions.uncertain[row]) {
            first = first < 0 ? static_cast<int>(row) : first;
            last = static_cast<int>(row);
        }
    }
    if (first >= 0) {
        // Roles named so that a proxy sorting or filtering by other roles skips the rows.
        Q_EMIT dataChanged(QAbstractTableModel::index(first, PredictedColumn),
                           QAbstractTableModel::index(last, PredictedColumn),
                           {Qt::FontRole, Qt::ForegroundRole, Qt::ToolTipRole, kUncertainRole});
    }
    if (threshold != previous) {
        Q_EMIT thresholdChanged(threshold);
    }
}

int PredictionsTableModel::columnClass(int column) const {
    const int cls = column - FixedColumnCount;
    return cls >= 0 && cls < numClasses() ? cls : -1;
}

int PredictionsTableModel::trueLabelColumn() const {
    return hasTrueLabels() ? FixedColumnCount + numClasses() : -1;
}

const std::vector<Issue>& PredictionsTableModel::issues() const {
    return m_issues ? *m_issues : noIssues();
}

int PredictionsTableModel::correctness(int row) const {
    const int truth = m_truth[at(row)];
    if (truth == kNoLabel) {
        return -1;
    }
    return truth == predictedClass(row) ? 1 : 0;
}

const std::string& PredictionsTableModel::searchText(int row) const {
    if (m_searchText.size() != issues().size()) {
        m_searchText.clear();
        m_searchText.reserve(issues().size());
        for (const Issue& item : issues()) {
            std::string text;
            appendFolded(text, item.id);
            text += '\0';
            appendFolded(text, item.title);
            text += '\0';
            appendFolded(text, item.body);
            m_searchText.push_back(std::move(text));
        }
    }
    return m_searchText[at(row)];
}

int PredictionsTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(issues().size());
}

int PredictionsTableModel::columnCount(const QModelIndex& parent) const {
    if (parent.isValid()) {
        return 0;
    }
    return FixedColumnCount + numClasses() + (hasTrueLabels() ? 1 : 0);
}

QString PredictionsTableModel::trueLabelName(int row) const {
    const Issue& item = issue(row);
    return QString::fromStdString(m_datasetLabels[static_cast<std::size_t>(item.label)]);
}

QVariant PredictionsTableModel::display(int row, int column) const {
    switch (column) {
    case IdColumn:
        return QString::fromStdString(issue(row).id);
    case TitleColumn:
        return firstLinePreview(issue(row).title, kTitleChars);
    case PredictedColumn:
        return QString::fromStdString(m_predictions.labels[at(predictedClass(row))]);
    case ConfidenceColumn:
        return percentText(confidence(row));
    default:
        break;
    }
    if (const int cls = columnClass(column); cls >= 0) {
        return percentText(probability(row, cls));
    }
    if (column == trueLabelColumn()) {
        switch (correctness(row)) {
        case 1:
            return QStringLiteral("✓ ") + trueLabelName(row);
        case 0:
            return QStringLiteral("✗ ") + trueLabelName(row);
        default:
            return QStringLiteral("—");
        }
    }
    return {};
}

QVariant PredictionsTableModel::sortValue(int row, int column) const {
    switch (column) {
    case IdColumn:
        return QString::fromStdString(issue(row).id);
    case TitleColumn:
        return QString::fromStdString(issue(row).title);
    case PredictedColumn:
        return predictedClass(row);
    case ConfidenceColumn:
        return static_cast<double>(confidence(row));
    default:
        break;
    }
    if (const int cls = columnClass(column); cls >= 0) {
        return static_cast<double>(probability(row, cls));
    }
    if (column == trueLabelColumn()) {
        return correctness(row);
    }
    return {};
}

QString PredictionsTableModel::tooltip(int row, int column) const {
    const Issue& item = issue(row);
    // Enough bytes for kTooltipBodyChars characters of any script.
    const std::size_t bytes = std::min<std::size_t>(item.body.size(), 4 * kTooltipBodyChars + 4);
    QString body = QString::fromUtf8(item.body.data(), static_cast<qsizetype>(bytes)).trimmed();
    const bool cut = body.size() > kTooltipBodyChars || bytes < item.body.size();
    body.truncate(kTooltipBodyChars);
    if (!body.isEmpty() && body.back().isHighSurrogate()) {
        body.chop(1);
    }
    if (cut) {
        body.append(QChar(0x2026));
    }
    QString text = QString::fromStdString(item.title);
    if (!body.isEmpty()) {
        text += (text.isEmpty() ? QString() : QStringLiteral("\n\n")) + body;
    }
    if (column == PredictedColumn && isUncertain(row)) {
        text = tr("Uncertain: confidence %1 is below the threshold %2")
                   .arg(percentText(confidence(row)), percentText(threshold())) +
               QStringLiteral("\n\n") + text;
    }
    return text;
}

QVariant PredictionsTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.parent().isValid() || index.row() >= rowCount() ||
        index.column() >= columnCount()) {
        return {};
    }
    const int row = index.row();
    const int column = index.column();
    const bool probabilityColumn = column == ConfidenceColumn || columnClass(column) >= 0;
    switch (role) {
    case Qt::DisplayRole:
        return display(row, column);
    case kSortRole:
        return sortValue(row, column);
    case kSourceRowRole:
        return row;
    case kProbabilityRole:
        return probabilityColumn ? sortValue(row, column) : QVariant();
    case kUncertainRole:
        return column == PredictedColumn ? QVariant(isUncertain(row)) : QVariant();
    case Qt::ToolTipRole:
        return tooltip(row, column);
    case Qt::FontRole:
        if (column == PredictedColumn && isUncertain(row)) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    case Qt::ForegroundRole:
        if (column == PredictedColumn && isUncertain(row)) {
            return kUncertainColor;
        }
        if (column == trueLabelColumn() && correctness(row) >= 0) {
            return correctness(row) == 1 ? kRightColor : kWrongColor;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (probabilityColumn) {
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        }
        return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant PredictionsTableModel::headerData(int section, Qt::Orientation orientation,
                                           int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount() ||
        (role != Qt::DisplayRole && role != Qt::ToolTipRole)) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    const bool tip = role == Qt::ToolTipRole;
    switch (section) {
    case IdColumn:
        return tip ? QVariant() : tr("ID");
    case TitleColumn:
        return tip ? QVariant() : tr("Title");
    case PredictedColumn:
        return tip ? tr("The most probable class; in grey italics when its confidence is below "
                        "the threshold")
                   : tr("Predicted");
    case ConfidenceColumn:
        return tip ? tr("The predicted class's probability") : tr("Confidence");
    default:
        break;
    }
    if (const int cls = columnClass(section); cls >= 0) {
        const QString name = QString::fromStdString(m_predictions.labels[at(cls)]);
        return tip ? tr("Probability of %1").arg(name) : QStringLiteral("P(%1)").arg(name);
    }
    return tip ? tr("The issue's label in the dataset: ✓ predicted right, ✗ wrong")
               : tr("True label");
}

} // namespace issuebert
