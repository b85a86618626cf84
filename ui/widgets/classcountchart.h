// Bar chart of how many issues carry each label (class balance at a glance).
#pragma once

#include <QWidget>

#include <string>
#include <utility>
#include <vector>

class QCPBars;
class QCustomPlot;
class QLabel;
class QStackedLayout;

namespace issuebert {

class ClassCountChart : public QWidget {
    Q_OBJECT

public:
    explicit ClassCountChart(QWidget* parent = nullptr);

    // One bar per label, in the given order, each with its count on top.
    void setCounts(const std::vector<std::pair<std::string, long long>>& counts);
    void clear();

    QCustomPlot* plot() const { return m_plot; }
    QCPBars* bars() const { return m_bars; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void restyle();

    QStackedLayout* m_stack;
    QCustomPlot* m_plot;
    QCPBars* m_bars;
    QLabel* m_empty;
};

} // namespace issuebert
