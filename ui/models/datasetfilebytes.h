// Byte-level helpers of LabelledDatasetWriter (labelleddatasetwriter.h):
// reading a dataset file's head and tail, how its JSON array ends, a CSV
// header, CSV fields, JSON strings.
#pragma once

#include "core/data/format.h"

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QStringList>

#include <vector>

namespace issuebert::datasetbytes {

// Bytes read from the start of a file to inspect it: the loader's first chunk.
inline constexpr qint64 kHeadBytes = qint64{1} << 20;
// Bytes copied per step when a file is rewritten.
inline constexpr qint64 kCopyBytes = qint64{1} << 20;
// fastText's label prefix, as the loader reads it.
inline constexpr char kFastTextPrefix[] = "__label__";

// How a JSON array's text ends: its last two non-blank bytes are '}' ']' after
// a record, '[' ']' when it is empty (and that '[' opens the file).
struct ArrayEnd {
    qint64 before = -1; // the byte before the closing ']'
    bool afterRecord = false;
    bool empty = false;
};

[[noreturn]] void failData(const QString& message); // throws DataError
[[noreturn]] void failIo(const QString& message);   // throws IoError
QString native(const QString& path);
// Opens file for reading; IoError naming it otherwise.
void openForReading(QFile& file);
QByteArray readAt(QFile& file, qint64 pos, qint64 size);
char byteAt(QFile& file, qint64 pos);
// Nothing but blanks, perhaps after a byte-order mark: written as if new.
bool isBlankFile(QFile& file);
ArrayEnd arrayEnd(QFile& file);
// The first RFC 4180 row that is not blank (a CSV file's header); empty when
// none is complete in text, where a row cut off by its end counts only if text
// is the whole file.
QStringList csvHeader(const QByteArray& text, bool wholeFile);
// A JSON string literal, escaped by Qt's writer.
QByteArray jsonString(const QString& text);
// RFC 4180: quoted when it holds a comma, quote or line break, or edge spaces.
QByteArray csvField(const QString& text);
// "title body", as Issue::text() joins them for the model.
QString joined(const QString& title, const QString& body);
DataFormat formatForNewFile(const QString& path);

} // namespace issuebert::datasetbytes
