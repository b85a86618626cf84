// Appends newly labelled issues to a dataset file in the file's own format,
// field names and label style, atomically, with undo of this session's additions.
#pragma once

#include "core/data/format.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QString>
#include <QStringList>

#include <string>
#include <vector>

class QFile;

namespace issuebert {

struct FieldMapping;

// Usage: writer.open(path); writer.append(title, body, "bug", labelNames); writer.undoLast();
// Every write copies the file to a temporary beside it, syncs it and renames it
// over the original (QSaveFile), so a full disk or a crash leaves the old file
// whole. A JSON array gains ",\n{...}" after its last record; the bytes of the
// existing records are copied as they are, never re-serialised. Errors throw
// DataError (the file or the label cannot take the issue) or IoError (the file
// cannot be read or written), naming the file; the file is then unchanged.
// Each call reads and writes the whole file: for a 100 MB file run it off the
// GUI thread. Not thread-safe; one writer per file.
class LabelledDatasetWriter {
    Q_DECLARE_TR_FUNCTIONS(LabelledDatasetWriter)

public:
    // What a field of the written records holds (record() indexes by this order).
    enum class Role { Title, Body, Text, Label, Other };
    struct Field {
        Role role = Role::Other;
        QString name; // as the file spells it
    };

    // Looks at path: its format (format, or by extension, then content, as the
    // loader decides), the fields the loader would read, how labels are written
    // (integers or names) and the line ending. A missing or blank file is fine:
    // the first append creates it (a JSON array of Title, Body and integer Label
    // unless the extension is .jsonl, .ndjson, .csv, .txt, .ft or .fasttext).
    // Throws DataError for a file the loader cannot read or that has no title,
    // body or text field or no label field; IoError when it cannot be read.
    // Clears the undo history of the previous file; after an error the writer is closed.
    void open(const QString& path, DataFormat format = DataFormat::Auto);

    // Adds one issue at the end of the file. labelNames are the classes in id
    // order: for a file with integer labels the label written is the index of
    // labelName among them (a name that is not there is a DataError, as the
    // file cannot express it); otherwise the name is written as given.
    // Files with one text field get "title body", fastText lines as well, with
    // line breaks turned into spaces.
    void append(const QString& title, const QString& body, const QString& labelName,
                const QStringList& labelNames);

    // Removes the last record this writer appended, restoring the file's bytes
    // from before it (a file the first append created is removed). Refused with
    // a DataError when the file no longer ends with exactly what was appended
    // (someone else changed it), so their change is never lost.
    void undoLast();
    bool canUndo() const { return !m_edits.empty(); }
    // Records appended since open() and not undone.
    int appendedCount() const { return static_cast<int>(m_edits.size()); }

    bool isOpen() const { return m_open; }
    const QString& path() const { return m_path; }
    DataFormat format() const { return m_format; }
    // True when labels are written as class indices (MachineHack's 0, 1, 2).
    bool integerLabels() const { return m_integerLabels; }
    // The fields a record gets, in the file's order (for CSV every column).
    const std::vector<Field>& fields() const { return m_fields; }
    // "JSON array: Title, Body, Label (class number)", for the page to show.
    QString summary() const;

private:
    // One append as bytes: the file keeps its first `keep` bytes, and what
    // followed them (oldTail) was replaced by newTail.
    struct Edit {
        qint64 keep = 0;
        QByteArray oldTail;
        QByteArray newTail;
        bool created = false; // the file did not exist before
    };

    void useDefaults();
    void inspectExisting(QFile& file, const QByteArray& head);
    void assignRoles(const FieldMapping& mapping, const QStringList& names);
    // DataError when a key the records are written with is not valid UTF-8:
    // written back from its QString it would be another key.
    void refuseKeysNotUtf8(const std::vector<std::string>& keys) const;
    QString labelText(const QString& labelName, const QStringList& labelNames) const;
    QByteArray record(const QString& title, const QString& body, const QString& label) const;
    // A new or blank file's whole content with its first record.
    QByteArray firstContent(const QByteArray& rec) const;
    Edit planEdit(const QByteArray& rec) const;
    void replaceFile(qint64 keep, const QByteArray& tail) const;
    QString shownName() const;

    QString m_path;
    bool m_open = false;
    bool m_exists = false; // as this writer last left it
    DataFormat m_format = DataFormat::Auto;
    std::vector<Field> m_fields;
    bool m_integerLabels = false;
    bool m_quotedLabels = false; // JSON labels are strings ("1" or "bug"), not numbers
    QByteArray m_eol = "\n";
    std::vector<Edit> m_edits;
};

} // namespace issuebert
