// Sorting and filtering over DatasetTableModel: a text search in title and
// body and a label filter. Compares the model's raw values (ints, UTF-8
// bytes) instead of QVariants, so sorting 150,000 rows stays quick.
#pragma once

#include <QSortFilterProxyModel>

#include <string>

namespace issuebert {

class DatasetTableModel;

class DatasetFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT

public:
    // Label filter value that lets every row through.
    static constexpr int kAllLabels = -2;

    explicit DatasetFilterProxy(QObject* parent = nullptr);

    // The source must be a DatasetTableModel.
    void setSourceModel(QAbstractItemModel* model) override;

    // Case-insensitive for ASCII letters; matches title or body.
    void setSearchText(const QString& text);
    // A label index, kNoLabel for unlabelled rows, or kAllLabels.
    void setLabelFilter(int label);
    int labelFilter() const { return m_label; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    const DatasetTableModel* m_model = nullptr;
    std::string m_needle; // lower-cased UTF-8
    int m_label = kAllLabels;
};

} // namespace issuebert
