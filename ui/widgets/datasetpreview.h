// The Data page's issue table with its search box, label filter and row count.
#pragma once

#include "core/data/dataset.h"
#include "core/text/issue_cleanup.h"

#include <QWidget>

#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableView;
class QTimer;

namespace issuebert {

class DatasetFilterProxy;
class DatasetTableModel;

// Sets a view over a DatasetTableModel (or a proxy of one) up for large
// datasets: fixed row heights, fixed starting column widths, sorting.
void configureIssueView(QTableView* view);

class DatasetPreview : public QWidget {
    Q_OBJECT

public:
    // Typing pauses this long before the table is filtered again.
    static constexpr int kSearchDelayMs = 200;

    explicit DatasetPreview(QWidget* parent = nullptr);

    void setDataset(std::shared_ptr<const Dataset> dataset, std::vector<int> characters,
                    std::vector<int> tokens);
    void clear();
    // The token column counted again (for another clean-up).
    void setTokenLengths(std::vector<int> tokens);
    // The clean-up the Train page's settings apply: the issue pane below the
    // table shows the selected issue as the model sees it.
    void setCleanup(TextCleanup cleanup);

    DatasetTableModel* model() const { return m_model; }
    DatasetFilterProxy* proxy() const { return m_proxy; }
    QTableView* view() const { return m_view; }
    QLineEdit* searchBox() const { return m_search; }
    QComboBox* labelFilter() const { return m_labelFilter; }
    // The selected issue's text after the clean-up, with a heading line.
    QPlainTextEdit* modelTextView() const { return m_modelText; }
    // Filters now instead of after the typing delay.
    void applySearch();
    QString countText() const;

private:
    void updateCount();
    void updateModelText();

    DatasetTableModel* m_model;
    DatasetFilterProxy* m_proxy;
    QTableView* m_view;
    QLineEdit* m_search;
    QComboBox* m_labelFilter;
    QLabel* m_count;
    QTimer* m_searchDelay;
    QLabel* m_modelTextTitle;
    QPlainTextEdit* m_modelText;
    TextCleanup m_cleanup;
};

} // namespace issuebert
