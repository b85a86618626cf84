// LabelledDatasetWriter: the target file inspected as the loader sees it, one
// record built in its format, byte-level edits written through QSaveFile, undo
// allowed only while the file still ends with what was appended.
#include "ui/models/labelleddatasetwriter.h"

#include "core/data/loader.h"
#include "core/io/errors.h"
#include "ui/models/datasetfilebytes.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <algorithm>
#include <cmath>
#include <string_view>

namespace issuebert {

using namespace datasetbytes;

void LabelledDatasetWriter::open(const QString& path, DataFormat format) {
    m_open = false;
    m_edits.clear();
    m_path = path;
    m_format = format;
    m_fields.clear();
    const QFileInfo info(path);
    if (info.isDir()) {
        failData(tr("%1 is a folder, not a dataset file").arg(native(path)));
    }
    m_exists = info.exists();
    if (!m_exists && !QFileInfo(info.absolutePath()).isDir()) {
        failIo(tr("cannot create %1: %2 is not a folder")
                   .arg(native(path), native(info.absolutePath())));
    }
    QFile file(path);
    if (m_exists) {
        openForReading(file);
    }
    if (!m_exists || isBlankFile(file)) {
        m_format = format == DataFormat::Auto ? formatForNewFile(path) : format;
        useDefaults();
    } else {
        const QByteArray head = readAt(file, 0, std::min(file.size(), kHeadBytes));
        if (m_format == DataFormat::Auto) {
            m_format = detectFormat(QFile::encodeName(path).toStdString(),
                                    std::string_view(head.constData(), head.size()));
        }
        inspectExisting(file, head);
    }
    m_open = true;
}

void LabelledDatasetWriter::useDefaults() {
    const bool machineHack = m_format == DataFormat::JsonArray;
    if (m_format == DataFormat::FastText) {
        m_fields = {{Role::Label, QStringLiteral("label")}, {Role::Text, QStringLiteral("text")}};
    } else if (machineHack) {
        m_fields = {{Role::Title, QStringLiteral("Title")},
                    {Role::Body, QStringLiteral("Body")},
                    {Role::Label, QStringLiteral("Label")}};
    } else {
        m_fields = {{Role::Title, QStringLiteral("title")},
                    {Role::Body, QStringLiteral("body")},
                    {Role::Label, QStringLiteral("label")}};
    }
    m_integerLabels = machineHack;
    m_quotedLabels = !machineHack;
    // RFC 4180's line ending, as IssueBERT's own CSV exports use.
    m_eol = m_format == DataFormat::Csv ? QByteArray("\r\n") : QByteArray("\n");
}

void LabelledDatasetWriter::inspectExisting(QFile& file, const QByteArray& head) {
    const bool wholeFile = head.size() == file.size();
    const qsizetype newline = head.indexOf('\n');
    m_eol = newline > 0 && head[newline - 1] == '\r' ? QByteArray("\r\n") : QByteArray("\n");
    if (m_format == DataFormat::FastText) {
        m_fields = {{Role::Label, QStringLiteral("label")}, {Role::Text, QStringLiteral("text")}};
        // Class numbers only if the records the loader samples hold numbers
        // and no names; a sampled line the loader cannot read is refused,
        // naming the file and the line.
        const FieldDetection::LabelValues labels =
            inspectDataset(QFile::encodeName(m_path).toStdString(), m_format).labelValues;
        m_integerLabels = labels.names == 0 && labels.digitStrings > 0;
        return;
    }

    const bool arrayFile = m_format == DataFormat::JsonArray;
    const ArrayEnd end = arrayFile ? arrayEnd(file) : ArrayEnd{};
    if (end.empty) { // "[]": MachineHack's layout, as for a new file
        useDefaults();
        m_eol = "\n";
        return;
    }
    // The fields the loader would read; throws DataError naming the file for
    // anything it cannot load (a JSON object, a bad record, an empty CSV).
    const FieldDetection detection =
        inspectDataset(QFile::encodeName(m_path).toStdString(), m_format);
    if (arrayFile && !end.afterRecord) { // past the records the loader samples
        failData(tr("%1: the file does not end with a record and the array's closing ']' (is "
                    "it truncated?)")
                     .arg(shownName()));
    }
    QStringList names; // the file's field names, in order (every CSV column, even repeated)
    if (m_format == DataFormat::Csv) {
        for (const QString& column : csvHeader(head, wholeFile)) {
            names.append(column.trimmed()); // the loader trims column names
        }
    } else {
        for (const std::string& field : detection.fields) {
            names.append(QString::fromStdString(field));
        }
    }
    assignRoles(detection.mapping, names);
    if (m_format != DataFormat::Csv) { // JSON records are written with these keys
        refuseKeysNotUtf8(detection.fields);
    }

    // How the labels are written, as the loader read them in the records it
    // samples (not by a reading of the bytes of our own, which could see
    // another field than the loader: a key with raw control characters).
    const auto& labels = detection.labelValues;
    if (labels.names > 0 || labels.numbers + labels.digitStrings == 0) {
        // Names, or nothing to go by: MachineHack's class numbers for a JSON array.
        m_integerLabels = labels.names == 0 && arrayFile;
        m_quotedLabels = !m_integerLabels;
    } else {
        m_integerLabels = true;
        m_quotedLabels = labels.digitStrings > labels.numbers;
    }
}

void LabelledDatasetWriter::assignRoles(const FieldMapping& mapping, const QStringList& names) {
    std::vector<Field> all;
    for (const QString& name : names) {
        all.push_back({Role::Other, name});
    }
    const std::pair<Role, const std::string*> roles[] = {{Role::Title, &mapping.title},
                                                         {Role::Body, &mapping.body},
                                                         {Role::Text, &mapping.text},
                                                         {Role::Label, &mapping.label}};
    bool hasText = false;
    bool hasLabel = false;
    for (const auto& [role, mapped] : roles) {
        const QString name = QString::fromStdString(*mapped);
        // The name exactly, else without regard to case, as the loader matches columns.
        auto it = std::find_if(all.begin(), all.end(), [&](const Field& f) {
            return !name.isEmpty() && f.role == Role::Other && f.name == name;
        });
        it = it != all.end() ? it : std::find_if(all.begin(), all.end(), [&](const Field& f) {
            return !name.isEmpty() && f.role == Role::Other &&
                   f.name.compare(name, Qt::CaseInsensitive) == 0;
        });
        if (it != all.end()) {
            it->role = role;
            (role == Role::Label ? hasLabel : hasText) = true;
        }
    }
    const QString list = names.isEmpty() ? tr("(none)") : names.join(QLatin1String(", "));
    if (!hasText) {
        failData(tr("%1: no title, body or text field among: %2; an issue cannot be added to it")
                     .arg(shownName(), list));
    }
    if (!hasLabel) {
        failData(tr("%1: no label field among: %2; it is not a labelled dataset")
                     .arg(shownName(), list));
    }
    for (const Field& field : all) {
        if (field.role != Role::Other || m_format == DataFormat::Csv) {
            m_fields.push_back(field); // JSON records get the role fields only
        }
    }
}

void LabelledDatasetWriter::refuseKeysNotUtf8(const std::vector<std::string>& keys) const {
    for (const std::string& key : keys) {
        const QString name = QString::fromStdString(key); // bytes that are not UTF-8 become U+FFFD
        const bool written = std::any_of(m_fields.begin(), m_fields.end(), [&](const Field& f) {
            return f.role != Role::Other && f.name == name;
        });
        if (written && name.toStdString() != key) {
            failData(tr("%1: the field name %2 is not valid UTF-8, so a record written with it "
                        "would not be read back; an issue cannot be added to it")
                         .arg(shownName(), QString::fromStdString(quote(key))));
        }
    }
}

QString LabelledDatasetWriter::labelText(const QString& labelName,
                                         const QStringList& labelNames) const {
    if (labelName.trimmed().isEmpty()) {
        failData(tr("%1: the issue has no label to write").arg(shownName()));
    }
    const qsizetype index = labelNames.indexOf(labelName);
    if (m_integerLabels && index < 0) {
        QStringList classes;
        for (qsizetype i = 0; i < labelNames.size(); ++i) {
            classes.append(QString::number(i) + QLatin1Char(' ') + labelNames[i]);
        }
        failData(tr("%1 writes labels as class numbers (%2); \"%3\" is not one of those "
                    "classes, so it cannot be added to this file")
                     .arg(shownName(),
                          classes.isEmpty() ? tr("none given") : classes.join(QLatin1String(", ")),
                          labelName));
    }
    if (m_format == DataFormat::FastText &&
        std::any_of(labelName.begin(), labelName.end(), [](QChar c) { return c.isSpace(); })) {
        failData(tr("%1: the label \"%2\" has a space in it, which a fastText __label__ cannot "
                    "hold")
                     .arg(shownName(), labelName));
    }
    return m_integerLabels ? QString::number(index) : labelName;
}

QByteArray LabelledDatasetWriter::record(const QString& title, const QString& body,
                                         const QString& label) const {
    const auto has = [&](Role role) {
        return std::any_of(m_fields.begin(), m_fields.end(),
                           [role](const Field& f) { return f.role == role; });
    };
    const QString text = joined(title, body);
    if (m_format == DataFormat::FastText) {
        QString line = text;
        line.replace(QLatin1String("\r\n"), QLatin1String(" "));
        line.replace(QLatin1Char('\n'), QLatin1Char(' '))
            .replace(QLatin1Char('\r'), QLatin1Char(' '));
        return kFastTextPrefix + label.toUtf8() + ' ' + line.toUtf8();
    }
    // Without a body field the whole text goes to the title, and the other way round.
    const QString values[] = {has(Role::Body) ? title : text, has(Role::Title) ? body : text, text,
                              label, QString()};
    const bool csv = m_format == DataFormat::Csv;
    QByteArray out = csv ? "" : "{";
    for (std::size_t i = 0; i < m_fields.size(); ++i) {
        const Field& field = m_fields[i];
        const QString& value = values[static_cast<int>(field.role)];
        out += i == 0 ? "" : ",";
        if (csv) {
            out += csvField(value);
        } else {
            const bool number = field.role == Role::Label && !m_quotedLabels;
            out += jsonString(field.name) + ':' + (number ? value.toUtf8() : jsonString(value));
        }
    }
    return csv ? out : out + '}';
}

QByteArray LabelledDatasetWriter::firstContent(const QByteArray& rec) const {
    if (m_format == DataFormat::JsonArray) {
        return "[\n" + rec + "\n]\n";
    }
    QByteArray header;
    for (const Field& field : m_fields) {
        header += (header.isEmpty() ? "" : ",") + csvField(field.name);
    }
    return (m_format == DataFormat::Csv ? header + m_eol : QByteArray()) + rec + m_eol;
}

LabelledDatasetWriter::Edit LabelledDatasetWriter::planEdit(const QByteArray& rec) const {
    Edit edit;
    QFile file(m_path);
    const bool exists = file.exists();
    if (exists != m_exists) {
        failData((exists ? tr("%1 was created by another program since it was chosen; choose "
                              "it again")
                         : tr("%1 no longer exists; choose it again"))
                     .arg(native(m_path)));
    }
    if (exists) {
        openForReading(file);
    }
    const qint64 size = file.size();
    if (!exists || isBlankFile(file)) { // the whole content is written
        edit.created = !exists;
        edit.oldTail = exists ? readAt(file, 0, size) : QByteArray();
        edit.newTail = firstContent(rec);
    } else if (m_format != DataFormat::JsonArray) {
        edit.keep = size;
        edit.newTail = (byteAt(file, size - 1) == '\n' ? QByteArray() : m_eol) + rec + m_eol;
    } else {
        // After the last record's '}' (or inside "[]"), keeping every byte before it.
        const ArrayEnd end = arrayEnd(file);
        if (!end.afterRecord && !end.empty) {
            failData(tr("%1: the file no longer ends with a record and the array's closing "
                        "']'; was it changed or truncated? Nothing was added")
                         .arg(shownName()));
        }
        edit.keep = end.before + 1;
        edit.oldTail = readAt(file, edit.keep, size - edit.keep);
        edit.newTail = end.empty ? "\n" + rec + "\n" + edit.oldTail.mid(edit.oldTail.indexOf(']'))
                                 : ",\n" + rec + edit.oldTail;
    }
    return edit;
}

void LabelledDatasetWriter::replaceFile(qint64 keep, const QByteArray& tail) const {
    const auto fail = [this](const QString& why) {
        failIo(tr("cannot write %1: %2; the file was not changed").arg(native(m_path), why));
    };
    QFile source(m_path);
    if (keep > 0) {
        openForReading(source);
    }
    // QSaveFile: a temporary beside the file, synced, then renamed over it; it
    // keeps the file's permissions, follows a link, and is discarded on failure.
    QSaveFile out(m_path);
    if (!out.open(QIODevice::WriteOnly)) {
        fail(out.errorString());
    }
    for (qint64 done = 0; done < keep;) {
        const QByteArray chunk = source.read(std::min(kCopyBytes, keep - done));
        if (chunk.isEmpty()) {
            fail(tr("reading it stopped early (%1)").arg(source.errorString()));
        }
        if (out.write(chunk) != chunk.size()) {
            fail(out.errorString());
        }
        done += chunk.size();
    }
    if (out.write(tail) != tail.size() || !out.commit()) {
        fail(out.errorString());
    }
}

void LabelledDatasetWriter::append(const QString& title, const QString& body,
                                   const QString& labelName, const QStringList& labelNames) {
    if (!m_open) {
        failData(tr("no dataset file is chosen to add the issue to"));
    }
    const QByteArray rec = record(title, body, labelText(labelName, labelNames));
    Edit edit = planEdit(rec);
    replaceFile(edit.keep, edit.newTail);
    m_exists = true;
    m_edits.push_back(std::move(edit));
}

void LabelledDatasetWriter::undoLast() {
    if (m_edits.empty()) {
        failData(tr("%1: no added issue to undo").arg(shownName()));
    }
    const Edit& edit = m_edits.back();
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly)) {
        failIo(
            tr("cannot undo the last addition to %1: %2").arg(native(m_path), file.errorString()));
    }
    if (file.size() != edit.keep + edit.newTail.size() ||
        readAt(file, edit.keep, edit.newTail.size()) != edit.newTail) {
        failData(tr("%1 was changed by something else after the issue was added; undo is "
                    "refused so that change is kept")
                     .arg(shownName()));
    }
    file.close();
    if (edit.created && !file.remove()) {
        failIo(tr("cannot remove %1 to undo its creation: %2")
                   .arg(native(m_path), file.errorString()));
    }
    if (!edit.created) {
        replaceFile(edit.keep, edit.oldTail);
    }
    m_exists = !edit.created;
    m_edits.pop_back();
}

QString LabelledDatasetWriter::summary() const {
    const char* const formats[] = {"", QT_TR_NOOP("JSON array"), QT_TR_NOOP("JSON Lines"),
                                   QT_TR_NOOP("CSV"), QT_TR_NOOP("fastText")};
    QStringList fields;
    for (const Field& field : m_fields) {
        if (field.role == Role::Label) {
            fields.append((m_integerLabels ? tr("%1 (class number)") : tr("%1 (class name)"))
                              .arg(field.name));
        } else if (field.role != Role::Other) {
            fields.append(field.name);
        }
    }
    const QString text =
        tr("%1: %2").arg(tr(formats[static_cast<int>(m_format)]), fields.join(QLatin1String(", ")));
    return !m_open ? QString() : m_exists ? text : tr("%1 (a new file)").arg(text);
}

QString LabelledDatasetWriter::shownName() const {
    return QFileInfo(m_path).fileName();
}

} // namespace issuebert
