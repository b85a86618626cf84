// Fixtures for ui tests that train or predict: the tiny random BERT beside the
// real MiniLM vocabulary (a "pretrained" model folder that learns in seconds),
// and a MachineHack-style train.json whose three classes are told apart by
// keywords. Header-only: every ui test is one source file.
#pragma once

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSettings>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace issuebert::testing {

// Keeps a test away from the user's settings and caches: QSettings in
// settingsDir, XDG_CACHE_HOME (the default model, IssueBERT's cache) in
// dir/cache, Qt's test paths; then starts from empty settings.
inline void isolateUserState(const QTemporaryDir& settingsDir, const QTemporaryDir& dir) {
    QStandardPaths::setTestModeEnabled(true);
    qputenv("XDG_CACHE_HOME", dir.filePath(QStringLiteral("cache")).toLocal8Bit());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());
    QCoreApplication::setOrganizationName(QStringLiteral("IssueBERT"));
    QCoreApplication::setApplicationName(QStringLiteral("IssueBERT"));
    QSettings().clear();
}

inline QString sourcePath(const QString& relative) {
    return QStringLiteral(ISSUEBERT_TEST_SOURCE_DIR "/") + relative;
}

// A model folder inside dir: tests/fixtures/model/tiny's config and weights
// with tests/fixtures/minilm's tokenizer files.
inline QString tinyModelDir(const QTemporaryDir& dir) {
    const QString model = dir.filePath(QStringLiteral("tiny-model"));
    QDir().mkpath(model);
    for (const QString& name :
         {QStringLiteral("config.json"), QStringLiteral("model.safetensors")}) {
        QFile::copy(sourcePath(QStringLiteral("tests/fixtures/model/tiny/")) + name,
                    model + QLatin1Char('/') + name);
    }
    for (const QString& name :
         {QStringLiteral("vocab.txt"), QStringLiteral("tokenizer_config.json"),
          QStringLiteral("special_tokens_map.json")}) {
        QFile::copy(sourcePath(QStringLiteral("tests/fixtures/minilm/")) + name,
                    model + QLatin1Char('/') + name);
    }
    return model;
}

// perClass issues of each of bug (0), feature (1) and question (2), in
// MachineHack's train.json layout; labelled false leaves Label out (test.json).
inline QString writeSeparable(const QTemporaryDir& dir, const QString& name, int perClass,
                              quint32 seed = 7, bool labelled = true) {
    const QList<QStringList> keywords{
        {QStringLiteral("crash"), QStringLiteral("error"), QStringLiteral("broken"),
         QStringLiteral("fails"), QStringLiteral("exception")},
        {QStringLiteral("add"), QStringLiteral("support"), QStringLiteral("feature"),
         QStringLiteral("allow"), QStringLiteral("option")},
        {QStringLiteral("how"), QStringLiteral("why"), QStringLiteral("question"),
         QStringLiteral("help"), QStringLiteral("understand")}};
    const QStringList filler{
        QStringLiteral("the"),  QStringLiteral("window"), QStringLiteral("file"),
        QStringLiteral("when"), QStringLiteral("user"),   QStringLiteral("page"),
        QStringLiteral("open"), QStringLiteral("after"),  QStringLiteral("build"),
        QStringLiteral("data"), QStringLiteral("list"),   QStringLiteral("new")};
    QRandomGenerator generator(seed);
    QJsonArray records;
    for (int i = 0; i < perClass * 3; ++i) {
        const int label = i % 3;
        QStringList body;
        const int words = 4 + static_cast<int>(generator.bounded(12));
        for (int w = 0; w < words; ++w) {
            const QStringList& pool = generator.bounded(3) == 0 ? keywords[label] : filler;
            body << pool[static_cast<int>(generator.bounded(pool.size()))];
        }
        body << keywords[label][static_cast<int>(generator.bounded(5))];
        QJsonObject record{{QStringLiteral("Title"), QStringLiteral("issue %1").arg(i)},
                           {QStringLiteral("Body"), body.join(QLatin1Char(' '))}};
        if (labelled) {
            record.insert(QStringLiteral("Label"), label);
        }
        records.append(record);
    }
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        qFatal("cannot write %s", qPrintable(path));
    }
    file.write(QJsonDocument(records).toJson(QJsonDocument::Compact));
    return path;
}

} // namespace issuebert::testing
