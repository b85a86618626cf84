// Downloads a BERT classifier's files by model id from the Hugging Face Hub into
// the Hugging Face cache layout: resumable, cancellable, never blocking the GUI,
// and distrustful: no file larger than the Hub states, none used before its
// checksum matches, no https→http redirect, the token only to the Hub.
#pragma once

#include <QElapsedTimer>
#include <QFile>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

#include <memory>

class QCryptographicHash;
class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;
class QTimer;

namespace issuebert {

namespace hubreplies {
struct Context;
}

// One HubDownloader fetches one model at a time, all on the thread it lives in
// (asynchronous QNetworkAccessManager calls, no waiting):
//   1. GET {endpoint}/api/models/{id}/revision/{revision}: the commit and the file list;
//   2. HEAD each file IssueBERT needs: its ETag (the blob's name, and its
//      checksum: the sha256 of an LFS file, the git blob sha1 of a small one)
//      and size; a file without both is refused;
//   3. GET what is not cached yet into blobs/{etag}.part (a Range request
//      resumes a .part left by a cancel or a failure), stopped the moment it
//      would grow past the stated size; once complete, hashed a few MiB per
//      event-loop turn and renamed only when the hash is the ETag (else deleted);
//   4. snapshots/{commit}/{file} → ../../blobs/{etag}, refs/{revision} = commit.
// Every redirect is checked: none from https to another scheme, and a request
// that carries the token is sent again without it to any other origin.
// The result is exactly what huggingface_hub writes, so core's model locator
// (and Python) find the model by its id.
class HubDownloader : public QObject {
    Q_OBJECT

public:
    // The least time between two progress signals: at most 20 a second.
    static constexpr int kProgressIntervalMs = 50;
    // A request that moves no data for this long fails (and keeps its .part).
    static constexpr int kTransferTimeoutMs = 30000;
    // Redirects followed per request (the Hub sends weights to its CDN: one).
    static constexpr int kMaxRedirects = 5;
    // Bytes hashed per event-loop turn while checking a downloaded file.
    static constexpr qint64 kVerifyChunkBytes = 4 << 20;

    explicit HubDownloader(QObject* parent = nullptr);
    ~HubDownloader() override;

    // Where the API and files are asked for (a mirror, or a test server).
    void setEndpoint(const QUrl& endpoint);
    QUrl endpoint() const { return m_endpoint; }
    // The hub cache the model is written into.
    void setCacheRoot(const QString& root);
    QString cacheRoot() const { return m_cacheRoot; }
    // Sent as "Authorization: Bearer TOKEN" to the endpoint's origin only (never
    // to the CDN it redirects to); empty sends none. Defaults to hubcache::defaultToken().
    void setToken(const QString& token);
    void setTransferTimeout(int milliseconds);
    bool isRunning() const { return m_phase != Phase::Idle; }

    // The model's folder in the cache: cacheRoot()/models--ORG--NAME.
    QString repoFolder(const QString& modelId) const;

public Q_SLOTS:
    // Starts downloading; returns at once. false when a download is running, or
    // when modelId, revision or the endpoint is malformed (failed() has then been
    // emitted, before start returns).
    bool start(const QString& modelId, const QString& revision = QStringLiteral("main"));
    // Stops at once, keeps the .part for the next start(), emits cancelled().
    void cancel();

Q_SIGNALS:
    // One line for a status bar: "Downloading model.safetensors, 418 MB (file 5 of 5)…".
    void statusChanged(const QString& text);
    // Bytes of the current file and of all files (those already cached count as
    // done); a total is -1 while unknown. At most one per kProgressIntervalMs,
    // and one more at 100 % before finished().
    void progress(const QString& file, qint64 fileDone, qint64 fileTotal, qint64 allDone,
                  qint64 allTotal);
    // The snapshot folder, ready for core's model loader.
    void finished(const QString& snapshotFolder);
    // A message for the user, naming the model, the file or the path.
    void failed(const QString& message);
    void cancelled();

private:
    enum class Phase { Idle, Info, Head, Get, Verify };
    // One file of the snapshot.
    struct HubFile {
        QString name;
        QString etag;        // the blob's name: its sha256, or its git blob sha1
        bool sha256 = false; // which of the two
        qint64 size = -1;    // as the Hub states it
        QUrl downloadUrl;    // the resolve URL, or where its HEAD redirected
        bool cached = false; // the blob is already there
    };

    QNetworkRequest makeRequest(const QUrl& url) const;
    QNetworkReply* takeReply(); // the finished reply, deleted later
    void dropReply();           // aborts the reply without its signals
    QUrl endpointUrl(const QByteArray& encodedPath) const;
    QUrl resolveUrl(const QString& file) const;
    void requestInfo(const QUrl& url);
    void onInfoRedirected(const QUrl& url);
    void onInfoFinished();
    // Why a redirect from one URL to url must not be followed; empty when it may.
    QString redirectProblem(const QUrl& from, const QUrl& url, const QString& what) const;
    // Whether the reply carries the token and url is not the endpoint's origin.
    bool mustDropToken(const QNetworkReply* reply, const QUrl& url) const;
    void requestHead(const QUrl& url);
    void onHeadFinished();
    void startNextDownload();
    void requestGet(const QUrl& url, bool resume);
    void onGetRedirected(const QUrl& url);
    bool consumeBody(QNetworkReply* reply); // false when it failed or restarted the file
    void onGetReadyRead();
    void onGetFinished();
    void restartFile();
    void failOversize(const QString& host);
    void verifyFile(); // the .part holds the stated size: hash it, then completeFile()
    void verifyChunk();
    void completeFile();
    void finishAll();
    void fail(const QString& message);
    void stop();
    hubreplies::Context context() const; // what error messages name
    QString blobPath(const QString& etag) const;
    void reportProgress();
    void emitProgress();

    QNetworkAccessManager* m_network;
    QUrl m_endpoint;
    QString m_cacheRoot;
    QString m_token;
    int m_transferTimeoutMs = kTransferTimeoutMs;

    Phase m_phase = Phase::Idle;
    QPointer<QNetworkReply> m_reply;
    // Where m_reply's answer comes from now: its URL, then each redirect let through
    // (Qt's reply->url() is already the target when redirected() arrives).
    QUrl m_replyUrl;
    QString m_id;
    QString m_revision;
    QString m_commit;
    QList<HubFile> m_files;
    qsizetype m_current = 0;    // the file being asked about or fetched
    int m_redirects = 0;        // HEAD hops (renamed repositories) or token-less re-requests
    int m_restarts = 0;         // downloads of this file begun again from byte 0
    QFile m_part;               // blobs/{etag}.part while fetching
    qint64 m_offset = 0;        // bytes the .part held when the request went out
    bool m_bodyChecked = false; // this answer's status and Content-Range looked at
    qint64 m_fileDone = 0;
    qint64 m_allDoneBefore = 0; // bytes of the files before the current one
    qint64 m_allTotal = 0;
    QElapsedTimer m_sinceProgress;
    QTimer* m_progressTimer; // delivers the last progress a throttled signal skipped
    QTimer* m_verifyTimer;   // the next piece of the hash, after the events waiting
    std::unique_ptr<QCryptographicHash> m_hash;
    qint64 m_verified = 0; // bytes of the .part hashed so far
};

} // namespace issuebert
