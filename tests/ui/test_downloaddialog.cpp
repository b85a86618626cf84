// Downloading a model from the Train page as a user does: the id checked as
// typed, Download, progress, the model chosen when done; Cancel mid-file
// leaves Download ready to resume; an unknown id explains itself. Against a
// fake Hub on 127.0.0.1.
#include "tests/ui/support/fakehub.h"
#include "ui/download/hubdownloader.h"
#include "ui/widgets/downloaddialog.h"

#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace issuebert;
using namespace issuebert::testing::fakehub;

namespace {

constexpr int kWaitMs = 8000; // a ceiling; downloads here take well under a second

void pointAt(DownloadDialog& dialog, const FakeHub& hub, const QTemporaryDir& root) {
    dialog.downloader()->setEndpoint(hub.server.url());
    dialog.downloader()->setCacheRoot(root.path());
    dialog.downloader()->setToken({});
}

} // namespace

class DownloadDialogTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void downloadsAndHandsBackTheSnapshot() {
        FakeHub hub;
        QTemporaryDir root;
        DownloadDialog dialog;
        pointAt(dialog, hub, root);
        QVERIFY(!dialog.downloadButton()->isEnabled());
        dialog.idEdit()->setText(QStringLiteral("not a valid id!"));
        QVERIFY(!dialog.downloadButton()->isEnabled());
        QVERIFY(!dialog.statusLabel()->text().isEmpty()); // says why
        dialog.idEdit()->setText(kId);
        QVERIFY(dialog.downloadButton()->isEnabled());
        QSignalSpy downloaded(&dialog, &DownloadDialog::downloaded);
        dialog.downloadButton()->click();
        QVERIFY(downloaded.wait(kWaitMs));
        const QString snapshot = downloaded.last().at(0).toString();
        QVERIFY(QFileInfo::exists(snapshot + QStringLiteral("/config.json")));
        QVERIFY(QFileInfo::exists(snapshot + QStringLiteral("/model.safetensors")));
        QCOMPARE(dialog.progressBar()->value(), 1000);
        QVERIFY(dialog.statusLabel()->text().startsWith(QStringLiteral("Downloaded")));
    }

    void cancelMidFileThenResume() {
        FakeHub hub;
        hub.stallFile = QStringLiteral("model.safetensors");
        QTemporaryDir root;
        DownloadDialog dialog;
        pointAt(dialog, hub, root);
        dialog.idEdit()->setText(kId);
        dialog.downloadButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.progressBar()->value() > 0, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(dialog.progressBar()->format().startsWith(hub.stallFile), kWaitMs);
        QVERIFY(dialog.cancelButton()->isEnabled());
        dialog.cancelButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.downloadButton()->isEnabled(), kWaitMs);
        QVERIFY(dialog.statusLabel()->text().contains(QStringLiteral("resume")));

        hub.stallFile.clear();
        QSignalSpy downloaded(&dialog, &DownloadDialog::downloaded);
        dialog.downloadButton()->click();
        QVERIFY(downloaded.wait(kWaitMs));
        QVERIFY(!hub.rangesSeen().isEmpty()); // the second try resumed by Range
    }

    void unknownModelExplainsItself() {
        FakeHub hub;
        QTemporaryDir root;
        DownloadDialog dialog;
        pointAt(dialog, hub, root);
        dialog.idEdit()->setText(QStringLiteral("acme/no-such-model"));
        dialog.downloadButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog.statusLabel()->text().contains(QStringLiteral("404")),
                                 kWaitMs);
        QVERIFY(dialog.downloadButton()->isEnabled());
    }
};

QTEST_MAIN(DownloadDialogTest)
#include "test_downloaddialog.moc"
