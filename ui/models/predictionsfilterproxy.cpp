// Raw-value sorting and precomputed, case-folded text search for the
// Predictions page's table.
#include "ui/models/predictionsfilterproxy.h"

#include "ui/models/predictionstablemodel.h"

#include <algorithm>

namespace issuebert {

namespace {

char asciiLower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool allDigits(const std::string& s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Numeric ids ("2" before "10") compare as numbers, others byte-wise.
bool idLess(const std::string& a, const std::string& b) {
    if (allDigits(a) && allDigits(b) && a.size() != b.size()) {
        return a.size() < b.size();
    }
    return a < b;
}

bool foldedLess(const std::string& a, const std::string& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return static_cast<unsigned char>(asciiLower(x)) <
               static_cast<unsigned char>(asciiLower(y));
    });
}

} // namespace

PredictionsFilterProxy::PredictionsFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(PredictionsTableModel::kSortRole);
}

void PredictionsFilterProxy::setSourceModel(QAbstractItemModel* model) {
    m_model = qobject_cast<const PredictionsTableModel*>(model);
    Q_ASSERT(m_model != nullptr || model == nullptr);
    QSortFilterProxyModel::setSourceModel(model);
}

void PredictionsFilterProxy::setFilter(const PredictionsFilter& filter) {
    if (filter == m_filter) {
        return;
    }
    m_filter = filter;
    m_classShown.clear();
    for (int cls : m_filter.classes) {
        if (cls >= 0) {
            m_classShown.resize(std::max(m_classShown.size(), static_cast<std::size_t>(cls) + 1),
                                0);
            m_classShown[static_cast<std::size_t>(cls)] = 1;
        }
    }
    m_needle = foldForSearch(m_filter.search.trimmed());
    invalidateRowsFilter();
    Q_EMIT filterApplied(rowCount());
}

void PredictionsFilterProxy::setPredictedClasses(std::vector<int> classes) {
    std::sort(classes.begin(), classes.end());
    classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
    PredictionsFilter next = m_filter;
    next.classes = std::move(classes);
    setFilter(next);
}

void PredictionsFilterProxy::setConfidenceRange(double lo, double hi) {
    PredictionsFilter next = m_filter;
    next.minConfidence = lo;
    next.maxConfidence = hi;
    setFilter(next);
}

void PredictionsFilterProxy::setMisclassifiedOnly(bool only) {
    PredictionsFilter next = m_filter;
    next.misclassifiedOnly = only;
    setFilter(next);
}

void PredictionsFilterProxy::setSearchText(const QString& text) {
    PredictionsFilter next = m_filter;
    next.search = text;
    setFilter(next);
}

std::vector<std::size_t> PredictionsFilterProxy::sourceRows() const {
    std::vector<std::size_t> rows;
    const int count = rowCount();
    rows.reserve(static_cast<std::size_t>(count));
    for (int row = 0; row < count; ++row) {
        rows.push_back(static_cast<std::size_t>(mapToSource(index(row, 0)).row()));
    }
    return rows;
}

bool PredictionsFilterProxy::filterAcceptsRow(int sourceRow,
                                              const QModelIndex& sourceParent) const {
    if (m_model == nullptr || sourceParent.isValid()) {
        return true;
    }
    // Cheapest tests first; the text search last.
    if (!m_classShown.empty()) {
        const auto cls = static_cast<std::size_t>(m_model->predictedClass(sourceRow));
        if (cls >= m_classShown.size() || m_classShown[cls] == 0) {
            return false;
        }
    }
    // Compared as float, the confidences' type: a bound of 0.7 keeps a row whose
    // confidence is 0.7F (0.69999998 as a double) inside the range.
    const float confidence = m_model->confidence(sourceRow);
    if (confidence < static_cast<float>(m_filter.minConfidence) ||
        confidence > static_cast<float>(m_filter.maxConfidence)) {
        return false;
    }
    if (m_filter.misclassifiedOnly && !m_model->isMisclassified(sourceRow)) {
        return false;
    }
    return m_needle.empty() || m_model->searchText(sourceRow).find(m_needle) != std::string::npos;
}

bool PredictionsFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    if (m_model == nullptr) {
        return QSortFilterProxyModel::lessThan(left, right);
    }
    const int a = left.row();
    const int b = right.row();
    const int column = left.column();
    switch (column) {
    case PredictionsTableModel::IdColumn:
        return idLess(m_model->issue(a).id, m_model->issue(b).id);
    case PredictionsTableModel::TitleColumn:
        return foldedLess(m_model->issue(a).title, m_model->issue(b).title);
    case PredictionsTableModel::PredictedColumn:
        return m_model->predictedClass(a) < m_model->predictedClass(b);
    case PredictionsTableModel::ConfidenceColumn:
        return m_model->confidence(a) < m_model->confidence(b);
    default:
        break;
    }
    if (const int cls = m_model->columnClass(column); cls >= 0) {
        return m_model->probability(a, cls) < m_model->probability(b, cls);
    }
    if (column == m_model->trueLabelColumn()) {
        return m_model->correctness(a) < m_model->correctness(b);
    }
    return QSortFilterProxyModel::lessThan(left, right);
}

} // namespace issuebert
