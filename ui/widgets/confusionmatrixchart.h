// The Evaluate page's confusion-matrix heatmap: one cell per (true, predicted)
// pair with its count and row percentage; clicking a cell asks for its issues.
#pragma once

#include "core/eval/metrics.h"

#include <QWidget>

#include <optional>
#include <utility>
#include <vector>

class QCPColorMap;
class QCPColorScale;
class QCPItemRect;
class QCPItemText;
class QCustomPlot;
class QLabel;
class QMouseEvent;
class QStackedLayout;

namespace issuebert {

class ConfusionMatrixChart : public QWidget {
    Q_OBJECT

public:
    explicit ConfusionMatrixChart(QWidget* parent = nullptr);

    // One row per true class (first class at the top), one column per
    // predicted class. No scored issues shows the empty-state text instead.
    void setMetrics(const ClassificationMetrics& metrics);
    void clear();

    // Writes the chart as PNG at its current size (800 × 600 while it has
    // none yet). false with a message in *error when nothing is shown or the
    // file cannot be written.
    bool exportPng(const QString& path, QString* error = nullptr);

    int classCount() const { return static_cast<int>(m_names.size()); }
    bool isEmpty() const;
    // The text drawn in cell (true t, predicted p), "12\n8.0%"; empty when out of range.
    // The text hides while cells are too small for it; this still returns it.
    QString cellText(int trueClass, int predictedClass) const;
    // The text item itself (colour, font, visibility); nullptr when out of range.
    QCPItemText* cellTextItem(int trueClass, int predictedClass) const;
    // The hover tooltip of that cell, "True bug → predicted feature: 12 issues (8.0 % of bug)".
    QString cellToolTip(int trueClass, int predictedClass) const;
    // (true, predicted) of the cell under a plot pixel, if any.
    std::optional<std::pair<int, int>> cellAt(const QPointF& plotPixel) const;

    QCustomPlot* plot() const { return m_plot; }
    // Values are row percentages 0..100 (NaN for a class without true issues);
    // read them with colorMap()->data()->data(predicted, true).
    QCPColorMap* colorMap() const { return m_map; }
    QCPColorScale* colorScale() const { return m_scale; }
    QString emptyText() const;

Q_SIGNALS:
    // A left click inside a cell (press and release on the same cell).
    void cellClicked(int trueClass, int predictedClass);

protected:
    void changeEvent(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    long long count(int trueClass, int predictedClass) const;
    long long rowTotal(int trueClass) const;
    QString displayName(int index) const;
    void rebuild();
    void restyle();
    void fitTexts();
    void onMousePress(QMouseEvent* event);
    void onMouseMove(QMouseEvent* event);
    void onMouseRelease(QMouseEvent* event);

    QStackedLayout* m_stack;
    QCustomPlot* m_plot;
    QCPColorMap* m_map;
    QCPColorScale* m_scale;
    QLabel* m_empty;
    std::vector<QString> m_names;
    std::vector<std::vector<long long>> m_confusion; // [true][predicted], square
    std::vector<long long> m_rowTotals;
    std::vector<QCPItemText*> m_texts; // [true * n + predicted]
    std::vector<QCPItemRect*> m_diagonal;
    std::optional<std::pair<int, int>> m_pressed; // cell under the last left press
};

} // namespace issuebert
