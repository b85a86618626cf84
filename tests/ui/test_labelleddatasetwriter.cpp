// Appending labelled issues to dataset files: the old bytes kept, the file's own
// fields and label style, every format read back (also by the loader), undo,
// and files left untouched when anything goes wrong.
#include "ui/models/labelleddatasetwriter.h"

#include "core/data/loader.h"
#include "core/io/errors.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/resource.h>
#include <unistd.h>

using namespace issuebert;

namespace {

const QStringList kClasses = {QStringLiteral("bug"), QStringLiteral("feature"),
                              QStringLiteral("question")};

QByteArray readBytes(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

bool writeBytes(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// The test row's file (its columns name and content) written into dir and
// opened by writer: its path, or empty when it could not be written.
QString openRowFile(const QTemporaryDir& dir, LabelledDatasetWriter& writer) {
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    const QString path = dir.filePath(name);
    if (!writeBytes(path, content)) {
        return QString();
    }
    writer.open(path);
    return path;
}

// The records of a JSON array; empty when the text is not one.
QJsonArray parseArray(const QByteArray& bytes) {
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    return error.error == QJsonParseError::NoError && doc.isArray() ? doc.array() : QJsonArray{};
}

// An RFC 4180 reader of its own, so the writer's quoting is checked independently.
std::vector<QStringList> parseCsv(const QByteArray& bytes) {
    const QString text = QString::fromUtf8(bytes);
    std::vector<QStringList> rows;
    QStringList row;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted && c == QLatin1Char('"') && i + 1 < text.size() &&
            text[i + 1] == QLatin1Char('"')) {
            field += c;
            ++i;
        } else if (c == QLatin1Char('"')) {
            quoted = !quoted;
        } else if (!quoted && c == QLatin1Char(',')) {
            row.append(field);
            field.clear();
        } else if (!quoted && (c == QLatin1Char('\r') || c == QLatin1Char('\n'))) {
            i += c == QLatin1Char('\r') && i + 1 < text.size() && text[i + 1] == QLatin1Char('\n')
                     ? 1
                     : 0;
            row.append(field);
            field.clear();
            rows.push_back(row);
            row.clear();
        } else {
            field += c;
        }
    }
    return rows;
}

// The message of the E thrown by f; empty when f throws nothing.
template <class E, class F>
QString thrown(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

// What besides the dataset lies in its folder: a temporary left behind would show.
QStringList otherFiles(const QTemporaryDir& dir, const QString& dataset) {
    QStringList names = QDir(dir.path()).entryList(QDir::Files | QDir::Hidden);
    names.removeAll(dataset);
    return names;
}

} // namespace

class LabelledDatasetWriterTest : public QObject {
    Q_OBJECT

private slots:
    void machineHackFileKeepsItsBytesAndGetsAClassNumber() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("train.json"));
        const QByteArray original =
            "[{\"Title\":\"App crashes\",\"Body\":\"Stack trace \\u00fc\",\"Label\":0},"
            "{\"Title\":\"Add dark mode\",\"Body\":\"Please\",\"Label\":1}]";
        QVERIFY(writeBytes(path, original));
        LabelledDatasetWriter writer;
        writer.open(path);
        QCOMPARE(writer.format(), DataFormat::JsonArray);
        QVERIFY(writer.integerLabels());
        QCOMPARE(writer.summary(), QStringLiteral("JSON array: Title, Body, Label (class number)"));

        const QString title = QStringLiteral("Why \"quotes\", commas? \\ back");
        const QString body = QStringLiteral("line one\nline two\ttab \u00fcn\u00efcode ") +
                             QChar(0xD83D) + QChar(0xDC1B); // a bug emoji, outside the BMP
        writer.append(title, body, QStringLiteral("question"), kClasses);
        const QByteArray bytes = readBytes(path);
        QVERIFY(bytes.startsWith(original.chopped(1)));                 // every byte up to the ']'
        QVERIFY(bytes.contains("},\n{\"Title\":\"Why \\\"quotes\\\"")); // the file's key order
        const QJsonArray records = parseArray(bytes);
        QCOMPARE(records.size(), 3);
        const QJsonObject added = records.last().toObject();
        QCOMPARE(added.value(QLatin1String("Title")).toString(), title);
        QCOMPARE(added.value(QLatin1String("Body")).toString(), body);
        QVERIFY(added.value(QLatin1String("Label")).isDouble()); // 2, not "2"
        QCOMPARE(added.value(QLatin1String("Label")).toInt(), 2);
        QCOMPARE(writer.appendedCount(), 1);
        QVERIFY(writer.canUndo());
        QCOMPARE(otherFiles(dir, QStringLiteral("train.json")), QStringList());
    }

    void emptyArraysAndTrailingWhitespace() {
        QTemporaryDir dir;
        for (const QByteArray& empty : {QByteArray("[]"), QByteArray(" [ \n]\n")}) {
            const QString path = dir.filePath(QStringLiteral("empty.json"));
            QVERIFY(writeBytes(path, empty));
            LabelledDatasetWriter writer;
            writer.open(path);
            writer.append(QStringLiteral("t"), QStringLiteral("b"), QStringLiteral("bug"),
                          kClasses);
            const QJsonArray records = parseArray(readBytes(path));
            QCOMPARE(records.size(), 1);
            QCOMPARE(records[0].toObject().value(QLatin1String("Label")).toInt(-1), 0);
            QCOMPARE(records[0].toObject().value(QLatin1String("Title")).toString(),
                     QStringLiteral("t"));
        }

        const QString path = dir.filePath(QStringLiteral("pretty.json"));
        const QByteArray record = "[\n  {\"title\": \"a\", \"body\": \"b\", \"label\": 2}";
        const QByteArray tail = "\n]\n\n  \t";
        QVERIFY(writeBytes(path, record + tail));
        LabelledDatasetWriter writer;
        writer.open(path);
        writer.append(QStringLiteral("c"), QStringLiteral("d"), QStringLiteral("feature"),
                      kClasses);
        const QByteArray bytes = readBytes(path);
        QVERIFY(bytes.startsWith(record));
        QVERIFY(bytes.endsWith(tail)); // the file's own ending stays
        const QJsonArray records = parseArray(bytes);
        QCOMPARE(records.size(), 2);
        // The file's own lower-case keys, its integer label.
        QCOMPARE(records[1].toObject(), QJsonObject({{QStringLiteral("title"), QStringLiteral("c")},
                                                     {QStringLiteral("body"), QStringLiteral("d")},
                                                     {QStringLiteral("label"), 1}}));
    }

    void jsonLinesKeepTheirFieldsAndLabelNames() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("issues.jsonl"));
        const QByteArray first =
            "{\"id\": 7, \"title\": \"Crash\", \"body\": \"x\", \"label\": \"bug\"}";
        const QByteArray second =
            "{\"id\": 8, \"title\": \"Idea\", \"body\": \"y\", \"label\": \"enhancement\"}";
        QVERIFY(writeBytes(path, first + "\n" + second)); // no line break at the end
        LabelledDatasetWriter writer;
        writer.open(path);
        QCOMPARE(writer.format(), DataFormat::JsonLines);
        QVERIFY(!writer.integerLabels());
        writer.append(QStringLiteral("New"), QStringLiteral("b\nc"), QStringLiteral("wontfix"),
                      kClasses); // names are written as given
        const QByteArray bytes = readBytes(path);
        QVERIFY(bytes.endsWith('\n'));
        const QList<QByteArray> lines = bytes.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0], first);
        QCOMPARE(lines[1], second);
        const QJsonObject added = QJsonDocument::fromJson(lines[2]).object();
        QCOMPARE(added, QJsonObject({{QStringLiteral("title"), QStringLiteral("New")},
                                     {QStringLiteral("body"), QStringLiteral("b\nc")},
                                     {QStringLiteral("label"), QStringLiteral("wontfix")}}));
    }

    // How a file writes its labels is taken from the loader's own reading of them.
    // Found by fuzz_labelled_writer: a key with a raw control character, which the
    // writer's own byte-level tally looked for as Qt escapes it ("La\u0016bel"),
    // so class numbers were taken for names and "bug" was written as one,
    // renaming every class ("1", "2", "bug"). The other two rows failed against a
    // first fix that counted the detection sample's values without the loader's
    // label rules: a label cell holding a NUL byte (which loading drops), and
    // 1.0 and 2.0 as pandas writes them. The fastText row: found by the fuzzer
    // in the writer's own reading of fastText labels, which kept the NUL and
    // counted blank lines among the 200 records it samples.
    void labelsAreReadAsTheLoaderReadsThem_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("raw control character in the key")
            << QStringLiteral("raw-key.jsonl")
            << QByteArray("{\"title\":\"a\",\"body\":\"b\",\"La\x16"
                          "bel\":1}\n{\"title\":\"c\",\"body\":\"d\",\"La\x16"
                          "bel\":2}\n");
        QTest::newRow("NUL in a label cell") << QStringLiteral("nul.csv")
                                             << QByteArray("title,body,label\r\na,b,1\r\nc,d,2") +
                                                    QByteArray(1, '\0') + QByteArray("\r\n");
        QTest::newRow("NUL in a fastText label")
            << QStringLiteral("nul.txt")
            << QByteArray("__label__1 a\n__label__") + QByteArray(1, '\0') + QByteArray("2 b\n");
        QTest::newRow("fastText labels after 250 blank lines")
            << QStringLiteral("blank.txt")
            << QByteArray(250, '\n') + QByteArray("__label__1 a\n__label__2 b\n");
        QTest::newRow("whole numbers as 1.0")
            << QStringLiteral("pandas.json")
            << QByteArray("[{\"Title\":\"a\",\"Body\":\"b\",\"Label\":1.0},\n"
                          "{\"Title\":\"c\",\"Body\":\"d\",\"Label\":2.0}]\n");
    }

    void labelsAreReadAsTheLoaderReadsThem() {
        QTemporaryDir dir;
        LabelledDatasetWriter writer;
        const QString path = openRowFile(dir, writer);
        QVERIFY(!path.isEmpty());
        QVERIFY(writer.integerLabels());
        writer.append(QStringLiteral("t"), QStringLiteral("u"), QStringLiteral("bug"), kClasses);
        const Dataset dataset = loadDataset(path.toStdString());
        QCOMPARE(dataset.size(), std::size_t{3});
        QStringList labels;
        for (const Issue& issue : dataset.issues) {
            labels.append(QString::fromStdString(dataset.labels.name(issue.label)));
        }
        QCOMPARE(labels, QStringList({QStringLiteral("feature"), QStringLiteral("question"),
                                      QStringLiteral("bug")}));
    }

    void csvQuotingRoundTrips() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("issues.csv"));
        const QByteArray original = "id,Title,Body,Label\r\n1,Crash,\"a, b\",bug\r\n";
        QVERIFY(writeBytes(path, original));
        LabelledDatasetWriter writer;
        writer.open(path);
        QCOMPARE(writer.format(), DataFormat::Csv);
        const QString title = QStringLiteral("He said \"hi\", then left");
        const QString body = QStringLiteral("line1\r\nline2\nline3, end \" ");
        writer.append(title, body, QStringLiteral("feature"), kClasses);
        const QByteArray bytes = readBytes(path);
        QVERIFY(bytes.startsWith(original));
        QVERIFY(bytes.endsWith(",feature\r\n")); // the file's CRLF
        const std::vector<QStringList> rows = parseCsv(bytes);
        QCOMPARE(rows.size(), std::size_t{3});
        QCOMPARE(rows[2], QStringList({QString(), title, body, QStringLiteral("feature")}));

        // LF, no line break at the end, class numbers.
        const QString numbered = dir.filePath(QStringLiteral("numbered.csv"));
        QVERIFY(writeBytes(numbered, "title,body,label\na,b,0\nc,d,1"));
        writer.open(numbered);
        QVERIFY(writer.integerLabels());
        writer.append(QStringLiteral("e"), QStringLiteral("f"), QStringLiteral("question"),
                      kClasses);
        QCOMPARE(readBytes(numbered), QByteArray("title,body,label\na,b,0\nc,d,1\ne,f,2\n"));
    }

    void fastTextLinesHoldOneIssueEach() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("train.txt"));
        const QByteArray original = "__label__bug crash on start\n__label__feature add x\n";
        QVERIFY(writeBytes(path, original));
        LabelledDatasetWriter writer;
        writer.open(path);
        QCOMPARE(writer.format(), DataFormat::FastText);
        writer.append(QStringLiteral("Title"), QStringLiteral("two\r\nlines\nhere"),
                      QStringLiteral("question"), kClasses);
        QCOMPARE(readBytes(path), original + "__label__question Title two lines here\n");
        const QString error = thrown<DataError>([&] {
            writer.append(QStringLiteral("t"), QStringLiteral("b"),
                          QStringLiteral("good first issue"), kClasses);
        });
        QVERIFY2(error.contains(QLatin1String("space")), qPrintable(error));
        QCOMPARE(writer.appendedCount(), 1);
    }

    void newFilesTakeTheFormatOfTheirExtension() {
        QTemporaryDir dir;
        const QString json = dir.filePath(QStringLiteral("new.json"));
        LabelledDatasetWriter writer;
        writer.open(json);
        QVERIFY(!QFile::exists(json)); // nothing is written before the first issue
        QVERIFY(writer.summary().contains(QLatin1String("new file")));
        writer.append(QStringLiteral("t"), QStringLiteral("b"), QStringLiteral("feature"),
                      kClasses);
        writer.append(QStringLiteral("u"), QStringLiteral("c"), QStringLiteral("bug"), kClasses);
        const QJsonArray records = parseArray(readBytes(json));
        QCOMPARE(records.size(), 2);
        QCOMPARE(records[0].toObject(), QJsonObject({{QStringLiteral("Title"), QStringLiteral("t")},
                                                     {QStringLiteral("Body"), QStringLiteral("b")},
                                                     {QStringLiteral("Label"), 1}}));
        QCOMPARE(records[1].toObject().value(QLatin1String("Label")).toInt(-1), 0);

        const std::vector<std::pair<QString, QByteArray>> expected = {
            {QStringLiteral("new.jsonl"), "{\"title\":\"t\",\"body\":\"b\",\"label\":\"bug\"}"
                                          "\n"},
            {QStringLiteral("new.csv"), "title,body,label\r\nt,b,bug\r\n"},
            {QStringLiteral("new.txt"), "__label__bug t b\n"},
        };
        for (const auto& [name, bytes] : expected) {
            writer.open(dir.filePath(name));
            writer.append(QStringLiteral("t"), QStringLiteral("b"), QStringLiteral("bug"),
                          kClasses);
            QCOMPARE(readBytes(dir.filePath(name)), bytes);
        }
    }

    void aBlankFileIsWrittenAsANewOne() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("blank.csv"));
        const QByteArray blank = "\xEF\xBB\xBF\n"; // a byte-order mark and a line break
        QVERIFY(writeBytes(path, blank));
        LabelledDatasetWriter writer;
        writer.open(path);
        writer.append(QStringLiteral("t"), QStringLiteral("b"), QStringLiteral("bug"), kClasses);
        QCOMPARE(readBytes(path), QByteArray("title,body,label\r\nt,b,bug\r\n"));
        writer.undoLast();
        QCOMPARE(readBytes(path), blank);
    }

    void aLinkStaysALinkAndTheFileKeepsItsPermissions() {
        QTemporaryDir dir;
        const QString real = dir.filePath(QStringLiteral("real.jsonl"));
        QVERIFY(writeBytes(real, "{\"title\":\"a\",\"body\":\"b\",\"label\":\"bug\"}\n"));
        const QFile::Permissions mode = QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup;
        QVERIFY(QFile::setPermissions(real, mode));
        const QString link = dir.filePath(QStringLiteral("link.jsonl"));
        QVERIFY(QFile::link(real, link));
        LabelledDatasetWriter writer;
        writer.open(link);
        writer.append(QStringLiteral("t"), QString(), QStringLiteral("bug"), kClasses);
        QVERIFY(QFileInfo(link).isSymLink());
        QCOMPARE(readBytes(real).count('\n'), 2);
        QCOMPARE(QFile::permissions(real) & ~(QFile::ReadUser | QFile::WriteUser), mode);
    }

    void undoRestoresTheExactBytes() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("train.json"));
        const QByteArray original = "[{\"Title\":\"a\",\"Body\":\"b\",\"Label\":0}]\n";
        QVERIFY(writeBytes(path, original));
        LabelledDatasetWriter writer;
        writer.open(path);
        writer.append(QStringLiteral("one"), QString(), QStringLiteral("bug"), kClasses);
        const QByteArray afterOne = readBytes(path);
        writer.append(QStringLiteral("two"), QString(), QStringLiteral("feature"), kClasses);
        QCOMPARE(writer.appendedCount(), 2);
        writer.undoLast();
        QCOMPARE(readBytes(path), afterOne);
        writer.undoLast();
        QCOMPARE(readBytes(path), original);
        QVERIFY(!writer.canUndo());
        QVERIFY(!thrown<DataError>([&] { writer.undoLast(); }).isEmpty());
        QCOMPARE(otherFiles(dir, QStringLiteral("train.json")), QStringList());

        // Undoing the issue that created a file removes the file again.
        const QString created = dir.filePath(QStringLiteral("created.csv"));
        writer.open(created);
        writer.append(QStringLiteral("t"), QStringLiteral("b"), QStringLiteral("bug"), kClasses);
        QVERIFY(QFile::exists(created));
        writer.undoLast();
        QVERIFY(!QFile::exists(created));
        writer.append(QStringLiteral("t"), QStringLiteral("b"), QStringLiteral("bug"), kClasses);
        QCOMPARE(readBytes(created), QByteArray("title,body,label\r\nt,b,bug\r\n"));
    }

    void undoIsRefusedAfterAnotherProgramChangedTheFile() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("issues.jsonl"));
        QVERIFY(writeBytes(path, "{\"title\":\"a\",\"body\":\"b\",\"label\":\"bug\"}\n"));
        LabelledDatasetWriter writer;
        writer.open(path);
        writer.append(QStringLiteral("mine"), QString(), QStringLiteral("bug"), kClasses);
        const QByteArray edited =
            readBytes(path) + "{\"title\":\"theirs\",\"body\":\"\",\"label\":\"bug\"}\n";
        QVERIFY(writeBytes(path, edited));
        const QString error = thrown<DataError>([&] { writer.undoLast(); });
        QVERIFY2(error.contains(QLatin1String("issues.jsonl")) &&
                     error.contains(QLatin1String("changed")),
                 qPrintable(error));
        QCOMPARE(readBytes(path), edited);
        QVERIFY(writer.canUndo()); // still there should the other change be reverted

        // The same length but other bytes is refused too.
        const QString json = dir.filePath(QStringLiteral("train.json"));
        QVERIFY(writeBytes(json, "[]"));
        writer.open(json);
        writer.append(QStringLiteral("mine"), QString(), QStringLiteral("bug"), kClasses);
        QByteArray changed = readBytes(json);
        changed.replace("mine", "MINE");
        QVERIFY(writeBytes(json, changed));
        QVERIFY(!thrown<DataError>([&] { writer.undoLast(); }).isEmpty());
        QCOMPARE(readBytes(json), changed);
    }

    void integerLabelsCannotTakeAnUnknownClass() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("train.json"));
        const QByteArray original = "[{\"Title\":\"a\",\"Body\":\"b\",\"Label\":1}]";
        QVERIFY(writeBytes(path, original));
        LabelledDatasetWriter writer;
        writer.open(path);
        const QString error = thrown<DataError>([&] {
            writer.append(QStringLiteral("t"), QStringLiteral("b"), QStringLiteral("wontfix"),
                          kClasses);
        });
        QVERIFY2(error.contains(QLatin1String("train.json")) &&
                     error.contains(QLatin1String("\"wontfix\"")) &&
                     error.contains(QLatin1String("0 bug, 1 feature, 2 question")),
                 qPrintable(error));
        QCOMPARE(readBytes(path), original);
        QCOMPARE(writer.appendedCount(), 0);
    }

    void aPathUnderAFileIsAnError() {
        QTemporaryDir dir;
        const QString plain = dir.filePath(QStringLiteral("plain"));
        QVERIFY(writeBytes(plain, "not a folder"));
        LabelledDatasetWriter writer;
        const QString error =
            thrown<IoError>([&] { writer.open(plain + QStringLiteral("/new.json")); });
        QVERIFY2(error.contains(QLatin1String("not a folder")), qPrintable(error));
        QVERIFY(!writer.isOpen());
        QCOMPARE(readBytes(plain), QByteArray("not a folder"));
    }

    void aReadOnlyFolderLeavesTheFileIntact() {
        if (::geteuid() == 0) {
            QSKIP("root ignores folder permissions");
        }
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("train.json"));
        const QByteArray original = "[{\"Title\":\"a\",\"Body\":\"b\",\"Label\":0}]";
        QVERIFY(writeBytes(path, original));
        LabelledDatasetWriter writer;
        writer.open(path);
        QVERIFY(QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::ExeOwner));
        const QString error = thrown<IoError>([&] {
            writer.append(QStringLiteral("t"), QStringLiteral("b"), QStringLiteral("bug"),
                          kClasses);
        });
        QVERIFY(QFile::setPermissions(dir.path(),
                                      QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        QVERIFY2(error.contains(path) && error.contains(QLatin1String("not changed")),
                 qPrintable(error));
        QCOMPARE(readBytes(path), original);
        QVERIFY(!writer.canUndo());
    }

    void aFailedWriteLeavesTheFileIntact() {
        // A file-size limit makes writing the copy fail as a full disk would,
        // whoever runs the test.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("big.json"));
        QByteArray original = "[";
        for (int i = 0; i < 4000; ++i) {
            original += (i == 0 ? "" : ",") + QByteArray("{\"Title\":\"issue ") +
                        QByteArray::number(i) + "\",\"Body\":\"some text here\",\"Label\":1}";
        }
        original += "]";
        QVERIFY(writeBytes(path, original));
        LabelledDatasetWriter writer;
        writer.open(path);
        rlimit saved{};
        QCOMPARE(::getrlimit(RLIMIT_FSIZE, &saved), 0);
        rlimit small = saved;
        small.rlim_cur = 64 * 1024;
        const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
        const QString error = thrown<IoError>([&] {
            writer.append(QStringLiteral("t"), QStringLiteral("b"), QStringLiteral("bug"),
                          kClasses);
        });
        ::setrlimit(RLIMIT_FSIZE, &saved);
        std::signal(SIGXFSZ, oldHandler);
        QVERIFY2(error.contains(QLatin1String("cannot write")), qPrintable(error));
        QVERIFY(readBytes(path) == original);
        QVERIFY(!writer.canUndo());
        QCOMPARE(otherFiles(dir, QStringLiteral("big.json")), QStringList());
    }

    void filesItCannotReadAreRefusedUntouched_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("fault");
        QTest::newRow("truncated array")
            << QStringLiteral("cut.json")
            << QByteArray("[{\"Title\":\"a\",\"Body\":\"b\",\"Label\":0},{\"Title\":\"c\"")
            << QStringLiteral("end of the file");
        // Past the records the loader samples: only the writer's look at the end sees it.
        QByteArray longCut = "[";
        for (int i = 0; i < 300; ++i) {
            longCut += "{\"Title\":\"a\",\"Body\":\"b\",\"Label\":0},\n";
        }
        QTest::newRow("truncated after 300 records")
            << QStringLiteral("long.json") << longCut + "{\"Title\":\"c\""
            << QStringLiteral("truncated");
        QTest::newRow("one object") << QStringLiteral("object.json")
                                    << QByteArray("{\"Title\":\"a\",\"Body\":\"b\",\"Label\":0}")
                                    << QStringLiteral("array");
        QTest::newRow("array of numbers")
            << QStringLiteral("numbers.json") << QByteArray("[1, 2]") << QStringLiteral("object");
        QTest::newRow("trailing comma")
            << QStringLiteral("comma.json") << QByteArray("[{\"Title\":\"a\",\"Label\":0},]")
            << QStringLiteral("comma");
        QTest::newRow("text after the array")
            << QStringLiteral("after.json") << QByteArray("[{\"Title\":\"a\",\"Label\":0}] x")
            << QStringLiteral("']'");
        QTest::newRow("csv without text")
            << QStringLiteral("counts.csv") << QByteArray("name,count,label\nx,1,bug\n")
            << QStringLiteral("no title, body or text field");
        QTest::newRow("unlabelled")
            << QStringLiteral("test.jsonl") << QByteArray("{\"title\":\"a\",\"body\":\"b\"}")
            << QStringLiteral("no label field");
        // Found by fuzz_labelled_writer: the key was written back as UTF-8 ("Lab\uFFFDel"),
        // which the loader does not match, so the issue was added without a label.
        QTest::newRow("label key not UTF-8")
            << QStringLiteral("key.jsonl")
            << QByteArray("{\"Title\":\"a\",\"Body\":\"b\",\"Lab\xbe") + QByteArray(1, '\0') +
                   QByteArray("el\":2}\n{\"Title\":\"c\",\"Body\":\"d\",\"Label\":2}\n")
            << QStringLiteral("the field name 'Lab\\xbe\\x00el' is not valid UTF-8");
        QTest::newRow("fastText label without a class")
            << QStringLiteral("bare.txt") << QByteArray("__label__bug a\n\n__label__ b\n")
            << QStringLiteral("line 3: \"__label__\" without a class name");
    }

    void filesItCannotReadAreRefusedUntouched() {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(QString, fault);
        QTemporaryDir dir;
        const QString path = dir.filePath(name);
        QVERIFY(writeBytes(path, content));
        LabelledDatasetWriter writer;
        const QString error = thrown<DataError>([&] { writer.open(path); });
        QVERIFY2(error.contains(name) && error.contains(fault), qPrintable(error));
        QVERIFY(!writer.isOpen());
        QVERIFY(!thrown<DataError>([&] {
                     writer.append(QStringLiteral("t"), QString(), QStringLiteral("bug"), kClasses);
                 }).isEmpty());
        QCOMPARE(readBytes(path), content);
    }

    void theLoaderReadsWhatWasAppended_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("machinehack") << QStringLiteral("train.json")
                                     << QByteArray("\xEF\xBB\xBF[{\"Title\":\"a\",\"Body\":\"b\","
                                                   "\"Label\":0}]\n");
        QTest::newRow("jsonl") << QStringLiteral("train.jsonl")
                               << QByteArray("{\"title\":\"a\",\"body\":\"b\",\"label\":\"bug\"}");
        QTest::newRow("csv") << QStringLiteral("train.csv")
                             << QByteArray("Title,Body,Label\r\na,\"b\nc\",bug\r\n");
        QTest::newRow("text field")
            << QStringLiteral("text.csv") << QByteArray("text,category\na b,bug\n");
        QTest::newRow("fasttext") << QStringLiteral("train.txt") << QByteArray("__label__bug a b");
    }

    void theLoaderReadsWhatWasAppended() {
        QTemporaryDir dir;
        LabelledDatasetWriter writer;
        const QString path = openRowFile(dir, writer);
        QVERIFY(!path.isEmpty());
        writer.append(QStringLiteral("Crash \"on\", save"), QStringLiteral("Steps:\n1. open"),
                      QStringLiteral("question"), kClasses);
        writer.append(QStringLiteral("Dark mode"), QStringLiteral("please"),
                      QStringLiteral("feature"), kClasses);
        const Dataset dataset = loadDataset(QFile::encodeName(path).toStdString());
        QCOMPARE(dataset.issues.size(), std::size_t{3});
        const Issue& added = dataset.issues[1];
        QCOMPARE(QString::fromStdString(dataset.labels.name(added.label)),
                 QStringLiteral("question"));
        QCOMPARE(QString::fromStdString(dataset.labels.name(dataset.issues[2].label)),
                 QStringLiteral("feature"));
        const QString text = QString::fromStdString(added.text());
        if (writer.format() == DataFormat::FastText) {
            QCOMPARE(text, QStringLiteral("Crash \"on\", save Steps: 1. open"));
        } else {
            QCOMPARE(text, QStringLiteral("Crash \"on\", save Steps:\n1. open"));
        }
    }
};

QTEST_GUILESS_MAIN(LabelledDatasetWriterTest)
#include "test_labelleddatasetwriter.moc"
