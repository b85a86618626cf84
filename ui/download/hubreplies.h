// Reading the Hub's answers: statuses, ranges, origins, and the message a user
// sees when a request to the Hub or its CDN goes wrong.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QUrl>

class QNetworkReply;

namespace issuebert::hubreplies {

// What the messages name.
struct Context {
    QString id;
    QString revision;
    QString commit;
    bool hasToken = false;
    int transferTimeoutMs = 0;
};

// What the model information (GET /api/models/{id}/revision/{revision}) says.
struct ModelFiles {
    QString commit;    // the revision's full commit hash
    QStringList files; // what a BERT classifier folder needs, the weights last
    QString problem;   // why the model cannot be used; empty when it can
};

// The commit and the files to fetch: config.json and vocab.txt (required), the
// tokenizer files that are there, and model.safetensors, else pytorch_model.bin
// (one required). host names the server when the answer is not the Hub's.
ModelFiles modelFiles(const QByteArray& json, const QString& id, const QString& host);

// The HTTP status; 0 when no answer came.
int statusOf(const QNetworkReply* reply);
// Same scheme, host and port: where a token may be sent.
bool sameOrigin(const QUrl& a, const QUrl& b);
// The first byte of a 206 answer ("Content-Range: bytes 100-199/200"); -1 when unreadable.
qint64 contentRangeStart(const QNetworkReply* reply);

// An HTTP error (status >= 400, or an unexpected one) for file, or for the model
// information when file is empty: unknown model or revision, gated, rate-limited.
QString httpProblem(const QNetworkReply* reply, int status, const QString& file,
                    const Context& context);
// No answer, or an answer cut off: offline, refused, timed out, TLS.
QString networkProblem(const QNetworkReply* reply, const Context& context);

} // namespace issuebert::hubreplies
