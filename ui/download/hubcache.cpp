// Cache paths, names and links in huggingface_hub's layout; the HF_* variables.
#include "ui/download/hubcache.h"

#include "core/model/model_locator.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace issuebert::hubcache {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("HubDownloader", text);
}

std::filesystem::path fsPath(const QString& path) {
#ifdef Q_OS_WIN
    return std::filesystem::path(path.toStdWString());
#else
    return std::filesystem::path(QFile::encodeName(path).toStdString());
#endif
}

} // namespace

QUrl defaultEndpoint() {
    const QString fromEnv = qEnvironmentVariable("HF_ENDPOINT").trimmed();
    return QUrl(fromEnv.isEmpty() ? QStringLiteral("https://huggingface.co") : fromEnv);
}

QString defaultCacheRoot() {
    return QString::fromStdString(huggingFaceCacheRoots().front());
}

QString defaultToken() {
    if (QString token = qEnvironmentVariable("HF_TOKEN").trimmed(); !token.isEmpty()) {
        return token;
    }
    QString path = qEnvironmentVariable("HF_TOKEN_PATH");
    if (path.isEmpty()) {
        QString home = qEnvironmentVariable("HF_HOME");
        if (home.isEmpty()) {
            const QString xdg = qEnvironmentVariable("XDG_CACHE_HOME");
            home = (xdg.isEmpty() ? QDir::homePath() + QStringLiteral("/.cache") : xdg) +
                   QStringLiteral("/huggingface");
        }
        path = home + QStringLiteral("/token");
    }
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.read(4096)).trimmed()
                                          : QString();
}

QString modelIdProblem(const QString& text) {
    if (text.isEmpty()) {
        return tr("Enter a model id such as google-bert/bert-base-uncased.");
    }
    if (!isModelId(text.toStdString())) {
        return tr("'%1' is not a model id: expected ORG/NAME or NAME made of letters, digits, "
                  "'.', '_' and '-' (such as google-bert/bert-base-uncased).")
            .arg(text);
    }
    return {};
}

QString repoFolderName(const QString& modelId) {
    return QStringLiteral("models--") +
           QString(modelId).replace(QLatin1Char('/'), QStringLiteral("--"));
}

bool isSafeName(const QString& text) {
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$"));
    return pattern.match(text).hasMatch();
}

bool isRevision(const QString& text) {
    const QStringList parts = text.split(QLatin1Char('/'));
    return text.size() <= 256 && std::all_of(parts.begin(), parts.end(), isSafeName);
}

QString blobName(const QByteArray& etag) {
    QByteArray name = etag.trimmed();
    if (name.startsWith("W/")) {
        name.remove(0, 2);
    }
    return QString::fromLatin1(name.replace('"', QByteArray()));
}

QString linkIntoSnapshot(const QString& repoDir, const QString& commit, const QString& file,
                         const QString& blob) {
    const QString snapshot = repoDir + QStringLiteral("/snapshots/") + commit;
    if (!QDir().mkpath(snapshot)) {
        return tr("Cannot create the folder %1.").arg(QDir::toNativeSeparators(snapshot));
    }
    const QString link = snapshot + QLatin1Char('/') + file;
    std::error_code ec;
    std::filesystem::remove(fsPath(link), ec); // the link itself, never its blob
    std::filesystem::create_symlink(fsPath(QStringLiteral("../../blobs/") + blob), fsPath(link),
                                    ec);
    if (ec && !QFile::copy(repoDir + QStringLiteral("/blobs/") + blob, link)) {
        return tr("Cannot create %1: %2.")
            .arg(QDir::toNativeSeparators(link), QString::fromStdString(ec.message()));
    }
    return {};
}

QString writeRef(const QString& repoDir, const QString& revision, const QString& commit) {
    const QString path = repoDir + QStringLiteral("/refs/") + revision;
    QSaveFile ref(path);
    if (!QDir().mkpath(QFileInfo(path).path()) || !ref.open(QIODevice::WriteOnly) ||
        ref.write(commit.toLatin1()) != commit.size() || !ref.commit()) {
        return tr("Cannot write %1: %2.").arg(QDir::toNativeSeparators(path), ref.errorString());
    }
    return {};
}

} // namespace issuebert::hubcache
