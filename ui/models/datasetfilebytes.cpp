// Byte-level helpers of LabelledDatasetWriter: reading a dataset file's head
// and tail, how its JSON array ends, a CSV header, CSV fields, JSON
// strings. Errors name the file.
#include "ui/models/datasetfilebytes.h"

#include "core/io/errors.h"
#include "ui/models/labelleddatasetwriter.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <string_view>

namespace issuebert::datasetbytes {

using Writer = LabelledDatasetWriter;

// Bytes read per step when looking backwards for a file's last non-blank byte.
constexpr qint64 kTailStep = 64 * 1024;
// The UTF-8 byte-order mark some editors put first.
constexpr char kBom[] = "\xEF\xBB\xBF";

[[noreturn]] void failData(const QString& message) {
    throw DataError(message.toStdString());
}

[[noreturn]] void failIo(const QString& message) {
    throw IoError(message.toStdString());
}

QString native(const QString& path) {
    return QDir::toNativeSeparators(path);
}

void openForReading(QFile& file) {
    if (!file.open(QIODevice::ReadOnly)) {
        failIo(Writer::tr("cannot read %1: %2").arg(native(file.fileName()), file.errorString()));
    }
}

bool isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

qsizetype skipBlanks(const QByteArray& text, qsizetype i) {
    while (i < text.size() && isBlank(text[i])) {
        ++i;
    }
    return i;
}

// Index of the first non-blank byte after a byte-order mark; -1 when there is none.
qsizetype firstNonBlank(const QByteArray& bytes) {
    const qsizetype i = skipBlanks(bytes, bytes.startsWith(kBom) ? 3 : 0);
    return i < bytes.size() ? i : -1;
}

QByteArray readAt(QFile& file, qint64 pos, qint64 size) {
    QByteArray bytes;
    if (file.seek(pos)) {
        bytes = file.read(size);
    }
    if (bytes.size() != size) {
        failIo(Writer::tr("cannot read %1: %2").arg(native(file.fileName()), file.errorString()));
    }
    return bytes;
}

char byteAt(QFile& file, qint64 pos) {
    return pos >= 0 ? readAt(file, pos, 1)[0] : '\0';
}

// Position of the last non-blank byte before end, reading backwards; -1 when none.
qint64 lastNonBlank(QFile& file, qint64 end) {
    while (end > 0) {
        const qint64 start = std::max<qint64>(0, end - kTailStep);
        const QByteArray chunk = readAt(file, start, end - start);
        for (qsizetype i = chunk.size() - 1; i >= 0; --i) {
            if (!isBlank(chunk[i])) {
                return start + i;
            }
        }
        end = start;
    }
    return -1;
}

// Nothing but blanks, perhaps after a byte-order mark: written as if new.
bool isBlankFile(QFile& file) {
    const qint64 end = lastNonBlank(file, file.size());
    return end < 0 || (end < 3 && firstNonBlank(readAt(file, 0, end + 1)) < 0);
}

ArrayEnd arrayEnd(QFile& file) {
    ArrayEnd out;
    const qint64 close = lastNonBlank(file, file.size());
    if (byteAt(file, close) == ']') {
        out.before = lastNonBlank(file, close);
        const char c = byteAt(file, out.before);
        out.afterRecord = c == '}';
        out.empty = c == '[' && firstNonBlank(readAt(file, 0, close)) == out.before;
    }
    return out;
}

// The first RFC 4180 row that is not blank: the header. Empty when none is
// complete in text (a row cut off by its end counts only if text is the whole file).
QStringList csvHeader(const QByteArray& text, bool wholeFile) {
    std::vector<QStringList> rows;
    QStringList row;
    QByteArray field;
    bool quoted = false;
    const auto endField = [&] {
        row.append(QString::fromUtf8(field));
        field.clear();
    };
    const auto endRow = [&] {
        endField();
        if (row.size() > 1 || !row.front().isEmpty()) {
            rows.push_back(row);
        }
        row.clear();
    };
    qsizetype i = text.startsWith(kBom) ? 3 : 0;
    for (; i < text.size() && rows.empty(); ++i) {
        const char c = text[i];
        const bool pair = i + 1 < text.size() && text[i + 1] == (c == '\r' ? '\n' : '"');
        if (quoted && c == '"' && pair) {
            field += '"';
            ++i;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && c == ',') {
            endField();
        } else if (!quoted && (c == '\n' || c == '\r')) {
            i += c == '\r' && pair ? 1 : 0;
            endRow();
        } else {
            field += c;
        }
    }
    if (wholeFile && i == text.size() && !quoted && (!row.isEmpty() || !field.isEmpty())) {
        endRow();
    }
    return rows.empty() ? QStringList() : rows.front();
}

// A JSON string literal, escaped by Qt's writer.
QByteArray jsonString(const QString& text) {
    const QByteArray array = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2); // ["..."] without the brackets
}

// RFC 4180: quoted when it holds a comma, quote or line break, or edge spaces
// (which some readers trim).
QByteArray csvField(const QString& text) {
    const bool quote = std::any_of(text.begin(), text.end(),
                                   [](QChar c) {
                                       return c == QLatin1Char(',') || c == QLatin1Char('"') ||
                                              c == QLatin1Char('\n') || c == QLatin1Char('\r');
                                   }) ||
                       text.startsWith(QLatin1Char(' ')) || text.endsWith(QLatin1Char(' '));
    if (!quote) {
        return text.toUtf8();
    }
    return '"' + QString(text).replace(QLatin1Char('"'), QLatin1String("\"\"")).toUtf8() + '"';
}

// "title body", as Issue::text() joins them for the model.
QString joined(const QString& title, const QString& body) {
    if (title.isEmpty() || body.isEmpty()) {
        return title.isEmpty() ? body : title;
    }
    return title + QLatin1Char(' ') + body;
}

DataFormat formatForNewFile(const QString& path) {
    const QString ext = QFileInfo(path).suffix().toLower();
    if (ext == QLatin1String("jsonl") || ext == QLatin1String("ndjson")) {
        return DataFormat::JsonLines;
    }
    if (ext == QLatin1String("csv")) {
        return DataFormat::Csv;
    }
    const bool fastText = ext == QLatin1String("txt") || ext == QLatin1String("ft") ||
                          ext == QLatin1String("fasttext");
    return fastText ? DataFormat::FastText : DataFormat::JsonArray;
}

} // namespace issuebert::datasetbytes
