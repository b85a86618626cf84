// Histogram of tokens per issue with the max-length cut marked, a "Max
// length" spin box and a live "% of issues truncated" line.
#pragma once

#include <QWidget>

#include <vector>

class QCPBars;
class QCPItemRect;
class QCPItemStraightLine;
class QCPItemText;
class QCustomPlot;
class QLabel;
class QSpinBox;
class QStackedLayout;

namespace issuebert {

class LengthHistogram : public QWidget {
    Q_OBJECT

public:
    // The spin box's range and default (the tutorial's 150).
    static constexpr int kMinLength = 16;
    static constexpr int kMaxLength = 512;
    static constexpr int kDefaultLength = 150;
    // Tokens every sequence spends on [CLS] and [SEP].
    static constexpr int kSpecialTokens = 2;

    explicit LengthHistogram(QWidget* parent = nullptr);

    // WordPiece tokens per issue, without specials. The histogram counts
    // tokens + kSpecialTokens, what a sequence of max length holds.
    void setLengths(std::vector<int> tokenLengths);
    // No token counts: shows message (selectable) instead of the chart.
    void setUnavailable(const QString& message);

    int maxLength() const;
    void setMaxLength(int length);
    // Share of issues longer than maxLength(); 0 without lengths.
    double truncatedFraction() const;
    // The "23.4% of issues truncated at 150 tokens" line.
    QString truncatedText() const;
    bool hasLengths() const { return !m_sorted.empty(); }

    QCustomPlot* plot() const { return m_plot; }
    QCPBars* bars() const { return m_bars; }
    QCPItemStraightLine* marker() const { return m_marker; }
    QSpinBox* spinBox() const { return m_spin; }
    QString unavailableMessage() const;

Q_SIGNALS:
    void maxLengthChanged(int length);

protected:
    void changeEvent(QEvent* event) override;

private:
    void rebuildBars();
    void updateMarker();
    void restyle();

    QStackedLayout* m_stack;
    QCustomPlot* m_plot;
    QCPBars* m_bars;
    QCPItemStraightLine* m_marker;
    QCPItemRect* m_cutArea;
    QCPItemText* m_markerText;
    QLabel* m_message;
    QSpinBox* m_spin;
    QLabel* m_truncated;
    std::vector<int> m_sorted; // tokens incl. specials, ascending
    double m_dataUpper = 0;    // right edge of the last bin
};

} // namespace issuebert
