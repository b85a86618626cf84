// Sorting and filtering over PredictionsTableModel: predicted classes, a
// confidence range, misclassified only and a text search, applied together.
// Compares the model's raw values, so 30,000+ rows sort and filter quickly.
#pragma once

#include <QSortFilterProxyModel>

#include <cstddef>
#include <string>
#include <vector>

namespace issuebert {

class PredictionsTableModel;

// Everything the Predictions page filters on; the default lets every row through.
struct PredictionsFilter {
    std::vector<int> classes; // predicted classes (the model's indices); empty: all
    double minConfidence = 0.0;
    double maxConfidence = 1.0;     // the range is inclusive at both ends
    bool misclassifiedOnly = false; // rows with a true label the prediction misses
    QString search;                 // case-insensitive substring of id, title or body

    bool operator==(const PredictionsFilter& other) const = default;
};

class PredictionsFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT

public:
    explicit PredictionsFilterProxy(QObject* parent = nullptr);

    // The source must be a PredictionsTableModel.
    void setSourceModel(QAbstractItemModel* model) override;

    // Each setter filters the rows again once, and not at all when nothing
    // changed; setFilter changes several settings with a single pass.
    void setFilter(const PredictionsFilter& filter);
    const PredictionsFilter& filter() const { return m_filter; }
    void setPredictedClasses(std::vector<int> classes);
    void setConfidenceRange(double lo, double hi);
    void setMisclassifiedOnly(bool only);
    void setSearchText(const QString& text);

    // The model rows now shown, in the view's order: what "export the
    // filtered rows" writes.
    std::vector<std::size_t> sourceRows() const;

Q_SIGNALS:
    // After the shown rows changed because a filter did.
    void filterApplied(int shownRows);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    const PredictionsTableModel* m_model = nullptr;
    PredictionsFilter m_filter;
    std::vector<char> m_classShown; // by class index; empty: every class
    std::string m_needle;           // m_filter.search trimmed, case-folded, UTF-8
};

} // namespace issuebert
