// What the Hub's answers mean, in words for the user.
#include "ui/download/hubreplies.h"

#include "ui/download/hubcache.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSet>

#include <algorithm>
#include <iterator>

namespace issuebert::hubreplies {

namespace {

// The tokenizer and config files of a BERT folder, in download order; the
// first two are required.
const char* const kFolderFiles[] = {"config.json", "vocab.txt", "tokenizer_config.json",
                                    "special_tokens_map.json", "tokenizer.json"};
// The weights IssueBERT loads, preferred first: one of them is required.
const char* const kWeightFiles[] = {"model.safetensors", "pytorch_model.bin"};

QString tr(const char* text) {
    return QCoreApplication::translate("HubDownloader", text);
}

int defaultPort(const QUrl& url) {
    return url.scheme() == QLatin1String("https") ? 443 : 80;
}

} // namespace

ModelFiles modelFiles(const QByteArray& json, const QString& id, const QString& host) {
    ModelFiles result;
    const QJsonObject info = QJsonDocument::fromJson(json).object();
    result.commit = info.value(QLatin1String("sha")).toString();
    if (!hubcache::isSafeName(result.commit)) {
        result.problem = tr("%1 did not answer with the Hub's model information for '%2' (no "
                            "commit hash); check HF_ENDPOINT.")
                             .arg(host, id);
        return result;
    }
    QSet<QString> listed;
    for (const QJsonValue sibling : info.value(QLatin1String("siblings")).toArray()) {
        listed.insert(sibling.toObject().value(QLatin1String("rfilename")).toString());
    }
    const auto has = [&](const char* name) { return listed.contains(QLatin1String(name)); };
    const auto weights = std::find_if(std::begin(kWeightFiles), std::end(kWeightFiles), has);
    if (!has(kFolderFiles[0])) {
        result.problem = tr("'%1' has no config.json: it is not a Transformers model.").arg(id);
    } else if (!has(kFolderFiles[1])) {
        result.problem = tr("'%1' has no vocab.txt: IssueBERT needs a BERT WordPiece vocabulary "
                            "(choose a BERT-family model such as google-bert/bert-base-uncased).")
                             .arg(id);
    } else if (weights == std::end(kWeightFiles)) {
        result.problem = tr("'%1' has neither model.safetensors nor pytorch_model.bin: IssueBERT "
                            "needs PyTorch weights (TensorFlow, Flax and ONNX files cannot be "
                            "loaded).")
                             .arg(id);
    }
    if (!result.problem.isEmpty()) {
        return result;
    }
    for (const char* name : kFolderFiles) {
        if (has(name)) {
            result.files.append(QLatin1String(name));
        }
    }
    result.files.append(QLatin1String(*weights));
    return result;
}

int statusOf(const QNetworkReply* reply) {
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

bool sameOrigin(const QUrl& a, const QUrl& b) {
    return a.scheme() == b.scheme() && a.host().compare(b.host(), Qt::CaseInsensitive) == 0 &&
           a.port(defaultPort(a)) == b.port(defaultPort(b));
}

qint64 contentRangeStart(const QNetworkReply* reply) {
    const QByteArray range = reply->rawHeader("Content-Range").trimmed();
    if (!range.startsWith("bytes ")) {
        return -1;
    }
    bool ok = false;
    const qint64 start = range.mid(6, range.indexOf('-') - 6).toLongLong(&ok);
    return ok ? start : -1;
}

QString httpProblem(const QNetworkReply* reply, int status, const QString& file,
                    const Context& context) {
    // The Hub says which error it is in X-Error-Code; a missing repository is a
    // 401, not a 404, when no token is sent (private ones stay secret).
    const QByteArray code = reply->rawHeader("X-Error-Code");
    const QString what = file.isEmpty() ? context.id : file;
    if (code == "RevisionNotFound") {
        return tr("'%1' has no revision '%2' on the Hub (%3).")
            .arg(context.id, context.revision)
            .arg(status);
    }
    if (code == "RepoNotFound" || (status == 404 && file.isEmpty())) {
        return tr("No model '%1' on the Hub (%2). Check the id (such as "
                  "google-bert/bert-base-uncased); a private model also needs HF_TOKEN.")
            .arg(context.id)
            .arg(status);
    }
    if (status == 404) {
        return tr("'%1' lists %2, but the Hub has no such file at commit %3 (404).")
            .arg(context.id, file, context.commit.left(8));
    }
    if (status == 401 || status == 403) {
        return (context.hasToken
                    ? tr("'%1' is gated or private, and the token in HF_TOKEN has no access to "
                         "it: accept the model's terms on its page, or use another token. The "
                         "Hub answered %2 for %3.")
                    : tr("'%1' is gated or private: set HF_TOKEN to an access token "
                         "(huggingface.co/settings/tokens) and, for a gated model, accept its "
                         "terms on its page. The Hub answered %2 for %3."))
            .arg(context.id)
            .arg(status)
            .arg(what);
    }
    if (status == 429) {
        return tr("The Hub is limiting requests (429): wait a minute, then start again.");
    }
    const QString reason =
        reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString().trimmed();
    return tr("%1 answered %2 %3 for %4%5")
        .arg(reply->url().host())
        .arg(status)
        .arg(reason, what, status >= 500 ? tr(": try again later.") : QStringLiteral("."));
}

QString networkProblem(const QNetworkReply* reply, const Context& context) {
    const QString host = reply->url().host();
    const double timeoutS = context.transferTimeoutMs / 1000.0;
    QString why;
    switch (reply->error()) {
    case QNetworkReply::HostNotFoundError:
        why = tr("host not found");
        break;
    case QNetworkReply::ConnectionRefusedError:
        why = tr("connection refused");
        break;
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError: // how setTransferTimeout ends a silent request
        if (statusOf(reply) > 0) {
            return tr("%1 stopped sending data for %2 s. Check the network connection and start "
                      "again: the download resumes where it stopped.")
                .arg(host)
                .arg(timeoutS);
        }
        why = tr("no answer in %1 s").arg(timeoutS);
        break;
    case QNetworkReply::SslHandshakeFailedError:
        why = tr("secure connection failed: %1").arg(reply->errorString());
        break;
    case QNetworkReply::RemoteHostClosedError:
        why = tr("the connection was closed");
        break;
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::UnknownNetworkError:
        why = tr("no network");
        break;
    default:
        why = reply->errorString();
        break;
    }
    return tr("Cannot reach %1 (%2). Check the network connection, or choose a local model "
              "folder.")
        .arg(host, why);
}

} // namespace issuebert::hubreplies
