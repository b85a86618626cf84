// A fake Hugging Face Hub for tests, over HttpTestServer (http, or https with the
// test certificate): the model API, resolve URLs that answer like the Hub's
// (ETag, X-Linked-*, a redirect to a CDN), Range requests, and switches for a
// server that ignores ranges, stalls, trickles, redirects elsewhere, or lies:
// damaged bytes, more bytes than stated, no size, no checksum.
#pragma once

#include "tests/ui/support/httptestserver.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QSet>
#include <QTest>

#include <algorithm>

// Everything here lives in its own namespace: the helpers' names are short.
namespace issuebert::testing::fakehub {

// The fake weights' size and where a stalled answer stops.
inline constexpr qsizetype kWeightsSize = 300000;
inline constexpr qint64 kStallAt = 100000;
// The fake repository's id and commit.
inline const QString kId = QStringLiteral("acme/tiny-bert");
inline const QByteArray kCommit = "0123456789abcdef0123456789abcdef01234567";

inline QByteArray sha256(const QByteArray& data) {
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

// What git (and the Hub, for small files) calls the file: sha1 of "blob N\0" + data.
inline QByteArray gitSha1(const QByteArray& data) {
    const QByteArray blob = "blob " + QByteArray::number(data.size()) + '\0' + data;
    return QCryptographicHash::hash(blob, QCryptographicHash::Sha1).toHex();
}

inline QByteArray weights(qsizetype size) {
    QByteArray data(size, '\0');
    quint32 state = 12345;
    for (char& byte : data) {
        state = state * 1664525u + 1013904223u;
        byte = static_cast<char>(state >> 24);
    }
    return data;
}

inline QString str(const QByteArray& bytes) {
    return QString::fromUtf8(bytes);
}

// A model repository served like the Hub: small files answer HEAD with their git
// sha1 as ETag; LFS files redirect to a CDN path with X-Linked-Etag (sha256)
// and X-Linked-Size, the CDN answering with an ETag of its own.
class FakeHub {
public:
    explicit FakeHub(bool tls = false)
        : server([this](const HttpRequest& request) { return answer(request); }, tls) {
        files[QStringLiteral("config.json")] = R"({"model_type": "bert", "hidden_size": 32})";
        files[QStringLiteral("vocab.txt")] = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n";
        files[QStringLiteral("tokenizer_config.json")] = R"({"do_lower_case": true})";
        files[QStringLiteral("model.safetensors")] = weights(kWeightsSize);
        files[QStringLiteral("pytorch_model.bin")] = weights(1000);
        lfs = {QStringLiteral("model.safetensors"), QStringLiteral("pytorch_model.bin")};
        listedOnly = {QStringLiteral("README.md"), QStringLiteral("flax_model.msgpack")};
        QVERIFY(server.listen());
    }

    QByteArray etagOf(const QString& name) const {
        return lfs.contains(name) ? sha256(files[name]) : gitSha1(files[name]);
    }
    // Requests for a path that starts with prefix ("GET" or "HEAD").
    qsizetype count(const QByteArray& method, const QByteArray& prefix) const {
        return std::count_if(
            server.requests().begin(), server.requests().end(),
            [&](const auto& r) { return r.method == method && r.path.startsWith(prefix); });
    }
    QList<QByteArray> rangesSeen() const {
        QList<QByteArray> ranges;
        for (const HttpRequest& request : server.requests()) {
            if (!request.header("range").isEmpty()) {
                ranges.append(request.path + ' ' + request.header("range"));
            }
        }
        return ranges;
    }

    HttpTestServer server;
    QMap<QString, QByteArray> files;
    QSet<QString> lfs;
    QSet<QString> listedOnly; // in the file list, never asked for
    bool ignoreRange = false;
    QString stallFile;             // its answers stop after kStallAt bytes
    QString slowFile;              // its answers come in 8 KiB pieces 5 ms apart
    QByteArray requiredToken;      // files need "Bearer TOKEN" (a gated model)
    QByteArray hopHost;            // set: the CDN redirects once more, to http://HOST:PORT/store/
    QByteArray cdnBase;            // set: LFS files redirect to BASE/cdn/ (else to /cdn/ here)
    QByteArray apiMovedTo;         // set: the model information redirects to BASE + its path
    QString damagedFile;           // served with its last byte changed (same size)
    QString oversizeFile;          // served with 1 MiB more than stated, then stalled
    bool oversizeUnframed = false; // ...and without a Content-Length
    bool noLinkedSize = false;     // LFS files' HEAD says no X-Linked-Size
    bool opaqueEtag = false;       // LFS files' X-Linked-Etag is no hash

private:
    static HttpResponse error(int status, const QByteArray& code) {
        HttpResponse response;
        response.status = status;
        response.reason = "Error";
        response.headers = {{"X-Error-Code", code}};
        response.body = R"({"error": "fake hub error"})";
        return response;
    }

    HttpResponse answer(const HttpRequest& request) const {
        const QByteArray api = "/api/models/" + kId.toUtf8() + "/revision/main";
        if (request.path.startsWith("/api/")) {
            if (!apiMovedTo.isEmpty() && request.path == api) {
                HttpResponse response;
                response.status = 307;
                response.reason = "Temporary Redirect";
                response.headers = {{"Location", apiMovedTo + api + "?moved"}};
                return response;
            }
            if (request.path != api && request.path != api + "?moved") {
                return error(404, "RepoNotFound");
            }
            QJsonArray siblings;
            for (const QString& name : files.keys() + listedOnly.values()) {
                siblings.append(QJsonObject{{QStringLiteral("rfilename"), name}});
            }
            HttpResponse response;
            response.body = QJsonDocument(QJsonObject{{QStringLiteral("sha"), str(kCommit)},
                                                      {QStringLiteral("siblings"), siblings}})
                                .toJson();
            return response;
        }
        const QByteArray resolve = '/' + kId.toUtf8() + "/resolve/" + kCommit + '/';
        if (request.path.startsWith(resolve)) {
            if (!requiredToken.isEmpty() &&
                request.header("authorization") != "Bearer " + requiredToken) {
                return error(401, "GatedRepo");
            }
            const QString name =
                str(QByteArray::fromPercentEncoding(request.path.mid(resolve.size())));
            if (!files.contains(name)) {
                return error(404, "EntryNotFound");
            }
            if (!lfs.contains(name)) {
                return serve(request, name, '"' + gitSha1(files[name]) + '"');
            }
            HttpResponse response;
            response.status = 302;
            response.reason = "Found";
            response.headers = {{"Location", cdnBase + "/cdn/" + sha256(files[name])},
                                {"X-Linked-Etag", opaqueEtag ? QByteArray("\"v2-7f3a\"")
                                                             : '"' + sha256(files[name]) + '"'},
                                {"ETag", "W/\"not-the-blob\""}};
            if (!noLinkedSize) {
                response.headers.append({"X-Linked-Size", QByteArray::number(files[name].size())});
            }
            return response;
        }
        for (auto it = files.begin(); it != files.end(); ++it) {
            const QByteArray sha = sha256(it.value());
            if (request.path == "/cdn/" + sha && !hopHost.isEmpty()) {
                HttpResponse response;
                response.status = 307;
                response.reason = "Temporary Redirect";
                response.headers = {{"Location", "http://" + hopHost + ':' +
                                                     QByteArray::number(server.port()) + "/store/" +
                                                     sha}};
                return response;
            }
            if (request.path == "/cdn/" + sha || request.path == "/store/" + sha) {
                return serve(request, it.key(), "\"cdn-" + sha256(it.key().toUtf8()) + '"');
            }
        }
        return error(404, "");
    }

    HttpResponse serve(const HttpRequest& request, const QString& name,
                       const QByteArray& etag) const {
        QByteArray data = files[name];
        if (name == damagedFile) {
            data.back() = static_cast<char>(data.back() ^ 0x20);
        }
        if (name == oversizeFile) {
            HttpResponse response;
            response.body = data + QByteArray(1 << 20, 'x');
            response.stallAfter = data.size() + (1 << 19);
            response.noContentLength = oversizeUnframed;
            return response;
        }
        HttpResponse response;
        response.headers = {{"ETag", etag}, {"Accept-Ranges", "bytes"}};
        response.body = data;
        const QByteArray range = request.header("range");
        if (!range.isEmpty() && !ignoreRange && request.method == "GET") {
            const qint64 from = range.mid(6, range.indexOf('-') - 6).toLongLong();
            if (from >= data.size()) {
                response = error(416, "");
                response.headers.append(
                    {"Content-Range", "bytes */" + QByteArray::number(data.size())});
                return response;
            }
            response.status = 206;
            response.reason = "Partial Content";
            response.headers.append({"Content-Range", "bytes " + QByteArray::number(from) + '-' +
                                                          QByteArray::number(data.size() - 1) +
                                                          '/' + QByteArray::number(data.size())});
            response.body = data.mid(from);
        }
        if (name == stallFile) {
            response.stallAfter = kStallAt;
        }
        if (name == slowFile) {
            response.chunkSize = 8192;
            response.chunkDelayMs = 5;
        }
        return response;
    }
};

} // namespace issuebert::testing::fakehub
