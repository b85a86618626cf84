// A tiny HTTP/1.1 server for tests, running in the test's own event loop on
// 127.0.0.1, plain or over TLS with the test certificate: a handler answers
// each request; an answer can trickle or stall.
#pragma once

#include "tests/ui/support/testcertificate.h"

#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>

namespace issuebert::testing {

struct HttpRequest {
    QByteArray method;
    QByteArray path;                      // as sent: percent-encoded, query included
    QMap<QByteArray, QByteArray> headers; // names in lower case

    QByteArray header(const QByteArray& name) const { return headers.value(name.toLower()); }
};

struct HttpResponse {
    int status = 200;
    QByteArray reason = "OK";
    QList<QPair<QByteArray, QByteArray>> headers; // Content-Length is added from body
    QByteArray body;                              // not sent for HEAD; its size still is
    qint64 stallAfter = -1; // >= 0: send this many body bytes, then nothing (connection left open)
    int chunkSize = 0;      // > 0: send the body in pieces this big...
    int chunkDelayMs = 0;   // ...this far apart
    bool noContentLength = false; // the body ends when the connection closes
};

// Makes this process trust the test certificate (QNetworkAccessManager's
// requests take the default configuration), as a CA for https://127.0.0.1.
inline void trustTestCertificate() {
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.addCaCertificate(QSslCertificate(kTestCertificatePem, QSsl::Pem));
    QSslConfiguration::setDefaultConfiguration(configuration);
}

// One request per connection ("Connection: close"), so no keep-alive state.
class HttpTestServer {
public:
    using Handler = std::function<HttpResponse(const HttpRequest&)>;

    // tls: https with the test certificate (trustTestCertificate() on the client side).
    explicit HttpTestServer(Handler handler, bool tls = false)
        : m_handler(std::move(handler)), m_tls(tls) {
        if (tls) {
            auto server = std::make_unique<QSslServer>();
            QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
            configuration.setLocalCertificate(QSslCertificate(kTestCertificatePem, QSsl::Pem));
            configuration.setPrivateKey(QSslKey(kTestKeyPem, QSsl::Ec));
            configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
            server->setSslConfiguration(configuration);
            m_server = std::move(server);
        } else {
            m_server = std::make_unique<QTcpServer>();
        }
        // A TLS connection is pending only once its handshake is done.
        QObject::connect(m_server.get(), &QTcpServer::pendingConnectionAvailable, m_server.get(),
                         [this] { acceptAll(); });
    }

    bool listen() { return m_server->listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server->serverPort(); }
    QUrl url() const {
        return QUrl(QStringLiteral("%1://127.0.0.1:%2")
                        .arg(m_tls ? QStringLiteral("https") : QStringLiteral("http"))
                        .arg(port()));
    }

    // Every request seen, in order of arrival.
    const QList<HttpRequest>& requests() const { return m_requests; }
    void clearRequests() { m_requests.clear(); }

private:
    void acceptAll() {
        while (QTcpSocket* socket = m_server->nextPendingConnection()) {
            socket->setSocketOption(QAbstractSocket::LowDelayOption, 1); // no Nagle stalls
            auto buffer = std::make_shared<QByteArray>();
            auto answered = std::make_shared<bool>(false);
            QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            QObject::connect(socket, &QTcpSocket::readyRead, socket,
                             [this, socket, buffer, answered] {
                                 if (*answered) {
                                     return; // one request per connection
                                 }
                                 buffer->append(socket->readAll());
                                 const qsizetype end = buffer->indexOf("\r\n\r\n");
                                 if (end < 0) {
                                     return;
                                 }
                                 const HttpRequest request = parse(buffer->left(end));
                                 *answered = true;
                                 m_requests.append(request);
                                 send(socket, request, m_handler(request));
                             });
        }
    }

    static HttpRequest parse(const QByteArray& head) {
        HttpRequest request;
        const QList<QByteArray> lines = head.split('\n');
        const QList<QByteArray> words = lines.value(0).trimmed().split(' ');
        request.method = words.value(0);
        request.path = words.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0) {
                request.headers.insert(lines[i].left(colon).trimmed().toLower(),
                                       lines[i].mid(colon + 1).trimmed());
            }
        }
        return request;
    }

    static void send(QTcpSocket* socket, const HttpRequest& request, HttpResponse response) {
        QByteArray head = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' +
                          response.reason + "\r\nConnection: close\r\n";
        for (const auto& [name, value] : std::as_const(response.headers)) {
            head += name + ": " + value + "\r\n";
        }
        if (!response.noContentLength) {
            head += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
        }
        head += "\r\n";
        QByteArray body = request.method == "HEAD" ? QByteArray() : response.body;
        const bool stall = response.stallAfter >= 0 && response.stallAfter < body.size();
        if (stall) {
            body.truncate(response.stallAfter);
        }
        if (response.chunkSize <= 0) {
            socket->write(head + body); // one write: no wait for the client's ACK between
            if (!stall) {
                socket->disconnectFromHost(); // after the bytes are written
            }
            return;
        }
        socket->write(head);
        auto* timer = new QTimer(socket);
        auto sent = std::make_shared<qsizetype>(0);
        QObject::connect(timer, &QTimer::timeout, socket, [=] {
            socket->write(body.mid(*sent, response.chunkSize));
            *sent += response.chunkSize;
            if (*sent >= body.size()) {
                timer->stop();
                if (!stall) {
                    socket->disconnectFromHost();
                }
            }
        });
        timer->start(response.chunkDelayMs);
    }

    Handler m_handler;
    bool m_tls = false;
    std::unique_ptr<QTcpServer> m_server;
    QList<HttpRequest> m_requests;
};

} // namespace issuebert::testing
