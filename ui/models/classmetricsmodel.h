// Item model for the Evaluate page's per-class table: precision, recall, F1 and
// support per class, then the macro and weighted averages (accuracy is shown elsewhere).
#pragma once

#include "core/eval/metrics.h"

#include <QAbstractTableModel>

#include <vector>

namespace issuebert {

class ClassMetricsModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        ClassColumn,
        PrecisionColumn,
        RecallColumn,
        F1Column,
        SupportColumn,
        ColumnCount
    };
    // Raw numbers (double, or qlonglong for support; the name for the class
    // column) for sorting; the display strings are rounded.
    static constexpr int kSortRole = Qt::UserRole;
    // true on the macro and weighted average rows, so a sorting proxy can keep them last.
    static constexpr int kSummaryRole = Qt::UserRole + 1;
    // Decimals shown for precision, recall and F1 ("0.873").
    static constexpr int kDecimals = 3;

    explicit ClassMetricsModel(QObject* parent = nullptr);

    void setMetrics(const ClassificationMetrics& metrics);
    void clear();

    int classCount() const;
    bool isSummaryRow(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    enum class Kind { Class, MacroAverage, WeightedAverage };
    struct Row {
        Kind kind = Kind::Class;
        QString name;
        double precision = 0;
        double recall = 0;
        double f1 = 0;
        long long support = 0;
        long long hits = -1;      // correct predictions; -1 without a confusion matrix
        long long predicted = -1; // issues predicted as the class; -1 likewise
        int presentClasses = 0;   // classes the macro average runs over
    };

    QVariant display(const Row& row, int column) const;
    QVariant sortValue(const Row& row, int column) const;
    QString toolTip(const Row& row, int column) const;
    bool precisionUndefined(const Row& row) const;
    bool recallUndefined(const Row& row) const;

    std::vector<Row> m_rows;
};

} // namespace issuebert
