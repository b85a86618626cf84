// Preview table set up for large datasets: fixed row heights, fixed initial
// column widths (never sized to contents over every row), deferred search.
#include "ui/widgets/datasetpreview.h"

#include "ui/models/datasetfilterproxy.h"
#include "ui/models/datasettablemodel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace issuebert {

void configureIssueView(QTableView* view) {
    view->setSortingEnabled(true);
    view->sortByColumn(DatasetTableModel::RowColumn, Qt::AscendingOrder);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->setTextElideMode(Qt::ElideRight);
    view->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Uniform row heights: the view never asks 150,000 rows for their size.
    QHeaderView* rows = view->verticalHeader();
    rows->setSectionResizeMode(QHeaderView::Fixed);
    rows->setDefaultSectionSize(view->fontMetrics().height() + 8);
    rows->hide();
    // Fixed starting widths: resizing to contents would read every row.
    QHeaderView* columns = view->horizontalHeader();
    columns->setHighlightSections(false);
    columns->setSectionResizeMode(QHeaderView::Interactive);
    columns->setSectionResizeMode(DatasetTableModel::BodyColumn, QHeaderView::Stretch);
    const int digit = view->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    view->setColumnWidth(DatasetTableModel::RowColumn, digit * 8);
    view->setColumnWidth(DatasetTableModel::IdColumn, digit * 10);
    view->setColumnWidth(DatasetTableModel::LabelColumn, digit * 12);
    view->setColumnWidth(DatasetTableModel::TitleColumn, digit * 48);
    view->setColumnWidth(DatasetTableModel::CharactersColumn, digit * 12);
    view->setColumnWidth(DatasetTableModel::TokensColumn, digit * 10);
}

DatasetPreview::DatasetPreview(QWidget* parent)
    : QWidget(parent), m_model(new DatasetTableModel(this)), m_proxy(new DatasetFilterProxy(this)),
      m_view(new QTableView(this)), m_search(new QLineEdit(this)),
      m_labelFilter(new QComboBox(this)), m_count(new QLabel(this)),
      m_searchDelay(new QTimer(this)), m_modelTextTitle(new QLabel(this)),
      m_modelText(new QPlainTextEdit(this)) {
    m_proxy->setSourceModel(m_model);
    m_view->setObjectName(QStringLiteral("issueTable"));
    m_view->setModel(m_proxy);
    configureIssueView(m_view);

    m_search->setObjectName(QStringLiteral("searchBox"));
    m_search->setPlaceholderText(tr("Search titles and bodies"));
    m_search->setClearButtonEnabled(true);
    m_labelFilter->setObjectName(QStringLiteral("labelFilter"));
    m_labelFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_count->setObjectName(QStringLiteral("rowCountLabel"));
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(kSearchDelayMs);

    auto* filters = new QHBoxLayout;
    filters->addWidget(m_search, 1);
    filters->addWidget(m_labelFilter);
    filters->addSpacing(8);
    filters->addWidget(m_count);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    // The selected issue as the model reads it, below the table.
    m_modelTextTitle->setObjectName(QStringLiteral("modelTextTitle"));
    m_modelText->setObjectName(QStringLiteral("modelText"));
    m_modelText->setReadOnly(true);
    m_modelText->setPlaceholderText(tr("Select an issue to see the text the model reads."));
    auto* pane = new QWidget(this);
    auto* paneLayout = new QVBoxLayout(pane);
    paneLayout->setContentsMargins(0, 4, 0, 0);
    paneLayout->addWidget(m_modelTextTitle);
    paneLayout->addWidget(m_modelText, 1);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("previewSplitter"));
    splitter->addWidget(m_view);
    splitter->addWidget(pane);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);

    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_searchDelay, &QTimer::timeout, this, &DatasetPreview::applySearch);
    connect(m_labelFilter, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setLabelFilter(m_labelFilter->currentData().toInt());
        updateCount();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &DatasetPreview::updateModelText);
    clear();
}

void DatasetPreview::setDataset(std::shared_ptr<const Dataset> dataset, std::vector<int> characters,
                                std::vector<int> tokens) {
    {
        const QSignalBlocker blocker(m_labelFilter);
        m_labelFilter->clear();
        m_labelFilter->addItem(tr("All labels"), DatasetFilterProxy::kAllLabels);
        if (dataset) {
            for (int i = 0; i < dataset->labels.size(); ++i) {
                m_labelFilter->addItem(QString::fromStdString(dataset->labels.name(i)), i);
            }
        }
        m_labelFilter->addItem(tr("Unlabelled"), kNoLabel);
    }
    m_proxy->setLabelFilter(DatasetFilterProxy::kAllLabels);
    m_model->setDataset(std::move(dataset), std::move(characters), std::move(tokens));
    m_view->setColumnHidden(DatasetTableModel::TokensColumn, !m_model->hasTokenLengths());
    updateCount();
    updateModelText();
}

void DatasetPreview::setTokenLengths(std::vector<int> tokens) {
    m_model->setTokenLengths(std::move(tokens));
    m_view->setColumnHidden(DatasetTableModel::TokensColumn, !m_model->hasTokenLengths());
}

void DatasetPreview::setCleanup(TextCleanup cleanup) {
    if (cleanup == m_cleanup) {
        return;
    }
    m_cleanup = cleanup;
    updateModelText();
}

void DatasetPreview::updateModelText() {
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    const QString steps =
        m_cleanup.steps == 0U
            ? tr("no clean-up")
            : tr("clean-up: %1").arg(QString::fromStdString(cleanupName(m_cleanup)));
    if (!current.isValid() || m_model->dataset() == nullptr) {
        m_modelTextTitle->setText(tr("What the model reads (%1)").arg(steps));
        m_modelText->clear();
        return;
    }
    const int row = m_proxy->mapToSource(current).row();
    const Issue& issue = m_model->issue(row);
    const std::string text = issue.text();
    const std::string cleaned = cleanIssueText(text, m_cleanup);
    const QLocale locale;
    QString title = tr("Issue %1 as the model reads it (%2)").arg(locale.toString(row + 1), steps);
    if (cleaned != text) {
        title +=
            tr(": %1 of %2 characters kept")
                .arg(
                    locale.toString(static_cast<qlonglong>(QString::fromStdString(cleaned).size())),
                    locale.toString(static_cast<qlonglong>(QString::fromStdString(text).size())));
    }
    m_modelTextTitle->setText(title);
    m_modelText->setPlainText(QString::fromStdString(cleaned));
}

void DatasetPreview::clear() {
    setDataset(nullptr, {}, {});
}

void DatasetPreview::applySearch() {
    m_searchDelay->stop();
    m_proxy->setSearchText(m_search->text());
    updateCount();
}

QString DatasetPreview::countText() const {
    return m_count->text();
}

void DatasetPreview::updateCount() {
    const QLocale locale;
    const int shown = m_proxy->rowCount();
    const int total = m_model->rowCount();
    m_count->setText(
        shown == total ? tr("%1 issues").arg(locale.toString(total))
                       : tr("%1 of %2 issues").arg(locale.toString(shown), locale.toString(total)));
}

} // namespace issuebert
