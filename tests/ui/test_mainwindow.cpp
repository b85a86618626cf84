// The main window: pages in the sidebar, the device in the status bar, the
// About text, recent files, drag and drop, error boxes, saved geometry.
#include "core/runtime.h"
#include "core/version.h"
#include "ui/mainwindow.h"
#include "ui/pages/classifypage.h"
#include "ui/pages/datapage.h"
#include "ui/pages/evaluatepage.h"
#include "ui/pages/predictionspage.h"
#include "ui/pages/trainpage.h"
#include "ui/settings.h"
#include "ui/widgets/trainsettingsform.h"

#include <QAction>
#include <QComboBox>
#include <QDropEvent>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace issuebert;

namespace {

// The sidebar's pages, in order.
const QStringList kPageTitles{QStringLiteral("Data"), QStringLiteral("Train"),
                              QStringLiteral("Evaluate"), QStringLiteral("Predictions"),
                              QStringLiteral("Classify & Label")};

// Loads here take well under a second; this is only a ceiling.
constexpr int kLoadWaitMs = 30000;

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& bytes) {
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
        qFatal("cannot write %s", qPrintable(path));
    }
    return path;
}

QString writeIssues(const QTemporaryDir& dir, const QString& name, int count) {
    QJsonArray records;
    for (int i = 0; i < count; ++i) {
        records.append(QJsonObject{{QStringLiteral("Title"), QStringLiteral("Issue %1").arg(i)},
                                   {QStringLiteral("Body"), QStringLiteral("text")},
                                   {QStringLiteral("Label"), i % 3}});
    }
    return writeFile(dir, name, QJsonDocument(records).toJson());
}

bool waitIdle(MainWindow& window) {
    return QTest::qWaitFor([&] { return !window.dataPage()->isLoading(); }, kLoadWaitMs);
}

QStringList recentPaths(const MainWindow& window) {
    QStringList paths;
    for (QAction* action : window.recentMenu()->actions()) {
        if (!action->data().toString().isEmpty()) {
            paths << action->data().toString();
        }
    }
    return paths;
}

} // namespace

class MainWindowTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_settingsDir;
    QTemporaryDir m_dir;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        // Nothing from the user's cache (a default model there) leaks in.
        qputenv("XDG_CACHE_HOME", m_dir.filePath(QStringLiteral("cache")).toLocal8Bit());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
        QCoreApplication::setOrganizationName(QStringLiteral("IssueBERT"));
        QCoreApplication::setApplicationName(QStringLiteral("IssueBERT"));
        QVERIFY(m_dir.isValid());
    }

    void init() { QSettings().clear(); }

    void sidebarListsThePagesAndSwitchesThem() {
        MainWindow window;
        QStringList titles;
        for (int i = 0; i < window.sidebar()->count(); ++i) {
            titles << window.sidebar()->item(i)->text();
            QVERIFY(!window.sidebar()->item(i)->icon().isNull());
        }
        QCOMPARE(titles, kPageTitles);
        QCOMPARE(window.pages()->currentWidget(), window.dataPage());
        // A later page is one call.
        auto* extra = new QLabel(QStringLiteral("extra"));
        const int index = window.addPage(extra, QStringLiteral("Extra"), QIcon());
        QCOMPARE(index, kPageTitles.size());
        QCOMPARE(window.sidebar()->count(), kPageTitles.size() + 1);
        window.sidebar()->setCurrentRow(index);
        QCOMPARE(window.pages()->currentWidget(), extra);
        window.showPage(window.dataPage());
        QCOMPARE(window.sidebar()->currentRow(), 0);
    }

    void statusBarShowsTheDevice() {
        MainWindow window;
        auto* device = window.findChild<QLabel*>(QStringLiteral("deviceLabel"));
        QVERIFY(device != nullptr);
        // The precision a run would compute in: this machine's choice for
        // the Train page's setting, and fp32 as soon as it is asked for.
        const PrecisionChoice here = precisionHere(Precision::Auto);
        QCOMPARE(device->text(),
                 QStringLiteral("Device: ") + QString::fromStdString(deviceDescription()) +
                     (here.bf16 ? QStringLiteral(", bf16") : QStringLiteral(", fp32")));
        QCOMPARE(device->toolTip(), QString::fromStdString(here.reason));
        auto* precision =
            window.trainPage()->form()->findChild<QComboBox*>(QStringLiteral("precision"));
        QVERIFY(precision != nullptr);
        precision->setCurrentIndex(precision->findData(QStringLiteral("fp32")));
        QVERIFY2(device->text().endsWith(QStringLiteral(", fp32")), qPrintable(device->text()));
        QCOMPARE(device->toolTip(), QStringLiteral("fp32, as asked"));
        precision->setCurrentIndex(precision->findData(QStringLiteral("bf16")));
        QVERIFY2(device->text().endsWith(QStringLiteral(", bf16")), qPrintable(device->text()));
        const auto* note =
            window.trainPage()->form()->findChild<QLabel*>(QStringLiteral("precisionNote"));
        QVERIFY(note != nullptr);
        QVERIFY2(note->text().startsWith(QStringLiteral("Runs bf16 autocast")),
                 qPrintable(note->text()));
    }

    void aboutNamesTheVersions() {
        const QString about = MainWindow::aboutText();
        QVERIFY(about.contains(QString::fromLatin1(kVersion)));
        QVERIFY(
            about.contains(QStringLiteral("LibTorch ") + QString::fromStdString(torchVersion())));
        QVERIFY(about.contains(QString::fromLatin1(qVersion())));
    }

    void menusHaveTheStandardShortcuts() {
        MainWindow window;
        auto* open = window.findChild<QAction*>(QStringLiteral("openAction"));
        QVERIFY(open != nullptr);
        QCOMPARE(open->shortcut(), QKeySequence(QKeySequence::Open));
        bool quitFound = false;
        for (QAction* action : window.findChildren<QAction*>()) {
            quitFound = quitFound || action->shortcut() == QKeySequence(QKeySequence::Quit);
        }
        QVERIFY(quitFound);
    }

    void openedFilesJoinTheRecentMenu() {
        MainWindow window;
        QVERIFY(recentPaths(window).isEmpty());
        QStringList opened;
        for (int i = 0; i < settings::kMaxRecentFiles + 1; ++i) {
            const QString path = writeIssues(m_dir, QStringLiteral("recent%1.json").arg(i), 3);
            window.openDataset(path);
            QVERIFY(waitIdle(window));
            opened.prepend(path);
        }
        // Newest first, at most eight.
        const QStringList recent = recentPaths(window);
        QCOMPARE(recent.size(), settings::kMaxRecentFiles);
        QCOMPARE(recent, opened.mid(0, settings::kMaxRecentFiles));
        QVERIFY(window.windowTitle().contains(QStringLiteral("recent8.json")));
        // Opening an older one moves it to the front without a duplicate.
        window.openDataset(opened.at(3));
        QVERIFY(waitIdle(window));
        QCOMPARE(recentPaths(window).first(), opened.at(3));
        QCOMPARE(recentPaths(window).size(), settings::kMaxRecentFiles);
        // Remembered across windows, and Clear empties it.
        MainWindow second;
        QCOMPARE(recentPaths(second).first(), opened.at(3));
        auto* clear = second.findChild<QAction*>(QStringLiteral("clearRecentAction"));
        QVERIFY(clear != nullptr && clear->isEnabled());
        clear->trigger();
        QVERIFY(recentPaths(second).isEmpty());
        QVERIFY(settings::recentFiles().isEmpty());
    }

    void recentEntryOpensItsFile() {
        const QString path = writeIssues(m_dir, QStringLiteral("again.json"), 4);
        settings::addRecentFile(path);
        MainWindow window;
        QAction* entry = nullptr;
        for (QAction* action : window.recentMenu()->actions()) {
            if (action->data().toString() == path) {
                entry = action;
            }
        }
        QVERIFY(entry != nullptr);
        QSignalSpy loaded(window.dataPage(), &DataPage::datasetLoaded);
        entry->trigger();
        QVERIFY(waitIdle(window));
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(window.dataPage()->currentPath(), path);
    }

    void droppingAFileOpensIt() {
        MainWindow window;
        const QString path = writeIssues(m_dir, QStringLiteral("dropped.json"), 6);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(path)});
        QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton,
                              Qt::NoModifier);
        QCoreApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QSignalSpy loaded(window.dataPage(), &DataPage::datasetLoaded);
        QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&window, &drop);
        QVERIFY(waitIdle(window));
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(window.dataPage()->currentPath(), path);

        // Something that is not a file is refused.
        QMimeData text;
        text.setText(QStringLiteral("just words"));
        QDragEnterEvent refused(QPoint(50, 50), Qt::CopyAction, &text, Qt::LeftButton,
                                Qt::NoModifier);
        refused.setAccepted(false);
        QCoreApplication::sendEvent(&window, &refused);
        QVERIFY(!refused.isAccepted());
    }

    void everyPageReportsTheSameWay() {
        MainWindow window;
        window.show();
        const std::pair<Page*, QString> pages[] = {
            {window.dataPage(), QStringLiteral("Could not open the dataset")},
            {window.trainPage(), QStringLiteral("Training")},
            {window.evaluatePage(), QStringLiteral("Evaluation")},
            {window.predictionsPage(), QStringLiteral("Predictions")},
            {window.classifyPage(), QStringLiteral("Classify & Label")}};
        for (const auto& [page, title] : pages) {
            const QString message = title + QStringLiteral(": something went wrong");
            Q_EMIT page->errorOccurred(message);
            QMessageBox* box = nullptr;
            QTRY_VERIFY((box = window.findChild<QMessageBox*>(QStringLiteral("errorBox"))) !=
                        nullptr);
            QCOMPARE(box->windowTitle(), title);
            QCOMPARE(box->text(), message);
            box->accept();
            QTRY_VERIFY(window.findChild<QMessageBox*>(QStringLiteral("errorBox")) == nullptr);
            Q_EMIT page->statusMessage(title + QStringLiteral(" is done"));
            QCOMPARE(window.statusBar()->currentMessage(), title + QStringLiteral(" is done"));
        }
    }

    void loadErrorsShowACriticalBoxWithTheMessage() {
        MainWindow window;
        window.show();
        const QString bad = writeFile(m_dir, QStringLiteral("bad.jsonl"),
                                      "{\"Title\": \"a\", \"Label\": 0}\n{\"Title\": }\n");
        window.openDataset(bad);
        QVERIFY(waitIdle(window));
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = window.findChild<QMessageBox*>(QStringLiteral("errorBox"))) != nullptr);
        QCOMPARE(box->icon(), QMessageBox::Critical);
        QVERIFY2(box->text().contains(QStringLiteral("bad.jsonl")), qPrintable(box->text()));
        QVERIFY2(box->text().contains(QStringLiteral("line 2")), qPrintable(box->text()));
        QVERIFY(box->isVisible());
        box->accept();
        QTRY_VERIFY(window.findChild<QMessageBox*>(QStringLiteral("errorBox")) == nullptr);
        // The window still works.
        const QString good = writeIssues(m_dir, QStringLiteral("fine.json"), 2);
        window.openDataset(good);
        QVERIFY(waitIdle(window));
        QCOMPARE(window.dataPage()->currentPath(), good);
    }

    void geometryAndSidebarAreRemembered() {
        {
            MainWindow window;
            window.resize(1000, 700);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            auto* sidebar = window.findChild<QAction*>(QStringLiteral("sidebarAction"));
            QVERIFY(sidebar != nullptr);
            sidebar->trigger();
            QVERIFY(window.sidebar()->isHidden());
            window.close();
        }
        const QSettings store;
        QVERIFY(!store.value(QStringLiteral("window/geometry")).toByteArray().isEmpty());
        QVERIFY(!store.value(QStringLiteral("data/mainSplitter")).toByteArray().isEmpty());
        MainWindow again;
        QCOMPARE(again.size(), QSize(1000, 700));
        QVERIFY(again.sidebar()->isHidden());
    }
};

QTEST_MAIN(MainWindowTest)
#include "test_mainwindow.moc"
