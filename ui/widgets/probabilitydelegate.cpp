// Probability bars for the Predictions table.
#include "ui/widgets/probabilitydelegate.h"

#include "ui/models/predictionstablemodel.h"

#include <QApplication>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace issuebert {

namespace {

// Space between the bar and the cell's edges, in pixels.
constexpr int kMargin = 2;
// The narrowest cell that still fits "100.0%" beside some bar.
constexpr int kMinimumWidth = 72;
// How much darker (or lighter) than the highlight the bar is on a selected row, in percent.
constexpr int kSelectedShade = 150;

QColor mix(const QColor& a, const QColor& b, double weightOfA) {
    const double w = std::clamp(weightOfA, 0.0, 1.0);
    // Whole 8-bit channels: the colour painted is exactly the colour returned.
    auto channel = [w](int x, int y) { return static_cast<int>(std::lround(w * x + (1 - w) * y)); };
    return {channel(a.red(), b.red()), channel(a.green(), b.green()), channel(a.blue(), b.blue())};
}

} // namespace

ProbabilityDelegate::ProbabilityDelegate(QObject* parent) : QStyledItemDelegate(parent) {}

QColor ProbabilityDelegate::barColor(const QPalette& palette, bool selected) {
    // On a selected row the background is the highlight itself: the bar is
    // the highlight moved away from the highlighted text, which only adds contrast.
    if (selected) {
        const QColor highlight = palette.color(QPalette::Highlight);
        return palette.color(QPalette::HighlightedText).lightness() > 127
                   ? highlight.darker(kSelectedShade)
                   : highlight.lighter(kSelectedShade);
    }
    return mix(palette.color(QPalette::Highlight), palette.color(QPalette::Base), 0.45);
}

QColor ProbabilityDelegate::textColor(const QPalette& palette, bool selected) {
    return palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
}

QRect ProbabilityDelegate::barRect(const QRect& cell, double p) {
    const QRect inner = cell.adjusted(kMargin, kMargin, -kMargin, -kMargin);
    const double clamped = std::isnan(p) ? 0.0 : std::clamp(p, 0.0, 1.0);
    const int width = static_cast<int>(std::lround(clamped * inner.width()));
    return {inner.left(), inner.top(), width, inner.height()};
}

void ProbabilityDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                                const QModelIndex& index) const {
    const QVariant value = index.data(PredictionsTableModel::kProbabilityRole);
    if (!value.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const bool selected = opt.state.testFlag(QStyle::State_Selected);
    const QString text = opt.text.isEmpty() ? percentText(value.toDouble()) : opt.text;
    // The style draws the cell's background (selection, alternate rows, focus);
    // the bar and text are drawn over it.
    opt.text.clear();
    const QWidget* widget = opt.widget;
    QStyle* style = widget != nullptr ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    painter->save();
    painter->fillRect(barRect(opt.rect, value.toDouble()), barColor(opt.palette, selected));
    painter->setPen(textColor(opt.palette, selected));
    painter->setFont(opt.font);
    const QRect textRect = opt.rect.adjusted(2 * kMargin, 0, -2 * kMargin, 0);
    painter->drawText(textRect, Qt::AlignRight | Qt::AlignVCenter, text);
    painter->restore();
}

QSize ProbabilityDelegate::sizeHint(const QStyleOptionViewItem& option,
                                    const QModelIndex& index) const {
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    if (index.data(PredictionsTableModel::kProbabilityRole).isValid()) {
        size.setWidth(std::max(size.width(), kMinimumWidth));
    }
    return size;
}

} // namespace issuebert
