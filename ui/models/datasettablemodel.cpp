// Preview table model: display strings made on demand, numbers for sorting.
#include "ui/models/datasettablemodel.h"

#include "core/text/utf8.h"

namespace issuebert {

namespace {

// Bytes of body looked at for the preview line: enough for kPreviewChars
// characters of any script, without converting a whole long body per paint.
constexpr std::size_t kPreviewBytes = 4 * DatasetTableModel::kPreviewChars + 4;

bool isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

} // namespace

std::vector<int> characterLengths(const std::vector<Issue>& issues) {
    std::vector<int> lengths;
    lengths.reserve(issues.size());
    for (const Issue& issue : issues) {
        lengths.push_back(static_cast<int>(codepointCount(issue.text())));
    }
    return lengths;
}

QString firstLinePreview(const std::string& text, int maxChars) {
    std::size_t begin = 0;
    while (begin < text.size() && isBlank(text[begin])) {
        ++begin;
    }
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) {
        end = text.size();
    }
    const bool moreLines = end < text.size();
    const std::size_t length = std::min(end - begin, kPreviewBytes);
    QString line = QString::fromUtf8(text.data() + begin, static_cast<qsizetype>(length));
    line = line.trimmed();
    if (line.size() > maxChars) {
        line.truncate(maxChars);
        line.append(QChar(0x2026));
    } else if (moreLines || length < end - begin) {
        line.append(QStringLiteral(" …"));
    }
    return line;
}

DatasetTableModel::DatasetTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void DatasetTableModel::setDataset(std::shared_ptr<const Dataset> dataset,
                                   std::vector<int> characters, std::vector<int> tokens) {
    beginResetModel();
    m_dataset = std::move(dataset);
    const std::size_t rows = m_dataset ? m_dataset->issues.size() : 0;
    m_characters = characters.size() == rows
                       ? std::move(characters)
                       : (m_dataset ? characterLengths(m_dataset->issues) : std::vector<int>{});
    m_tokens = tokens.size() == rows ? std::move(tokens) : std::vector<int>{};
    endResetModel();
}

void DatasetTableModel::clear() {
    setDataset(nullptr);
}

void DatasetTableModel::setTokenLengths(std::vector<int> tokens) {
    if (!m_dataset || tokens.size() != m_dataset->issues.size()) {
        return;
    }
    m_tokens = std::move(tokens);
    if (!m_tokens.empty()) {
        Q_EMIT dataChanged(index(0, TokensColumn), index(rowCount() - 1, TokensColumn));
    }
}

const Issue& DatasetTableModel::issue(int row) const {
    return m_dataset->issues[static_cast<std::size_t>(row)];
}

int DatasetTableModel::characters(int row) const {
    return m_characters[static_cast<std::size_t>(row)];
}

int DatasetTableModel::tokens(int row) const {
    return m_tokens.empty() ? -1 : m_tokens[static_cast<std::size_t>(row)];
}

QString DatasetTableModel::labelName(int row) const {
    const Issue& item = issue(row);
    return item.labelled() ? QString::fromStdString(m_dataset->labels.name(item.label)) : QString();
}

int DatasetTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() || !m_dataset ? 0 : static_cast<int>(m_dataset->issues.size());
}

int DatasetTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DatasetTableModel::display(int row, int column) const {
    const Issue& item = issue(row);
    switch (column) {
    case RowColumn:
        return row + 1;
    case IdColumn:
        return QString::fromStdString(item.id);
    case LabelColumn:
        return item.labelled() ? labelName(row) : QStringLiteral("—");
    case TitleColumn:
        return firstLinePreview(item.title, kPreviewChars);
    case BodyColumn:
        return firstLinePreview(item.body, kPreviewChars);
    case CharactersColumn:
        return characters(row);
    case TokensColumn:
        return hasTokenLengths() ? QVariant(tokens(row)) : QVariant();
    default:
        return {};
    }
}

QVariant DatasetTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColumnCount) {
        return {};
    }
    const int row = index.row();
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return display(row, column);
    case kSortRole:
        switch (column) {
        case RowColumn:
            return row;
        case CharactersColumn:
            return characters(row);
        case TokensColumn:
            return tokens(row);
        case LabelColumn:
            return labelName(row);
        default:
            return display(row, column);
        }
    case Qt::ToolTipRole:
        if (column == TitleColumn || column == BodyColumn) {
            const std::string& text = column == TitleColumn ? issue(row).title : issue(row).body;
            // Long bodies are cut so a tooltip never covers the screen.
            return QString::fromUtf8(
                text.data(), static_cast<qsizetype>(std::min<std::size_t>(text.size(), 1500)));
        }
        return {};
    case Qt::TextAlignmentRole:
        if (column == RowColumn || column == CharactersColumn || column == TokensColumn) {
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        }
        return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant DatasetTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
    case RowColumn:
        return tr("#");
    case IdColumn:
        return tr("ID");
    case LabelColumn:
        return tr("Label");
    case TitleColumn:
        return tr("Title");
    case BodyColumn:
        return tr("Body");
    case CharactersColumn:
        return tr("Characters");
    case TokensColumn:
        return tr("Tokens");
    default:
        return {};
    }
}

} // namespace issuebert
