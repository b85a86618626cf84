// The Hugging Face Hub download: the model's commit and file list, HEADs for the
// blobs' names, resumable GETs into .part files, then the snapshot's links.
#include "ui/download/hubdownloader.h"

#include "ui/download/hubcache.h"
#include "ui/download/hubreplies.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

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

} // namespace

HubDownloader::HubDownloader(QObject* parent)
    : QObject(parent), m_network(new QNetworkAccessManager(this)),
      m_endpoint(hubcache::defaultEndpoint()), m_cacheRoot(hubcache::defaultCacheRoot()),
      m_token(hubcache::defaultToken()), m_progressTimer(new QTimer(this)) {
    m_progressTimer->setSingleShot(true);
    m_progressTimer->setTimerType(Qt::PreciseTimer); // never early: at most 20 a second
    connect(m_progressTimer, &QTimer::timeout, this, &HubDownloader::emitProgress);
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
    requestInfo();
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

void HubDownloader::requestInfo() {
    m_phase = Phase::Info;
    Q_EMIT statusChanged(tr("Asking %1 about %2…").arg(m_endpoint.host(), m_id));
    if (!isRunning()) {
        return; // a slot cancelled
    }
    QNetworkRequest request = makeRequest(endpointUrl(
        "/api/models/" + m_id.toUtf8() + "/revision/" + QUrl::toPercentEncoding(m_revision)));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::finished, this, &HubDownloader::onInfoFinished);
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
    if (!hubcache::isSafeName(file.etag)) {
        fail(tr("%1 sent no usable ETag for %2 of '%3', so it cannot be named in the cache.")
                 .arg(reply->url().host(), file.name, m_id));
        return;
    }
    bool known = false;
    file.size = size.trimmed().toLongLong(&known);
    file.size = known ? file.size : -1;
    const QFileInfo blob(blobPath(file.etag));
    file.cached = blob.isFile() && (file.size < 0 || blob.size() == file.size);
    if (file.cached) {
        m_allDoneBefore += blob.size();
    }
    m_allTotal = (m_allTotal < 0 || file.size < 0) ? -1 : m_allTotal + file.size;
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
    const QString ofTotal = file.size >= 0 ? sizeText(file.size) : tr("unknown size");
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
    if (file.size >= 0 && have == file.size) {
        m_fileDone = have; // complete, stopped before its rename
        completeFile();
        return;
    }
    // A .part longer than the file is not this file's: start over.
    requestGet(file.downloadUrl, file.size < 0 || have < file.size);
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
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::redirected, this, &HubDownloader::onGetRedirected);
    connect(m_reply, &QNetworkReply::readyRead, this, &HubDownloader::onGetReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &HubDownloader::onGetFinished);
    reportProgress();
}

void HubDownloader::onGetRedirected(const QUrl& url) {
    QNetworkReply* reply = m_reply;
    if (reply->url().scheme() == QLatin1String("https") && url.scheme() != QLatin1String("https")) {
        fail(tr("%1 redirected %2 to an insecure address (%3).")
                 .arg(reply->url().host(), m_files[m_current].name, url.toDisplayString()));
        return;
    }
    // Qt would send the token along; only the endpoint may see it (as in huggingface_hub).
    if (reply->request().hasRawHeader("Authorization") &&
        !hubreplies::sameOrigin(url, m_endpoint)) {
        dropReply();
        if (++m_redirects > kMaxRedirects) {
            fail(tr("Too many redirects for %1 of '%2'.").arg(m_files[m_current].name, m_id));
            return;
        }
        requestGet(url, true);
        return;
    }
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
        if (file.size >= 0 && m_part.size() == file.size) {
            m_fileDone = file.size;
            completeFile();
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
    if (file.size >= 0 && have > file.size) {
        m_part.resize(0);
        fail(tr("%1 sent %2 for %3 of '%4', which is %5: start again.")
                 .arg(reply->url().host(), sizeText(have), file.name, m_id, sizeText(file.size)));
        return;
    }
    if (file.size >= 0 && have < file.size) {
        fail(tr("The download of %1 ended early, at %2 of %3: start again to resume.")
                 .arg(file.name, sizeText(have), sizeText(file.size)));
        return;
    }
    completeFile();
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
