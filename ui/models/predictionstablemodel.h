// Item model over a Predictor's results: the Predictions page's table. One row
// per issue; id, title, predicted class, confidence, one probability column
// per class and, when any issue is labelled, the true label marked right or
// wrong. Display strings are made in data() for the cells a view paints.
#pragma once

#include "core/data/dataset.h"
#include "core/eval/predictions.h"

#include <QAbstractTableModel>

#include <memory>
#include <string>
#include <vector>

namespace issuebert {

class PredictionsTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    // The columns before the probabilities; then one "P(<class>)" per class of
    // the model, then "True label" when hasTrueLabels().
    enum FixedColumn { IdColumn, TitleColumn, PredictedColumn, ConfidenceColumn, FixedColumnCount };
    // Raw values for sorting: QString for id and title, the class index (int)
    // for Predicted, double for confidence and probabilities, and for the true
    // label 1 right, 0 wrong, -1 unlabelled.
    static constexpr int kSortRole = Qt::UserRole;
    // The row in the model (the issue's index), for any column.
    static constexpr int kSourceRowRole = Qt::UserRole + 1;
    // double in [0, 1] on Confidence and probability columns: ProbabilityDelegate's bar.
    static constexpr int kProbabilityRole = Qt::UserRole + 2;
    // bool on the Predicted column: confidence below the threshold.
    static constexpr int kUncertainRole = Qt::UserRole + 3;
    // Characters of body shown in a row's tooltip.
    static constexpr int kTooltipBodyChars = 300;

    explicit PredictionsTableModel(QObject* parent = nullptr);

    // predictions hold one row per issue; datasetLabels name the issues' label
    // indices (the dataset's LabelSet). True labels are matched to the model's
    // classes by name; a label the model does not know counts as wrong. Throws
    // DataError, leaving the model as it was, when the sizes disagree.
    void setResults(std::shared_ptr<const std::vector<Issue>> issues, Predictions predictions,
                    std::vector<std::string> datasetLabels);
    void setResults(std::shared_ptr<const Dataset> dataset, Predictions predictions);
    void clear();

    // Re-marks rows with confidence below threshold (in [0, 1]) as uncertain;
    // throws DataError outside it. Only the Predicted column changes.
    void setThreshold(float threshold);
    float threshold() const { return m_predictions.threshold; }

    int numClasses() const { return m_predictions.numClasses(); }
    int probabilityColumn(int cls) const { return FixedColumnCount + cls; }
    // The class of a probability column, -1 for other columns.
    int columnClass(int column) const;
    // -1 when no issue has a true label (the column is not shown).
    int trueLabelColumn() const;
    bool hasTrueLabels() const { return m_labelledCount > 0; }

    // For the CSV export: writePredictionsCsv(path, issues(), datasetLabels(),
    // predictions(), proxy.sourceRows()).
    const std::vector<Issue>& issues() const;
    const std::vector<std::string>& datasetLabels() const { return m_datasetLabels; }
    const Predictions& predictions() const { return m_predictions; }
    // True labels in the model's class order (truthInModelOrder), for coverageCurve.
    const std::vector<int>& truth() const { return m_truth; }

    const Issue& issue(int row) const { return issues()[static_cast<std::size_t>(row)]; }
    int predictedClass(int row) const { return m_predictions.predicted[at(row)]; }
    float confidence(int row) const { return m_predictions.confidence[at(row)]; }
    float probability(int row, int cls) const { return m_predictions.probability(at(row), cls); }
    bool isUncertain(int row) const { return m_predictions.uncertain[at(row)]; }
    // 1 right, 0 wrong (a label the model does not know included), -1 unlabelled.
    int correctness(int row) const;
    bool isMisclassified(int row) const { return correctness(row) == 0; }
    // Case-folded UTF-8 of id, title and body (NUL between them) for the text
    // search; built for all rows on the first call after setResults.
    const std::string& searchText(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void thresholdChanged(float threshold);

private:
    static std::size_t at(int row) { return static_cast<std::size_t>(row); }
    QVariant display(int row, int column) const;
    QVariant sortValue(int row, int column) const;
    QString trueLabelName(int row) const;
    QString tooltip(int row, int column) const;

    std::shared_ptr<const std::vector<Issue>> m_issues;
    Predictions m_predictions;
    std::vector<std::string> m_datasetLabels;
    std::vector<int> m_truth;
    long long m_labelledCount = 0;
    mutable std::vector<std::string> m_searchText; // empty until searchText() is first asked
};

// Text as the search compares it: case-folded UTF-8 ("CRASH" and "Straße"
// become "crash" and "strasse").
std::string foldForSearch(const QString& text);

// Probability as the table shows it: "83.1%".
QString percentText(double probability);

} // namespace issuebert
