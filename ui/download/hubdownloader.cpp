// The Hugging Face Hub download: the model's commit and file list, HEADs for the
// blobs' names, resumable GETs into .part files checked against their hashes,
// then the snapshot's links.
#include "ui/download/hubdownloader.h"

#include "ui/download/hubcache.h"
#include "ui/download/hubreplies.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <algorithm>

namespace issuebert {

namespace {

// Downloads of one file begun again from byte 0 before giving up.
constexpr int kMaxRestarts = 2;

QString native(const QString& path) {
    return QDir::toNativeSeparators(path);
}

QString sizeText(qint64 bytes) {
    return QLocale().formattedDataSize(bytes);
}

// count lower- or upper-case hexadecimal digits.
bool isHex(const QString& text, qsizetype count) {
    return text.size() == count && std::all_of(text.begin(), text.end(), [](QChar c) {
               return (c >= u'0' && c <= u'9') || (c.toLower() >= u'a' && c.toLower() <= u'f');
           });
}

} // namespace

HubDownloader::HubDownloader(QObject* parent)
    : QObject(parent), m_network(new QNetworkAccessManager(this)),
      m_endpoint(hubcache::defaultEndpoint()), m_cacheRoot(hubcache::defaultCacheRoot()),
      m_token(hubcache::defaultToken()), m_progressTimer(new QTimer(this)),
      m_verifyTimer(new QTimer(this)) {
    m_progressTimer->setSingleShot(true);
    m_progressTimer->setTimerType(Qt::PreciseTimer); // never early: at most 20 a second
    connect(m_progressTimer, &QTimer::timeout, this, &HubDownloader::emitProgress);
    m_verifyTimer->setSingleShot(true);
    m_verifyTimer->setInterval(0);
    connect(m_verifyTimer, &QTimer::timeout, this, &HubDownloader::verifyChunk);
}

HubDownloader::~HubDownloader() {
    stop();
}

void HubDownloader::setEndpoint(const QUrl& endpoint) {
    m_endpoint = endpoint.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment);
}

void HubDownloader::setCacheRoot(const QString& root) {
    m_cacheRoot = root;
}

void HubDownloader::setToken(const QString& token) {
    m_token = token.trimmed();
}

void HubDownloader::setTransferTimeout(int milliseconds) {
    m_transferTimeoutMs = milliseconds;
}

QString HubDownloader::repoFolder(const QString& modelId) const {
    return QDir(m_cacheRoot).filePath(hubcache::repoFolderName(modelId));
}

bool HubDownloader::start(const QString& modelId, const QString& revision) {
    if (isRunning()) {
        return false;
    }
    const QString id = modelId.trimmed();
    QString problem = hubcache::modelIdProblem(id);
    if (problem.isEmpty() && !hubcache::isRevision(revision)) {
        problem = tr("'%1' is not a revision: expected a branch, a tag or a commit hash such as "
                     "main.")
                      .arg(revision);
    }
    const QString scheme = m_endpoint.scheme();
    if (problem.isEmpty() && (m_endpoint.host().isEmpty() || (scheme != QLatin1String("https") &&
                                                              scheme != QLatin1String("http")))) {
        problem = tr("The Hub address '%1' is not an http(s) URL; check HF_ENDPOINT.")
                      .arg(m_endpoint.toString());
    }
    if (!problem.isEmpty()) {
        Q_EMIT failed(problem);
        return false;
    }
    m_id = id;
    m_revision = revision;
    m_commit.clear();
    m_files.clear();
    m_current = 0;
    m_redirects = 0;
    m_allDoneBefore = 0;
    m_allTotal = 0;
    m_fileDone = 0;
    m_sinceProgress.invalidate();
    m_phase = Phase::Info;
    Q_EMIT statusChanged(tr("Asking %1 about %2…").arg(m_endpoint.host(), m_id));
    if (isRunning()) { // not when a slot cancelled
        requestInfo(endpointUrl("/api/models/" + m_id.toUtf8() + "/revision/" +
                                QUrl::toPercentEncoding(m_revision)));
    }
    return true;
}

void HubDownloader::cancel() {
    if (!isRunning()) {
        return;
    }
    stop();
    Q_EMIT statusChanged(tr("Download of %1 cancelled").arg(m_id));
    Q_EMIT cancelled();
}

hubreplies::Context HubDownloader::context() const {
    return hubreplies::Context{m_id, m_revision, m_commit, !m_token.isEmpty(), m_transferTimeoutMs};
}

QNetworkRequest HubDownloader::makeRequest(const QUrl& url) const {
    QNetworkRequest request(url);
    request.setTransferTimeout(m_transferTimeoutMs);
    request.setMaximumRedirectsAllowed(kMaxRedirects);
    // Byte offsets must be the file's own: no transparent gzip under a Range.
    request.setRawHeader("Accept-Encoding", "identity");
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("IssueBERT (Qt Network)"));
    if (!m_token.isEmpty() && hubreplies::sameOrigin(url, m_endpoint)) {
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    }
    return request;
}

QUrl HubDownloader::endpointUrl(const QByteArray& encodedPath) const {
    const QByteArray base = m_endpoint.toEncoded(QUrl::FullyEncoded | QUrl::StripTrailingSlash);
    return QUrl::fromEncoded(base + encodedPath, QUrl::StrictMode);
}

QUrl HubDownloader::resolveUrl(const QString& file) const {
    return endpointUrl('/' + m_id.toUtf8() + "/resolve/" + m_commit.toUtf8() + '/' +
                       QUrl::toPercentEncoding(file));
}

QString HubDownloader::blobPath(const QString& etag) const {
    return repoFolder(m_id) + QStringLiteral("/blobs/") + etag;
}

QNetworkReply* HubDownloader::takeReply() {
    QNetworkReply* reply = m_reply;
    m_reply = nullptr;
    reply->deleteLater();
    return reply;
}

void HubDownloader::dropReply() {
    if (QNetworkReply* reply = m_reply) {
        m_reply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void HubDownloader::stop() {
    m_progressTimer->stop();
    m_verifyTimer->stop();
    m_hash.reset();
    dropReply();
    if (m_part.isOpen()) {
        m_part.close(); // kept: the next start() resumes from it
    }
    m_phase = Phase::Idle;
}

void HubDownloader::fail(const QString& message) {
    stop();
    Q_EMIT failed(message);
}

QString HubDownloader::redirectProblem(const QUrl& from, const QUrl& url,
                                       const QString& what) const {
    if (from.scheme() == QLatin1String("https") && url.scheme() != QLatin1String("https")) {
        return tr("%1 redirected %2 to an insecure address (%3); it was not followed.")
            .arg(from.host(), what, url.toDisplayString());
    }
    return {};
}

bool HubDownloader::mustDropToken(const QNetworkReply* reply, const QUrl& url) const {
    // Qt would send the token along; only the endpoint may see it (as in huggingface_hub).
    return reply->request().hasRawHeader("Authorization") &&
           !hubreplies::sameOrigin(url, m_endpoint);
}

void HubDownloader::requestInfo(const QUrl& url) {
    QNetworkRequest request = makeRequest(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::UserVerifiedRedirectPolicy);
    m_replyUrl = url;
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::redirected, this, &HubDownloader::onInfoRedirected);
    connect(m_reply, &QNetworkReply::finished, this, &HubDownloader::onInfoFinished);
}

void HubDownloader::onInfoRedirected(const QUrl& url) {
    QNetworkReply* reply = m_reply;
    const QString what = tr("the information about '%1'").arg(m_id);
    if (const QString problem = redirectProblem(m_replyUrl, url, what); !problem.isEmpty()) {
        fail(problem);
        return;
    }
    if (mustDropToken(reply, url)) {
        dropReply();
        if (++m_redirects > kMaxRedirects) {
            fail(tr("Too many redirects for %1.").arg(what));
            return;
        }
        requestInfo(url);
        return;
    }
    m_replyUrl = url;
    Q_EMIT reply->redirectAllowed();
}

void HubDownloader::onInfoFinished() {
    QNetworkReply* reply = takeReply();
    const int status = hubreplies::statusOf(reply);
    if (status >= 400 || reply->error() != QNetworkReply::NoError) {
        fail(status >= 400 ? hubreplies::httpProblem(reply, status, {}, context())
                           : hubreplies::networkProblem(reply, context()));
        return;
    }
    const hubreplies::ModelFiles info =
        hubreplies::modelFiles(reply->readAll(), m_id, m_endpoint.host());
    if (!info.problem.isEmpty()) {
        fail(info.problem);
        return;
    }
    m_commit = info.commit;
    m_redirects = 0;
    for (const QString& name : info.files) {
        HubFile file;
        file.name = name;
        m_files.append(file);
    }
    m_phase = Phase::Head;
    m_current = 0;
    Q_EMIT statusChanged(
        tr("Checking %n file(s) of %1 at %2…", "", static_cast<int>(m_files.size()))
            .arg(m_id, m_commit.left(8)));
    if (!isRunning()) {
        return;
    }
    requestHead(resolveUrl(m_files.first().name));
}

void HubDownloader::requestHead(const QUrl& url) {
    QNetworkRequest request = makeRequest(url);
    // The Hub answers for an LFS file with a redirect to its CDN that carries the
    // blob's ETag and size (X-Linked-*): read them here, not the CDN's.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    m_reply = m_network->head(request);
    connect(m_reply, &QNetworkReply::finished, this, &HubDownloader::onHeadFinished);
}

void HubDownloader::onHeadFinished() {
    QNetworkReply* reply = takeReply();
    HubFile& file = m_files[m_current];
    const int status = hubreplies::statusOf(reply);
    if (status >= 400 || status == 0) {
        fail(status >= 400 ? hubreplies::httpProblem(reply, status, file.name, context())
                           : hubreplies::networkProblem(reply, context()));
        return;
    }
    QByteArray etag = reply->rawHeader("X-Linked-Etag");
    QByteArray size = reply->rawHeader("X-Linked-Size");
    if (etag.isEmpty()) {
        etag = reply->rawHeader("ETag");
        size = reply->rawHeader("Content-Length");
    }
    file.downloadUrl = reply->url();
    if (status >= 300 && status < 400) {
        const QUrl target = reply->url().resolved(
            reply->attribute(QNetworkRequest::RedirectionTargetAttribute).toUrl());
        if (const QString problem = redirectProblem(reply->url(), target, file.name);
            !problem.isEmpty()) {
            fail(problem);
            return;
        }
        if (etag.isEmpty()) { // a renamed repository: ask where it moved
            if (++m_redirects > kMaxRedirects) {
                fail(tr("Too many redirects for %1 of '%2'.").arg(file.name, m_id));
                return;
            }
            requestHead(target);
            return;
        }
        file.downloadUrl = target;
    }
    file.etag = hubcache::blobName(etag);
    file.sha256 = isHex(file.etag, 64);
    if (!file.sha256 && !isHex(file.etag, 40)) {
        fail(tr("%1 stated no checksum for %2 of '%3' (its ETag is neither a sha256 nor a git "
                "hash), so the file could not be verified and was not downloaded.")
                 .arg(reply->url().host(), file.name, m_id));
        return;
    }
    bool known = false;
    file.size = size.trimmed().toLongLong(&known);
    if (!known || file.size < 0) {
        fail(tr("%1 did not state the size of %2 of '%3', so the download could not be bounded "
                "and was not started.")
                 .arg(reply->url().host(), file.name, m_id));
        return;
    }
    const QFileInfo blob(blobPath(file.etag));
    file.cached = blob.isFile() && blob.size() == file.size;
    if (file.cached) {
        m_allDoneBefore += blob.size();
    }
    m_allTotal += file.size;
    m_redirects = 0;
    if (++m_current < m_files.size()) {
        requestHead(resolveUrl(m_files[m_current].name));
        return;
    }
    m_phase = Phase::Get;
    m_current = 0;
    startNextDownload();
}

void HubDownloader::startNextDownload() {
    while (m_current < m_files.size() && m_files[m_current].cached) {
        ++m_current;
    }
    if (m_current == m_files.size()) {
        finishAll();
        return;
    }
    const HubFile& file = m_files[m_current];
    const QString blobs = repoFolder(m_id) + QStringLiteral("/blobs");
    if (!QDir().mkpath(blobs)) {
        fail(tr("Cannot create the folder %1.").arg(native(blobs)));
        return;
    }
    m_part.setFileName(blobPath(file.etag) + QStringLiteral(".part"));
    // Unbuffered: what arrived is on disk when the download stops, for resuming.
    if (!m_part.open(QIODevice::ReadWrite | QIODevice::Unbuffered)) {
        fail(tr("Cannot write %1: %2.").arg(native(m_part.fileName()), m_part.errorString()));
        return;
    }
    m_restarts = 0;
    m_redirects = 0;
    const qint64 have = m_part.size();
    const QString ofTotal = sizeText(file.size);
    Q_EMIT statusChanged(have > 0 ? tr("Resuming %1 at %2 of %3 (file %4 of %5)…")
                                        .arg(file.name, sizeText(have), ofTotal)
                                        .arg(m_current + 1)
                                        .arg(m_files.size())
                                  : tr("Downloading %1, %2 (file %3 of %4)…")
                                        .arg(file.name, ofTotal)
                                        .arg(m_current + 1)
                                        .arg(m_files.size()));
    if (!isRunning()) {
        return;
    }
    if (have == file.size) {
        m_fileDone = have; // complete, stopped before its check or rename
        verifyFile();
        return;
    }
    // A .part longer than the file is not this file's: start over.
    requestGet(file.downloadUrl, have < file.size);
}

void HubDownloader::requestGet(const QUrl& url, bool resume) {
    if (!resume) {
        m_part.resize(0);
    }
    m_offset = m_part.size();
    m_part.seek(m_offset);
    m_fileDone = m_offset;
    m_bodyChecked = false;
    QNetworkRequest request = makeRequest(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::UserVerifiedRedirectPolicy);
    if (m_offset > 0) {
        request.setRawHeader("Range", "bytes=" + QByteArray::number(m_offset) + '-');
    }
    m_replyUrl = url;
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::redirected, this, &HubDownloader::onGetRedirected);
    connect(m_reply, &QNetworkReply::readyRead, this, &HubDownloader::onGetReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &HubDownloader::onGetFinished);
    reportProgress();
}

void HubDownloader::onGetRedirected(const QUrl& url) {
    QNetworkReply* reply = m_reply;
    if (const QString problem = redirectProblem(m_replyUrl, url, m_files[m_current].name);
        !problem.isEmpty()) {
        fail(problem);
        return;
    }
    if (mustDropToken(reply, url)) {
        dropReply();
        if (++m_redirects > kMaxRedirects) {
            fail(tr("Too many redirects for %1 of '%2'.").arg(m_files[m_current].name, m_id));
            return;
        }
        requestGet(url, true);
        return;
    }
    m_replyUrl = url;
    Q_EMIT reply->redirectAllowed();
}

bool HubDownloader::consumeBody(QNetworkReply* reply) {
    if (!reply->isOpen()) {
        return true; // aborted (a timeout): nothing more to read
    }
    const int status = hubreplies::statusOf(reply);
    if (status != 200 && status != 206) {
        reply->readAll(); // a redirect's or an error's page
        return true;
    }
    const qint64 size = m_files[m_current].size;
    if (!m_bodyChecked) {
        m_bodyChecked = true;
        if (status == 200 && m_offset > 0) { // the server ignored the Range: take it all
            m_part.resize(0);
            m_part.seek(0);
            m_offset = 0;
            m_fileDone = 0;
        } else if (status == 206 && hubreplies::contentRangeStart(reply) != m_offset) {
            restartFile();
            return false;
        }
        const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
        if (length.isValid() && length.toLongLong() > size - m_offset) {
            failOversize(reply->url().host());
            return false;
        }
    }
    // Never more than the Hub stated, whatever the answer says of itself.
    if (reply->bytesAvailable() > size - m_fileDone) {
        failOversize(reply->url().host());
        return false;
    }
    const QByteArray data = reply->readAll();
    if (m_part.write(data) != data.size()) {
        fail(tr("Cannot write %1: %2.").arg(native(m_part.fileName()), m_part.errorString()));
        return false;
    }
    m_fileDone += data.size();
    reportProgress();
    return m_reply == reply; // not when a progress slot cancelled
}

void HubDownloader::onGetReadyRead() {
    consumeBody(m_reply);
}

void HubDownloader::onGetFinished() {
    QNetworkReply* reply = m_reply;
    if (!consumeBody(reply)) {
        return;
    }
    takeReply();
    const HubFile& file = m_files[m_current];
    const int status = hubreplies::statusOf(reply);
    if (status == 416) { // nothing past the .part's end: complete only with every byte
        if (m_part.size() == file.size) {
            m_fileDone = file.size;
            verifyFile();
        } else {
            restartFile();
        }
        return;
    }
    if (status >= 400 || reply->error() != QNetworkReply::NoError) {
        fail(status >= 400 ? hubreplies::httpProblem(reply, status, file.name, context())
                           : hubreplies::networkProblem(reply, context()));
        return;
    }
    if (status != 200 && status != 206) {
        fail(hubreplies::httpProblem(reply, status, file.name, context()));
        return;
    }
    const qint64 have = m_part.size();
    if (have < file.size) {
        fail(tr("The download of %1 ended early, at %2 of %3: start again to resume.")
                 .arg(file.name, sizeText(have), sizeText(file.size)));
        return;
    }
    verifyFile();
}

void HubDownloader::restartFile() {
    dropReply();
    if (++m_restarts > kMaxRestarts) {
        fail(tr("%1 answers range requests for %2 inconsistently: delete %3 and start again.")
                 .arg(m_files[m_current].downloadUrl.host(), m_files[m_current].name,
                      native(m_part.fileName())));
        return;
    }
    requestGet(m_files[m_current].downloadUrl, false);
}

void HubDownloader::failOversize(const QString& host) {
    const HubFile& file = m_files[m_current];
    dropReply();
    m_part.resize(0); // not this file: the next start begins again
    fail(tr("%1 sent more than the %2 the Hub stated for %3 of '%4'; the download was stopped "
            "there and discarded. Start again, or try later.")
             .arg(host, sizeText(file.size), file.name, m_id));
}

void HubDownloader::verifyFile() {
    const HubFile& file = m_files[m_current];
    m_phase = Phase::Verify;
    m_hash = std::make_unique<QCryptographicHash>(file.sha256 ? QCryptographicHash::Sha256
                                                              : QCryptographicHash::Sha1);
    if (!file.sha256) { // git hashes "blob SIZE\0" and then the bytes
        m_hash->addData(QByteArray("blob ") + QByteArray::number(file.size) + '\0');
    }
    m_verified = 0;
    m_part.seek(0);
    Q_EMIT statusChanged(tr("Checking %1 (%2) against its %3…")
                             .arg(file.name, sizeText(file.size),
                                  file.sha256 ? QStringLiteral("sha256") : tr("git hash")));
    if (isRunning()) { // not when a slot cancelled
        m_verifyTimer->start();
    }
}

void HubDownloader::verifyChunk() {
    const HubFile& file = m_files[m_current];
    const QByteArray data = m_part.read(std::min(kVerifyChunkBytes, file.size - m_verified));
    if (data.isEmpty() && m_verified < file.size) {
        fail(tr("Cannot read %1: %2.").arg(native(m_part.fileName()), m_part.errorString()));
        return;
    }
    m_hash->addData(data);
    m_verified += data.size();
    if (m_verified < file.size) {
        m_verifyTimer->start(); // the GUI's events first
        return;
    }
    const QString got = QString::fromLatin1(m_hash->result().toHex());
    m_hash.reset();
    if (got.compare(file.etag, Qt::CaseInsensitive) != 0) {
        m_part.close();
        QFile::remove(m_part.fileName());
        fail(tr("%1 of '%2' does not match the %3 the Hub states (expected %4, got %5): the "
                "download was damaged or altered on its way, so it was deleted. Start again.")
                 .arg(file.name, m_id, file.sha256 ? QStringLiteral("sha256") : tr("git hash"),
                      file.etag, got));
        return;
    }
    m_phase = Phase::Get;
    completeFile();
}

void HubDownloader::completeFile() {
    HubFile& file = m_files[m_current];
    m_part.close();
    const QString blob = blobPath(file.etag);
    QFile::remove(blob); // a blob of another size, left by something else
    if (!QFile::rename(m_part.fileName(), blob)) {
        fail(tr("Cannot rename %1 to %2.").arg(native(m_part.fileName()), native(blob)));
        return;
    }
    m_allDoneBefore += QFileInfo(blob).size();
    m_fileDone = 0;
    file.cached = true;
    ++m_current;
    startNextDownload();
}

void HubDownloader::finishAll() {
    // Linked only now that every blob is there, so an interrupted download
    // never leaves a snapshot that looks like a model folder.
    const QString repo = repoFolder(m_id);
    for (const HubFile& file : std::as_const(m_files)) {
        if (const QString problem =
                hubcache::linkIntoSnapshot(repo, m_commit, file.name, file.etag);
            !problem.isEmpty()) {
            fail(problem);
            return;
        }
    }
    if (m_revision != m_commit) { // huggingface_hub writes no ref for a commit
        if (const QString problem = hubcache::writeRef(repo, m_revision, m_commit);
            !problem.isEmpty()) {
            fail(problem);
            return;
        }
    }
    m_phase = Phase::Idle;
    m_progressTimer->stop();
    // Values first: a slot may start the next download before the last emit.
    const QString last = m_files.last().name;
    const qint64 lastSize = QFileInfo(blobPath(m_files.last().etag)).size();
    const qint64 total = m_allDoneBefore;
    const QString done = tr("Downloaded %1 (%2)").arg(m_id, sizeText(total));
    const QString snapshot = repo + QStringLiteral("/snapshots/") + m_commit;
    Q_EMIT progress(last, lastSize, lastSize, total, total);
    Q_EMIT statusChanged(done);
    Q_EMIT finished(snapshot);
}

void HubDownloader::reportProgress() {
    if (!m_sinceProgress.isValid() || m_sinceProgress.elapsed() >= kProgressIntervalMs) {
        m_progressTimer->stop();
        emitProgress();
    } else if (!m_progressTimer->isActive()) {
        m_progressTimer->start(static_cast<int>(kProgressIntervalMs - m_sinceProgress.elapsed()));
    }
}

void HubDownloader::emitProgress() {
    if (m_phase != Phase::Get || m_current >= m_files.size()) {
        return;
    }
    const HubFile& file = m_files[m_current];
    m_sinceProgress.start();
    Q_EMIT progress(file.name, m_fileDone, file.size, m_allDoneBefore + m_fileDone, m_allTotal);
}

} // namespace issuebert
