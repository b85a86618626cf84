// Raw-value sorting and byte-level search for the Data page's table.
#include "ui/models/datasetfilterproxy.h"

#include "ui/models/datasettablemodel.h"

#include <algorithm>

namespace issuebert {

namespace {

char asciiLower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool containsFolded(const std::string& haystack, const std::string& needle) {
    const auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                                [](char a, char b) { return asciiLower(a) == b; });
    return it != haystack.end();
}

bool allDigits(const std::string& s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool foldedLess(const std::string& a, const std::string& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return static_cast<unsigned char>(asciiLower(x)) <
               static_cast<unsigned char>(asciiLower(y));
    });
}

// Numeric ids ("2" before "10") compare as numbers, others byte-wise.
bool idLess(const std::string& a, const std::string& b) {
    if (allDigits(a) && allDigits(b) && a.size() != b.size()) {
        return a.size() < b.size();
    }
    return a < b;
}

} // namespace

DatasetFilterProxy::DatasetFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(DatasetTableModel::kSortRole);
}

void DatasetFilterProxy::setSourceModel(QAbstractItemModel* model) {
    m_model = qobject_cast<const DatasetTableModel*>(model);
    Q_ASSERT(m_model != nullptr || model == nullptr);
    QSortFilterProxyModel::setSourceModel(model);
}

void DatasetFilterProxy::setSearchText(const QString& text) {
    std::string needle = text.trimmed().toUtf8().toStdString();
    std::transform(needle.begin(), needle.end(), needle.begin(), asciiLower);
    if (needle == m_needle) {
        return;
    }
    m_needle = std::move(needle);
    invalidateRowsFilter();
}

void DatasetFilterProxy::setLabelFilter(int label) {
    if (label == m_label) {
        return;
    }
    m_label = label;
    invalidateRowsFilter();
}

bool DatasetFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    if (m_model == nullptr || sourceParent.isValid()) {
        return true;
    }
    const Issue& issue = m_model->issue(sourceRow);
    if (m_label != kAllLabels && issue.label != m_label) {
        return false;
    }
    return m_needle.empty() || containsFolded(issue.title, m_needle) ||
           containsFolded(issue.body, m_needle);
}

bool DatasetFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    if (m_model == nullptr) {
        return QSortFilterProxyModel::lessThan(left, right);
    }
    const int a = left.row();
    const int b = right.row();
    switch (left.column()) {
    case DatasetTableModel::RowColumn:
        return a < b;
    case DatasetTableModel::IdColumn:
        return idLess(m_model->issue(a).id, m_model->issue(b).id);
    case DatasetTableModel::LabelColumn:
        // Label-set order (bug, feature, question), unlabelled first.
        return m_model->issue(a).label < m_model->issue(b).label;
    case DatasetTableModel::TitleColumn:
        return foldedLess(m_model->issue(a).title, m_model->issue(b).title);
    case DatasetTableModel::BodyColumn:
        return foldedLess(m_model->issue(a).body, m_model->issue(b).body);
    case DatasetTableModel::CharactersColumn:
        return m_model->characters(a) < m_model->characters(b);
    case DatasetTableModel::TokensColumn:
        return m_model->tokens(a) < m_model->tokens(b);
    default:
        return QSortFilterProxyModel::lessThan(left, right);
    }
}

} // namespace issuebert
