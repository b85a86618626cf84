// Item model over a loaded dataset's issues: the Data page's preview table.
// Built for 150,000 rows: nothing is stored per row but two ints; data() makes
// the display strings on demand for the rows a view actually paints.
#pragma once

#include "core/data/dataset.h"

#include <QAbstractTableModel>

#include <memory>
#include <vector>

namespace issuebert {

class DatasetTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        RowColumn,
        IdColumn,
        LabelColumn,
        TitleColumn,
        BodyColumn,
        CharactersColumn,
        TokensColumn,
        ColumnCount
    };
    // Role giving numbers for numeric columns and plain text otherwise, for sorting.
    static constexpr int kSortRole = Qt::UserRole;
    // Body preview length in characters.
    static constexpr int kPreviewChars = 200;

    explicit DatasetTableModel(QObject* parent = nullptr);

    // characters and tokens are per issue (code points of text(), WordPiece
    // tokens); characters is computed here when empty, tokens may stay empty.
    void setDataset(std::shared_ptr<const Dataset> dataset, std::vector<int> characters = {},
                    std::vector<int> tokens = {});
    void clear();
    // Replaces the token column (counted again for another clean-up); ignored
    // unless there is one count per issue.
    void setTokenLengths(std::vector<int> tokens);

    const Dataset* dataset() const { return m_dataset.get(); }
    const Issue& issue(int row) const;
    int characters(int row) const;
    // -1 when token lengths were not computed.
    int tokens(int row) const;
    bool hasTokenLengths() const { return !m_tokens.empty(); }
    QString labelName(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QVariant display(int row, int column) const;

    std::shared_ptr<const Dataset> m_dataset;
    std::vector<int> m_characters;
    std::vector<int> m_tokens;
};

// Code points of each issue's text(), as the statistics count them.
std::vector<int> characterLengths(const std::vector<Issue>& issues);

// The first non-blank line of text, at most maxChars characters ("…" when cut).
QString firstLinePreview(const std::string& text, int maxChars);

} // namespace issuebert
