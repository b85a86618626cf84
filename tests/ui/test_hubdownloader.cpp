// The Hub downloader against a fake Hub on 127.0.0.1: the cache layout
// huggingface_hub writes, cancel and resume by Range, servers that ignore
// ranges or stall, clear failures, no second download of a cached blob, and
// a hostile Hub: damaged or oversized files, no size or checksum, redirects
// from https to http, the token asked for by another host.
#include "core/model/model_locator.h"
#include "tests/ui/support/fakehub.h"
#include "ui/download/hubdownloader.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>

using namespace issuebert;
using namespace issuebert::testing;
using namespace issuebert::testing::fakehub;

namespace {

// QTRY_* waits this long at most; every download here takes well under a second.
constexpr int kWaitMs = 8000;

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<missing>");
}

} // namespace

class HubDownloaderTest : public QObject {
    Q_OBJECT

private:
    // A downloader pointed at hub, writing into root, with no token.
    static void setUp(HubDownloader& downloader, const FakeHub& hub, const QTemporaryDir& root) {
        downloader.setEndpoint(hub.server.url());
        downloader.setCacheRoot(root.path());
        downloader.setToken({});
    }

    static QString repoDir(const QTemporaryDir& root) {
        return root.filePath(QStringLiteral("models--acme--tiny-bert"));
    }

    static QString blob(const QTemporaryDir& root, const QByteArray& etag) {
        return repoDir(root) + QStringLiteral("/blobs/") + str(etag);
    }

    // Starts a download and waits for finished; returns the snapshot folder.
    static QString download(HubDownloader& downloader, const QString& id = kId) {
        QSignalSpy finished(&downloader, &HubDownloader::finished);
        QSignalSpy failed(&downloader, &HubDownloader::failed);
        if (!downloader.start(id)) {
            return QStringLiteral("<refused>");
        }
        if (!QTest::qWaitFor([&] { return finished.count() + failed.count() > 0; }, kWaitMs)) {
            return QStringLiteral("<timed out>");
        }
        if (!failed.isEmpty()) {
            return QStringLiteral("<failed: %1>").arg(failed.first().first().toString());
        }
        return finished.first().first().toString();
    }

    // Starts a download and waits for failed; returns its message.
    static QString failure(HubDownloader& downloader, const QString& id = kId) {
        QSignalSpy finished(&downloader, &HubDownloader::finished);
        QSignalSpy failed(&downloader, &HubDownloader::failed);
        downloader.start(id);
        if (!QTest::qWaitFor([&] { return finished.count() + failed.count() > 0; }, kWaitMs)) {
            return QStringLiteral("<timed out>");
        }
        return failed.isEmpty() ? QStringLiteral("<finished>") : failed.first().first().toString();
    }

    // Starts a download that stalls in the weights, waits for the stall, cancels.
    static void cancelInTheWeights(HubDownloader& downloader, FakeHub& hub,
                                   const QTemporaryDir& root) {
        hub.stallFile = QStringLiteral("model.safetensors");
        QSignalSpy cancelled(&downloader, &HubDownloader::cancelled);
        QSignalSpy progress(&downloader, &HubDownloader::progress);
        QVERIFY(downloader.start(kId));
        const QString part = blob(root, hub.etagOf(hub.stallFile)) + QStringLiteral(".part");
        QTRY_COMPARE_WITH_TIMEOUT(QFileInfo(part).size(), kStallAt, kWaitMs);
        // The throttled progress still delivers the last bytes before the stall.
        QTRY_VERIFY_WITH_TIMEOUT(
            !progress.isEmpty() && progress.last().at(1).toLongLong() == kStallAt, kWaitMs);
        QCOMPARE(progress.last().at(0).toString(), hub.stallFile);
        QCOMPARE(progress.last().at(2).toLongLong(), qint64(kWeightsSize));
        downloader.cancel();
        QCOMPARE(cancelled.count(), 1);
        QVERIFY(!downloader.isRunning());
        QCOMPARE(QFileInfo(part).size(), kStallAt); // kept for resuming
        QVERIFY(!QFileInfo::exists(blob(root, hub.etagOf(hub.stallFile))));
        // No snapshot yet, so the model locator cannot pick a half model.
        QVERIFY(!findInHuggingFaceCache(root.path().toStdString(), kId.toStdString()));
        hub.stallFile.clear();
    }

private slots:
    void initTestCase() { trustTestCertificate(); }

    void fullDownloadWritesTheHuggingFaceCacheLayout() {
        FakeHub hub;
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        QSignalSpy progress(&downloader, &HubDownloader::progress);
        const QString snapshot = download(downloader);
        QCOMPARE(snapshot, repoDir(root) + QStringLiteral("/snapshots/") + str(kCommit));
        QCOMPARE(readAll(repoDir(root) + QStringLiteral("/refs/main")), kCommit);

        const QStringList wanted = {QStringLiteral("config.json"), QStringLiteral("vocab.txt"),
                                    QStringLiteral("tokenizer_config.json"),
                                    QStringLiteral("model.safetensors")};
        QStringList blobs;
        for (const QString& name : wanted) {
            const QString link = snapshot + QLatin1Char('/') + name;
            QVERIFY2(QFileInfo(link).isSymLink(), qPrintable(link));
            const auto target = std::filesystem::read_symlink(link.toStdString());
            QCOMPARE(QString::fromStdString(target.string()),
                     QStringLiteral("../../blobs/") + str(hub.etagOf(name)));
            QCOMPARE(readAll(link), hub.files[name]);
            blobs.append(str(hub.etagOf(name)));
        }
        // Only those: no .part left, the .bin and the unusable files never fetched.
        QCOMPARE(QDir(snapshot).entryList(QDir::Files | QDir::System).size(), wanted.size());
        blobs.sort();
        QCOMPARE(QDir(repoDir(root) + QStringLiteral("/blobs")).entryList(QDir::Files, QDir::Name),
                 blobs);
        QCOMPARE(hub.count("GET", "/cdn/" + sha256(hub.files[QStringLiteral("pytorch_model.bin")])),
                 0);
        QCOMPARE(
            hub.count("HEAD", '/' + kId.toUtf8() + "/resolve/" + kCommit + "/pytorch_model.bin"),
            0);
        QCOMPARE(hub.count("HEAD", '/' + kId.toUtf8() + "/resolve/" + kCommit + "/README.md"), 0);
        // The weights came through the redirect, the small files straight.
        QCOMPARE(hub.count("GET", "/cdn/"), 1);
        QCOMPARE(hub.count("GET", '/' + kId.toUtf8() + "/resolve/"), 3);

        // The model picker finds it by id, as Python would.
        const auto found = findInHuggingFaceCache(root.path().toStdString(), kId.toStdString());
        QVERIFY(found);
        QCOMPARE(QString::fromStdString(*found), snapshot);

        QVERIFY(!progress.isEmpty());
        qint64 total = 0;
        for (const QString& name : wanted) {
            total += hub.files[name].size();
        }
        QCOMPARE(progress.last().at(3).toLongLong(), total);
        QCOMPARE(progress.last().at(4).toLongLong(), total);
    }

    void cancelKeepsThePartAndTheNextStartResumesWithARange() {
        FakeHub hub;
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        cancelInTheWeights(downloader, hub, root);
        if (QTest::currentTestFailed()) {
            return;
        }
        hub.server.clearRequests();

        const QString snapshot = download(downloader);
        QVERIFY2(!snapshot.startsWith(QLatin1Char('<')), qPrintable(snapshot));
        const QByteArray etag = hub.etagOf(QStringLiteral("model.safetensors"));
        QCOMPARE(hub.rangesSeen(), QList<QByteArray>{"/cdn/" + etag + " bytes=100000-"});
        QCOMPARE(readAll(blob(root, etag)), hub.files[QStringLiteral("model.safetensors")]);
        QVERIFY(!QFileInfo::exists(blob(root, etag) + QStringLiteral(".part")));
        // The small files finished before the cancel are not fetched again.
        QCOMPARE(hub.count("GET", '/' + kId.toUtf8() + "/resolve/"), 0);
    }

    void serverThatIgnoresTheRangeStillGivesTheRightFile() {
        FakeHub hub;
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        cancelInTheWeights(downloader, hub, root);
        if (QTest::currentTestFailed()) {
            return;
        }
        hub.server.clearRequests();
        hub.ignoreRange = true; // answers 200 with the whole file

        download(downloader);
        const QByteArray etag = hub.etagOf(QStringLiteral("model.safetensors"));
        QCOMPARE(hub.rangesSeen().size(), 1);
        QCOMPARE(readAll(blob(root, etag)), hub.files[QStringLiteral("model.safetensors")]);
    }

    void redirectsAreFollowedAndTheTokenStaysWithTheHub_data() {
        QTest::addColumn<QByteArray>("hopHost");
        QTest::newRow("same host: Qt follows") << QByteArray("127.0.0.1");
        QTest::newRow("other host: asked again without the token") << QByteArray("localhost");
    }

    void redirectsAreFollowedAndTheTokenStaysWithTheHub() {
        QFETCH(QByteArray, hopHost);
        FakeHub hub;
        hub.hopHost = hopHost;
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        downloader.setToken(QStringLiteral("hf_secret"));
        cancelInTheWeights(downloader, hub, root);
        if (QTest::currentTestFailed()) {
            return;
        }
        download(downloader);
        const QByteArray etag = hub.etagOf(QStringLiteral("model.safetensors"));
        QCOMPARE(readAll(blob(root, etag)), hub.files[QStringLiteral("model.safetensors")]);
        // The Range survives the redirect; the token never reaches the other host.
        QCOMPARE(hub.rangesSeen(), QList<QByteArray>({"/cdn/" + etag + " bytes=100000-",
                                                      "/store/" + etag + " bytes=100000-"}));
        QCOMPARE(hub.count("GET", "/store/"), 2);
        for (const HttpRequest& request : hub.server.requests()) {
            const bool hub127 = request.header("host").startsWith("127.0.0.1");
            QCOMPARE(request.header("authorization"),
                     hub127 ? QByteArray("Bearer hf_secret") : QByteArray());
        }
    }

    void cancelFromAProgressSlotStopsCleanly() {
        FakeHub hub;
        hub.slowFile = QStringLiteral("model.safetensors");
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        QSignalSpy cancelled(&downloader, &HubDownloader::cancelled);
        QSignalSpy finished(&downloader, &HubDownloader::finished);
        QSignalSpy failed(&downloader, &HubDownloader::failed);
        connect(&downloader, &HubDownloader::progress, &downloader, &HubDownloader::cancel);
        QVERIFY(downloader.start(kId));
        QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 1, kWaitMs);
        QTest::qWait(100); // nothing more arrives after the cancel
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(finished.count() + failed.count(), 0);
        QVERIFY(!downloader.isRunning());
    }

    void completePartIsKeptWithoutDownloadingIt() {
        FakeHub hub;
        QTemporaryDir root;
        const QString name = QStringLiteral("model.safetensors");
        QVERIFY(QDir().mkpath(repoDir(root) + QStringLiteral("/blobs")));
        QFile part(blob(root, hub.etagOf(name)) + QStringLiteral(".part"));
        QVERIFY(part.open(QIODevice::WriteOnly));
        part.write(hub.files[name]);
        part.close();
        HubDownloader downloader;
        setUp(downloader, hub, root);
        download(downloader);
        QCOMPARE(hub.count("GET", "/cdn/"), 0);
        QCOMPARE(readAll(blob(root, hub.etagOf(name))), hub.files[name]);
    }

    void cachedBlobsAreNotFetchedAgain() {
        FakeHub hub;
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        const QString first = download(downloader);
        QVERIFY(QDir(first).removeRecursively());
        hub.server.clearRequests();

        QCOMPARE(download(downloader), first);
        QCOMPARE(hub.count("GET", "/cdn/"), 0);
        QCOMPARE(hub.count("GET", '/' + kId.toUtf8() + "/resolve/"), 0);
        QCOMPARE(readAll(first + QStringLiteral("/vocab.txt")),
                 hub.files[QStringLiteral("vocab.txt")]);
    }

    void pytorchWeightsWhenThereIsNoSafetensors() {
        FakeHub hub;
        hub.files.remove(QStringLiteral("model.safetensors"));
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        const QString snapshot = download(downloader);
        QCOMPARE(readAll(snapshot + QStringLiteral("/pytorch_model.bin")),
                 hub.files[QStringLiteral("pytorch_model.bin")]);
    }

    void unknownModelFailsNamingTheId() {
        FakeHub hub;
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        const QString message = failure(downloader, QStringLiteral("nobody/missing"));
        QVERIFY2(message.startsWith(QStringLiteral("No model 'nobody/missing' on the Hub (404).")),
                 qPrintable(message));
        QVERIFY(!QFileInfo::exists(root.filePath(QStringLiteral("models--nobody--missing"))));
    }

    void missingVocabularyFailsBeforeAnyDownload() {
        FakeHub hub;
        hub.files.remove(QStringLiteral("vocab.txt"));
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        const QString message = failure(downloader);
        QVERIFY2(
            message.startsWith(QStringLiteral(
                "'acme/tiny-bert' has no vocab.txt: IssueBERT needs a BERT WordPiece vocabulary")),
            qPrintable(message));
        QCOMPARE(hub.count("HEAD", "/"), 0);
        QCOMPARE(hub.count("GET", "/acme"), 0);
    }

    void missingWeightsFail() {
        FakeHub hub;
        hub.files.remove(QStringLiteral("model.safetensors"));
        hub.files.remove(QStringLiteral("pytorch_model.bin"));
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        const QString message = failure(downloader);
        QVERIFY2(
            message.contains(QStringLiteral("neither model.safetensors nor pytorch_model.bin")),
            qPrintable(message));
    }

    void unreachableHubGivesTheOfflineMessage() {
        QTcpServer probe; // a port nothing listens on once it is closed
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        QTemporaryDir root;
        HubDownloader downloader;
        downloader.setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
        downloader.setCacheRoot(root.path());
        const QString message = failure(downloader);
        QCOMPARE(message, QStringLiteral("Cannot reach 127.0.0.1 (connection refused). Check the "
                                         "network connection, or choose a local model folder."));
        QVERIFY(!downloader.isRunning());
    }

    void gatedModelAsksForATokenAndSendsIt() {
        FakeHub hub;
        hub.requiredToken = "hf_secret";
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        const QString message = failure(downloader);
        QVERIFY2(message.startsWith(
                     QStringLiteral("'acme/tiny-bert' is gated or private: set HF_TOKEN")),
                 qPrintable(message));

        downloader.setToken(QStringLiteral("hf_secret"));
        QVERIFY(!download(downloader).startsWith(QLatin1Char('<')));
        QCOMPARE(hub.server.requests().last().header("authorization"),
                 QByteArray("Bearer hf_secret"));
    }

    void stalledTransferFailsAndKeepsThePart() {
        FakeHub hub;
        hub.stallFile = QStringLiteral("model.safetensors");
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        downloader.setTransferTimeout(500);
        const QString message = failure(downloader);
        QVERIFY2(message.contains(QStringLiteral("stopped sending data for 0.5 s")),
                 qPrintable(message));
        QCOMPARE(QFileInfo(blob(root, hub.etagOf(hub.stallFile)) + QStringLiteral(".part")).size(),
                 kStallAt);
    }

    void progressComesAtMostTwentyTimesASecond() {
        FakeHub hub;
        hub.slowFile = QStringLiteral("model.safetensors"); // 37 pieces over ~200 ms
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        QElapsedTimer clock;
        QList<qint64> times;
        qint64 lastAllDone = 0;
        connect(&downloader, &HubDownloader::progress, this,
                [&](const QString&, qint64, qint64, qint64 allDone, qint64) {
                    times.append(clock.elapsed());
                    lastAllDone = allDone;
                });
        clock.start();
        download(downloader);
        QVERIFY2(times.size() >= 3, "a slow download shows its progress");
        for (qsizetype i = 1; i + 1 < times.size(); ++i) { // the last one, at 100 %, may be early
            QVERIFY2(times[i] - times[i - 1] >= HubDownloader::kProgressIntervalMs - 5,
                     qPrintable(QStringLiteral("%1 ms apart").arg(times[i] - times[i - 1])));
        }
        QVERIFY(lastAllDone >= kWeightsSize);
    }

    void badIdIsRefusedWithoutAsking() {
        FakeHub hub;
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        QSignalSpy failed(&downloader, &HubDownloader::failed);
        QVERIFY(!downloader.start(QStringLiteral("../etc/passwd")));
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("is not a model id")));
        QVERIFY(!downloader.start(kId, QStringLiteral("../main")));
        QCOMPARE(failed.count(), 2);
        QTest::qWait(50);
        QCOMPARE(hub.server.requests().size(), 0);
    }

    void endpointAndCacheComeFromTheEnvironment() {
        FakeHub hub;
        QTemporaryDir root;
        const QByteArray oldEndpoint = qgetenv("HF_ENDPOINT");
        const QByteArray oldCache = qgetenv("HF_HUB_CACHE");
        qputenv("HF_ENDPOINT", hub.server.url().toEncoded());
        qputenv("HF_HUB_CACHE", QFile::encodeName(root.path()));
        HubDownloader downloader;
        downloader.setToken({});
        const QString snapshot = download(downloader);
        qputenv("HF_ENDPOINT", oldEndpoint);
        qputenv("HF_HUB_CACHE", oldCache);
        if (oldEndpoint.isEmpty()) {
            qunsetenv("HF_ENDPOINT");
        }
        if (oldCache.isEmpty()) {
            qunsetenv("HF_HUB_CACHE");
        }
        QCOMPARE(downloader.endpoint(), hub.server.url());
        QCOMPARE(downloader.cacheRoot(), root.path());
        QCOMPARE(snapshot, repoDir(root) + QStringLiteral("/snapshots/") + str(kCommit));
    }

    void damagedFileIsDeletedAndNeverUsed_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("hash");
        QTest::newRow("weights: sha256") << QStringLiteral("model.safetensors") << "sha256";
        QTest::newRow("vocabulary: git hash") << QStringLiteral("vocab.txt") << "git hash";
    }

    void damagedFileIsDeletedAndNeverUsed() {
        QFETCH(QString, name);
        QFETCH(QString, hash);
        FakeHub hub;
        hub.damagedFile = name;
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        const QString message = failure(downloader);
        QVERIFY2(message.startsWith(name +
                                    QStringLiteral(" of 'acme/tiny-bert' does not match the ") +
                                    hash + QStringLiteral(" the Hub states (expected ") +
                                    str(hub.etagOf(name)) + QStringLiteral(", got ")),
                 qPrintable(message));
        QVERIFY(!QFileInfo::exists(blob(root, hub.etagOf(name))));
        QVERIFY(!QFileInfo::exists(blob(root, hub.etagOf(name)) + QStringLiteral(".part")));
        QVERIFY(!findInHuggingFaceCache(root.path().toStdString(), kId.toStdString()));

        hub.damagedFile.clear(); // the next start fetches it again, whole
        const QString snapshot = download(downloader);
        QVERIFY2(!snapshot.startsWith(QLatin1Char('<')), qPrintable(snapshot));
        QCOMPARE(readAll(snapshot + QLatin1Char('/') + name), hub.files[name]);
    }

    void serverSendingMoreThanStatedIsCutOff_data() {
        QTest::addColumn<bool>("unframed");
        QTest::newRow("Content-Length larger than stated") << false;
        QTest::newRow("no Content-Length, no end") << true;
    }

    void serverSendingMoreThanStatedIsCutOff() {
        QFETCH(bool, unframed);
        FakeHub hub;
        hub.oversizeFile = QStringLiteral("model.safetensors");
        hub.oversizeUnframed = unframed;
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        downloader.setTransferTimeout(4000); // a stall's message would come after this
        QElapsedTimer clock;
        clock.start();
        const QString message = failure(downloader);
        QVERIFY2(message.startsWith(QStringLiteral("127.0.0.1 sent more than the ")) &&
                     message.contains(QStringLiteral(
                         " the Hub stated for model.safetensors of 'acme/tiny-bert'")),
                 qPrintable(message));
        QVERIFY2(clock.elapsed() < 3000,
                 "stopped when the bytes passed the size, not by a timeout");
        const QString part = blob(root, hub.etagOf(hub.oversizeFile)) + QStringLiteral(".part");
        QCOMPARE(QFileInfo(part).size(), 0); // discarded: the next start begins again
        QVERIFY(!QFileInfo::exists(blob(root, hub.etagOf(hub.oversizeFile))));
    }

    void fileWithoutStatedSizeOrChecksumIsNotDownloaded_data() {
        QTest::addColumn<bool>("noSize");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no X-Linked-Size") << true << "127.0.0.1 did not state the size of";
        QTest::newRow("ETag is no hash") << false << "127.0.0.1 stated no checksum for";
    }

    void fileWithoutStatedSizeOrChecksumIsNotDownloaded() {
        QFETCH(bool, noSize);
        QFETCH(QString, expected);
        FakeHub hub;
        hub.noLinkedSize = noSize;
        hub.opaqueEtag = !noSize;
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        const QString message = failure(downloader);
        QVERIFY2(
            message.startsWith(expected + QStringLiteral(" model.safetensors of 'acme/tiny-bert'")),
            qPrintable(message));
        QCOMPARE(hub.count("GET", "/cdn/"), 0);
        QCOMPARE(hub.count("GET", '/' + kId.toUtf8() + "/resolve/"), 0); // nothing fetched
    }

    void httpsHubDownloads() {
        FakeHub hub(true);
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        QCOMPARE(downloader.endpoint().scheme(), QStringLiteral("https"));
        const QString snapshot = download(downloader);
        QVERIFY2(!snapshot.startsWith(QLatin1Char('<')), qPrintable(snapshot));
        QCOMPARE(readAll(snapshot + QStringLiteral("/model.safetensors")),
                 hub.files[QStringLiteral("model.safetensors")]);
    }

    void httpsHubNeverFollowsARedirectToHttp_data() {
        QTest::addColumn<QString>("where");
        QTest::newRow("the model information") << "api";
        QTest::newRow("a file's HEAD, to its CDN") << "head";
        QTest::newRow("a download, from the CDN on") << "get";
    }

    void httpsHubNeverFollowsARedirectToHttp() {
        QFETCH(QString, where);
        FakeHub hub(true);
        FakeHub plain; // the same model over http: what an attacker would serve
        const QByteArray plainBase = plain.server.url().toEncoded();
        if (where == QLatin1String("api")) {
            hub.apiMovedTo = plainBase;
        } else if (where == QLatin1String("head")) {
            hub.cdnBase = plainBase;
        } else {
            hub.hopHost = "127.0.0.1"; // http://127.0.0.1:PORT/store/...
        }
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        downloader.setToken(QStringLiteral("hf_secret"));
        const QString message = failure(downloader);
        QVERIFY2(
            message.startsWith(QStringLiteral("127.0.0.1 redirected ")) &&
                message.contains(QStringLiteral(" to an insecure address (http://127.0.0.1:")) &&
                message.endsWith(QStringLiteral("); it was not followed.")),
            qPrintable(message));
        QCOMPARE(plain.server.requests().size(), 0);
        QVERIFY(!findInHuggingFaceCache(root.path().toStdString(), kId.toStdString()));
    }

    void modelInformationMovedElsewhereGetsNoToken() {
        FakeHub hub;
        // Another origin (localhost, not 127.0.0.1), the same server.
        hub.apiMovedTo = "http://localhost:" + QByteArray::number(hub.server.port());
        QTemporaryDir root;
        HubDownloader downloader;
        setUp(downloader, hub, root);
        downloader.setToken(QStringLiteral("hf_secret"));
        const QString snapshot = download(downloader);
        QVERIFY2(!snapshot.startsWith(QLatin1Char('<')), qPrintable(snapshot));
        QCOMPARE(hub.count("GET", "/api/"), 2);
        for (const HttpRequest& request : hub.server.requests()) {
            const bool hub127 = request.header("host").startsWith("127.0.0.1");
            QVERIFY2(request.path.endsWith("?moved") != hub127, request.path.constData());
            QCOMPARE(request.header("authorization"),
                     hub127 ? QByteArray("Bearer hf_secret") : QByteArray());
        }
    }
};

QTEST_GUILESS_MAIN(HubDownloaderTest)
#include "test_hubdownloader.moc"
