// The Data page's summary: rows, labelled and unlabelled, empty and duplicate
// texts, length percentiles and the repairs loading made.
#pragma once

#include "core/data/stats.h"

#include <QWidget>

#include <vector>

class QFormLayout;
class QLabel;

namespace issuebert {

class SummaryPanel : public QWidget {
    Q_OBJECT

public:
    explicit SummaryPanel(QWidget* parent = nullptr);

    void setStats(const DatasetStats& stats);
    // WordPiece tokens per issue; empty when they were not counted.
    void setTokenLengths(const std::vector<int>& lengths);
    void clear();
    // "Rows: 1,200\nLabelled: …", one line per row of the panel, for tests and copying.
    QString text() const;

private:
    QLabel* addRow(const QString& name);

    QFormLayout* m_form;
    QLabel* m_rows;
    QLabel* m_labelled;
    QLabel* m_unlabelled;
    QLabel* m_empty;
    QLabel* m_duplicates;
    QLabel* m_lengths;
    QLabel* m_tokens;
    QLabel* m_repairs;
};

} // namespace issuebert
