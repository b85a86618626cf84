// Per-class metrics table: rounded display strings, raw numbers for sorting,
// "—" where a ratio has no denominator, bold average rows.
#include "ui/models/classmetricsmodel.h"

#include <QFont>
#include <QLocale>

namespace issuebert {

ClassMetricsModel::ClassMetricsModel(QObject* parent) : QAbstractTableModel(parent) {}

void ClassMetricsModel::setMetrics(const ClassificationMetrics& metrics) {
    beginResetModel();
    m_rows.clear();
    const std::size_t n = metrics.perClass.size();
    const bool haveConfusion = metrics.confusion.size() == n;
    int presentClasses = 0;
    double weightedPrecision = 0;
    double weightedRecall = 0;
    long long total = 0;
    for (std::size_t c = 0; c < n; ++c) {
        const ClassMetrics& cm = metrics.perClass[c];
        Row row;
        row.name = QString::fromStdString(cm.name);
        row.precision = cm.precision;
        row.recall = cm.recall;
        row.f1 = cm.f1;
        row.support = cm.support;
        if (haveConfusion && metrics.confusion[c].size() == n) {
            row.hits = metrics.confusion[c][c];
            row.predicted = 0;
            for (std::size_t t = 0; t < n; ++t) {
                row.predicted += metrics.confusion[t][c];
            }
        }
        // The classes computeMetrics averages over: present in truth or predictions.
        if (cm.support > 0 || row.predicted != 0) {
            ++presentClasses;
        }
        weightedPrecision += cm.precision * static_cast<double>(cm.support);
        weightedRecall += cm.recall * static_cast<double>(cm.support);
        total += cm.support;
        m_rows.push_back(std::move(row));
    }
    if (n > 0) {
        Row macro;
        macro.kind = Kind::MacroAverage;
        macro.name = tr("macro avg");
        macro.precision = metrics.macroPrecision;
        macro.recall = metrics.macroRecall;
        macro.f1 = metrics.macroF1;
        macro.support = total;
        macro.presentClasses = presentClasses;
        m_rows.push_back(macro);

        Row weighted;
        weighted.kind = Kind::WeightedAverage;
        weighted.name = tr("weighted avg");
        const double denominator = total > 0 ? static_cast<double>(total) : 1.0;
        weighted.precision = weightedPrecision / denominator;
        weighted.recall = weightedRecall / denominator;
        weighted.f1 = metrics.weightedF1;
        weighted.support = total;
        m_rows.push_back(weighted);
    }
    endResetModel();
}

void ClassMetricsModel::clear() {
    setMetrics({});
}

int ClassMetricsModel::classCount() const {
    return m_rows.empty() ? 0 : static_cast<int>(m_rows.size()) - 2;
}

bool ClassMetricsModel::isSummaryRow(int row) const {
    return row >= classCount() && row < static_cast<int>(m_rows.size());
}

int ClassMetricsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ClassMetricsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

bool ClassMetricsModel::precisionUndefined(const Row& row) const {
    return row.kind == Kind::Class && row.predicted == 0;
}

bool ClassMetricsModel::recallUndefined(const Row& row) const {
    return row.kind == Kind::Class && row.support == 0;
}

QVariant ClassMetricsModel::display(const Row& row, int column) const {
    const QLocale locale;
    const QString undefined = QStringLiteral("—");
    switch (column) {
    case ClassColumn:
        return row.name;
    case PrecisionColumn:
        return precisionUndefined(row) ? undefined : locale.toString(row.precision, 'f', kDecimals);
    case RecallColumn:
        return recallUndefined(row) ? undefined : locale.toString(row.recall, 'f', kDecimals);
    case F1Column:
        return precisionUndefined(row) && recallUndefined(row)
                   ? undefined
                   : locale.toString(row.f1, 'f', kDecimals);
    case SupportColumn:
        return locale.toString(row.support);
    default:
        return {};
    }
}

QVariant ClassMetricsModel::sortValue(const Row& row, int column) const {
    switch (column) {
    case ClassColumn:
        return row.name;
    case PrecisionColumn:
        return row.precision;
    case RecallColumn:
        return row.recall;
    case F1Column:
        return row.f1;
    case SupportColumn:
        return static_cast<qlonglong>(row.support);
    default:
        return {};
    }
}

QString ClassMetricsModel::toolTip(const Row& row, int column) const {
    const QLocale locale;
    if (row.kind == Kind::MacroAverage) {
        return tr("Unweighted mean over the %1 classes that occur in the truth or the "
                  "predictions: every class counts the same, however small.")
            .arg(row.presentClasses);
    }
    if (row.kind == Kind::WeightedAverage) {
        return tr("Mean over the classes weighted by support: large classes count more. "
                  "The weighted recall equals the accuracy.");
    }
    switch (column) {
    case PrecisionColumn:
        if (row.predicted < 0) {
            return tr("Of the issues predicted %1, the share that are %1.").arg(row.name);
        }
        if (row.predicted == 0) {
            return tr("No issue was predicted %1: precision is undefined and counts as 0 in "
                      "the averages.")
                .arg(row.name);
        }
        return tr("%1 of %2 issues predicted %3 are %3.")
            .arg(locale.toString(row.hits), locale.toString(row.predicted), row.name);
    case RecallColumn:
        if (row.support == 0) {
            return tr("No true %1 issues: recall is undefined and counts as 0 in the averages.")
                .arg(row.name);
        }
        if (row.hits < 0) {
            return tr("Of the true %1 issues, the share predicted %1.").arg(row.name);
        }
        return tr("%1 of %2 true %3 issues were predicted %3.")
            .arg(locale.toString(row.hits), locale.toString(row.support), row.name);
    case F1Column:
        return tr("Harmonic mean of precision and recall for %1.").arg(row.name);
    case SupportColumn:
        return tr("%1 true %2 issues in the evaluation set.")
            .arg(locale.toString(row.support), row.name);
    default:
        return row.name;
    }
}

QVariant ClassMetricsModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount) {
        return {};
    }
    const Row& row = m_rows[static_cast<std::size_t>(index.row())];
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return display(row, column);
    case kSortRole:
        return sortValue(row, column);
    case kSummaryRole:
        return row.kind != Kind::Class;
    case Qt::ToolTipRole:
        return toolTip(row, column);
    case Qt::TextAlignmentRole:
        return column == ClassColumn ? QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter)
                                     : QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::FontRole:
        if (row.kind != Kind::Class) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    default:
        return {};
    }
}

QVariant ClassMetricsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    if (role == Qt::DisplayRole) {
        switch (section) {
        case ClassColumn:
            return tr("Class");
        case PrecisionColumn:
            return tr("Precision");
        case RecallColumn:
            return tr("Recall");
        case F1Column:
            return tr("F1");
        case SupportColumn:
            return tr("Support");
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case PrecisionColumn:
            return tr("Of the issues predicted as the class, the share that truly are.");
        case RecallColumn:
            return tr("Of the issues truly in the class, the share predicted as it.");
        case F1Column:
            return tr("Harmonic mean of precision and recall.");
        case SupportColumn:
            return tr("True issues of the class in the evaluation set.");
        default:
            return {};
        }
    }
    if (role == Qt::TextAlignmentRole && section != ClassColumn) {
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace issuebert
