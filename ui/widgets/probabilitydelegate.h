// Draws a probability cell as a horizontal bar (full width = 1.0) with the
// percentage over it, in palette colours that read in light and dark themes.
#pragma once

#include <QStyledItemDelegate>

namespace issuebert {

class ProbabilityDelegate : public QStyledItemDelegate {
    Q_OBJECT

public:
    // Cells without PredictionsTableModel::kProbabilityRole are drawn as usual.
    explicit ProbabilityDelegate(QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

    // The bar's colour: the highlight partly mixed into the cell's background
    // (on a selected row: a shade of the highlight), so the text keeps its
    // contrast over it.
    static QColor barColor(const QPalette& palette, bool selected);
    // The percentage's colour over that bar.
    static QColor textColor(const QPalette& palette, bool selected);
    // The bar's rectangle for probability p (clamped to [0, 1]) in cell.
    static QRect barRect(const QRect& cell, double p);
};

} // namespace issuebert
