// DatasetTableModel and DatasetFilterProxy: what the preview table shows,
// how it sorts and filters, and that 150,000 rows stay cheap.
#include "core/data/dataset.h"
#include "ui/models/datasetfilterproxy.h"
#include "ui/models/datasettablemodel.h"
#include "ui/widgets/datasetpreview.h"

#include <QAbstractItemModelTester>
#include <QHeaderView>
#include <QLineEdit>
#include <QScrollBar>
#include <QTableView>
#include <QTest>

#include <memory>

using namespace issuebert;

namespace {

Issue makeIssue(std::string id, std::string title, std::string body, int label) {
    Issue issue;
    issue.id = std::move(id);
    issue.title = std::move(title);
    issue.body = std::move(body);
    issue.label = label;
    return issue;
}

std::shared_ptr<Dataset> smallDataset() {
    auto dataset = std::make_shared<Dataset>();
    dataset->labels = LabelSet::machineHack();
    dataset->issues = {
        makeIssue("10", "Crash on start", "\n\n  Segfault in main\nstack trace follows", 0),
        makeIssue("2", "Add dark mode", "It would be nice", 1),
        makeIssue("1", "How do I configure it?", "", 2),
        makeIssue("300", "Unlabelled one", "body with CRASH inside", kNoLabel),
    };
    return dataset;
}

QString cell(const QAbstractItemModel& model, int row, int column, int role = Qt::DisplayRole) {
    return model.data(model.index(row, column), role).toString();
}

// Counts data() calls, to show a view only asks for the rows it paints.
class CountingModel : public DatasetTableModel {
public:
    using DatasetTableModel::DatasetTableModel;
    QVariant data(const QModelIndex& index, int role) const override {
        ++calls;
        return DatasetTableModel::data(index, role);
    }
    mutable long long calls = 0;
};

std::shared_ptr<Dataset> largeDataset(int rows) {
    auto dataset = std::make_shared<Dataset>();
    dataset->labels = LabelSet::machineHack();
    dataset->issues.reserve(static_cast<std::size_t>(rows));
    for (int i = 0; i < rows; ++i) {
        dataset->issues.push_back(makeIssue(std::to_string(i + 1), "Issue " + std::to_string(i),
                                            std::string(static_cast<std::size_t>(i % 97), 'x'),
                                            i % 3));
    }
    return dataset;
}

} // namespace

class DatasetTableModelTest : public QObject {
    Q_OBJECT

private slots:
    void showsEveryColumnOfAnIssue() {
        DatasetTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDataset(smallDataset(), {}, {7, 4, 6, 3});
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.columnCount(), int(DatasetTableModel::ColumnCount));
        QCOMPARE(cell(model, 0, DatasetTableModel::RowColumn), QStringLiteral("1"));
        QCOMPARE(cell(model, 0, DatasetTableModel::IdColumn), QStringLiteral("10"));
        QCOMPARE(cell(model, 0, DatasetTableModel::LabelColumn), QStringLiteral("bug"));
        QCOMPARE(cell(model, 1, DatasetTableModel::LabelColumn), QStringLiteral("feature"));
        QCOMPARE(cell(model, 3, DatasetTableModel::LabelColumn), QStringLiteral("—"));
        QCOMPARE(cell(model, 0, DatasetTableModel::TitleColumn), QStringLiteral("Crash on start"));
        // The body preview is the first non-blank line, marked as continuing.
        QCOMPARE(cell(model, 0, DatasetTableModel::BodyColumn),
                 QStringLiteral("Segfault in main …"));
        QCOMPARE(cell(model, 2, DatasetTableModel::BodyColumn), QString());
        // Characters of text() = "Crash on start Segfault…" trimmed.
        const std::string text = model.issue(0).text();
        QCOMPARE(model.data(model.index(0, DatasetTableModel::CharactersColumn)).toInt(),
                 int(text.size()));
        QCOMPARE(model.data(model.index(2, DatasetTableModel::TokensColumn)).toInt(), 6);
        QCOMPARE(model.headerData(DatasetTableModel::TokensColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Tokens"));
        QVERIFY(model.hasTokenLengths());
    }

    void tokensColumnIsEmptyWithoutTokenCounts() {
        DatasetTableModel model;
        model.setDataset(smallDataset());
        QVERIFY(!model.hasTokenLengths());
        QVERIFY(!model.data(model.index(0, DatasetTableModel::TokensColumn)).isValid());
        QCOMPARE(model.tokens(0), -1);
    }

    void longBodiesArePreviewedShort() {
        const std::string body = std::string(500, 'a') + "\nsecond line";
        const QString preview = firstLinePreview(body, DatasetTableModel::kPreviewChars);
        QCOMPARE(preview.size(), DatasetTableModel::kPreviewChars + 1);
        QVERIFY(preview.endsWith(QChar(0x2026)));
        QVERIFY(!preview.contains(QStringLiteral("second")));
        // Multi-byte text is cut on characters, never inside one.
        const QString umlauts = firstLinePreview(std::string(300, 'x') + "ü", 250);
        QCOMPARE(umlauts.size(), 251);
    }

    void clearingEmptiesTheTable() {
        DatasetTableModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDataset(smallDataset());
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.dataset() == nullptr);
    }

    void searchFindsTitleOrBodyIgnoringCase() {
        DatasetTableModel model;
        DatasetFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDataset(smallDataset());
        proxy.setSearchText(QStringLiteral("crash"));
        QCOMPARE(proxy.rowCount(), 2); // "Crash on start" and "…CRASH inside"
        proxy.setSearchText(QStringLiteral("  DARK mode "));
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(cell(proxy, 0, DatasetTableModel::IdColumn), QStringLiteral("2"));
        proxy.setSearchText(QStringLiteral("no such words"));
        QCOMPARE(proxy.rowCount(), 0);
        proxy.setSearchText(QString());
        QCOMPARE(proxy.rowCount(), 4);
    }

    void labelFilterKeepsOneClassOrTheUnlabelled() {
        DatasetTableModel model;
        DatasetFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDataset(smallDataset());
        proxy.setLabelFilter(1);
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(cell(proxy, 0, DatasetTableModel::LabelColumn), QStringLiteral("feature"));
        proxy.setLabelFilter(kNoLabel);
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(cell(proxy, 0, DatasetTableModel::IdColumn), QStringLiteral("300"));
        proxy.setSearchText(QStringLiteral("crash"));
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setLabelFilter(DatasetFilterProxy::kAllLabels);
        QCOMPARE(proxy.rowCount(), 2);
    }

    void numericColumnsSortAsNumbers() {
        DatasetTableModel model;
        DatasetFilterProxy proxy;
        proxy.setSourceModel(&model);
        auto dataset = smallDataset();
        model.setDataset(dataset, {9, 100, 10, 2}, {});
        proxy.sort(DatasetTableModel::CharactersColumn, Qt::AscendingOrder);
        QStringList order;
        for (int row = 0; row < proxy.rowCount(); ++row) {
            order << cell(proxy, row, DatasetTableModel::CharactersColumn);
        }
        QCOMPARE(order, (QStringList{QStringLiteral("2"), QStringLiteral("9"), QStringLiteral("10"),
                                     QStringLiteral("100")}));
        // Numeric ids sort as numbers too: 1, 2, 10, 300.
        proxy.sort(DatasetTableModel::IdColumn, Qt::AscendingOrder);
        order.clear();
        for (int row = 0; row < proxy.rowCount(); ++row) {
            order << cell(proxy, row, DatasetTableModel::IdColumn);
        }
        QCOMPARE(order, (QStringList{QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("10"),
                                     QStringLiteral("300")}));
        QCOMPARE(model
                     .data(model.index(1, DatasetTableModel::CharactersColumn),
                           DatasetTableModel::kSortRole)
                     .typeId(),
                 QMetaType::Int);
    }

    void titlesSortIgnoringCase() {
        DatasetTableModel model;
        DatasetFilterProxy proxy;
        proxy.setSourceModel(&model);
        model.setDataset(smallDataset());
        proxy.sort(DatasetTableModel::TitleColumn, Qt::AscendingOrder);
        QCOMPARE(cell(proxy, 0, DatasetTableModel::TitleColumn), QStringLiteral("Add dark mode"));
        QCOMPARE(cell(proxy, 3, DatasetTableModel::TitleColumn), QStringLiteral("Unlabelled one"));
    }

    void aViewOf150000RowsAsksOnlyForVisibleRows() {
        constexpr int kRows = 150000;
        CountingModel model;
        model.setDataset(largeDataset(kRows));
        QCOMPARE(model.rowCount(), kRows);
        QCOMPARE(cell(model, kRows - 1, DatasetTableModel::IdColumn), QStringLiteral("150000"));

        DatasetFilterProxy proxy;
        proxy.setSourceModel(&model);
        QTableView view;
        view.setModel(&proxy);
        configureIssueView(&view);
        view.resize(900, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        model.calls = 0;
        view.scrollToBottom();
        QCoreApplication::processEvents();
        view.grab(); // paints the rows now in view
        QCOMPARE(view.verticalScrollBar()->value(), view.verticalScrollBar()->maximum());
        const QModelIndex bottom = view.indexAt(QPoint(10, view.viewport()->height() - 5));
        QCOMPARE(bottom.row(), kRows - 1);
        QVERIFY(model.calls > 0);
        // A few screens' worth, nowhere near one call per row.
        QVERIFY2(model.calls < 20000, qPrintable(QString::number(model.calls)));
    }

    void previewSorts150000RowsByLength() {
        constexpr int kRows = 150000;
        DatasetPreview preview;
        const auto dataset = largeDataset(kRows);
        int longest = 0;
        for (const Issue& issue : dataset->issues) {
            longest = std::max(longest, int(issue.text().size()));
        }
        preview.setDataset(dataset, {}, {});
        QCOMPARE(preview.proxy()->rowCount(), kRows);
        preview.view()->sortByColumn(DatasetTableModel::CharactersColumn, Qt::DescendingOrder);
        const QModelIndex top = preview.proxy()->index(0, DatasetTableModel::CharactersColumn);
        QCOMPARE(preview.proxy()->data(top).toInt(), longest);
        preview.searchBox()->setText(QStringLiteral("issue 14999"));
        preview.applySearch();
        QCOMPARE(preview.proxy()->rowCount(), 11); // 14999 and 149990…149999
        QVERIFY(preview.countText().contains(QStringLiteral("11")));
    }
};

QTEST_MAIN(DatasetTableModelTest)
#include "test_datasettablemodel.moc"
