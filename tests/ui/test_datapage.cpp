// The Data page end to end on small files written by the tests: loading,
// summary, charts, max length, errors, cancel, column mapping, the worker.
#include "core/io/paths.h"
#include "ui/models/datasetfilterproxy.h"
#include "ui/models/datasettablemodel.h"
#include "ui/pages/datapage.h"
#include "ui/settings.h"
#include "ui/widgets/classcountchart.h"
#include "ui/widgets/datasetpreview.h"
#include "ui/widgets/fieldmappingdialog.h"
#include "ui/widgets/lengthhistogram.h"
#include "ui/widgets/summarypanel.h"
#include "ui/workers/datasetloadworker.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <qcustomplot.h>

using namespace issuebert;

namespace {

// Loads in these tests take well under a second; this is only a ceiling.
constexpr int kLoadWaitMs = 30000;

// Body word counts of the ten issues below: each "hello" is one token, and
// the title "hello world" two, so an issue has 2 + words tokens.
const int kBodyWords[] = {0, 5, 10, 20, 30, 40, 100, 200, 300, 600};
// Labels: 5 bug, 3 feature, 2 question.
const int kLabels[] = {0, 0, 0, 0, 0, 1, 1, 1, 2, 2};

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& bytes) {
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
        qFatal("cannot write %s", qPrintable(path));
    }
    return path;
}

QString writeTenIssues(const QTemporaryDir& dir, const QString& name = QStringLiteral("ten.json")) {
    QJsonArray records;
    for (int i = 0; i < 10; ++i) {
        QStringList words;
        for (int w = 0; w < kBodyWords[i]; ++w) {
            words << QStringLiteral("hello");
        }
        records.append(QJsonObject{{QStringLiteral("Title"), QStringLiteral("hello world")},
                                   {QStringLiteral("Body"), words.join(QLatin1Char(' '))},
                                   {QStringLiteral("Label"), kLabels[i]}});
    }
    return writeFile(dir, name, QJsonDocument(records).toJson());
}

QString writeManyIssues(const QTemporaryDir& dir, int count) {
    QJsonArray records;
    for (int i = 0; i < count; ++i) {
        records.append(QJsonObject{{QStringLiteral("Title"), QStringLiteral("Issue %1").arg(i)},
                                   {QStringLiteral("Body"), QString(400, QLatin1Char('b'))},
                                   {QStringLiteral("Label"), i % 3}});
    }
    return writeFile(dir, QStringLiteral("many.json"), QJsonDocument(records).toJson());
}

// A model folder with the real MiniLM vocabulary (all the tokenizer needs).
// An issue as a GitHub template leaves it: a hidden comment and a long URL,
// both of which the clean-up shortens.
QJsonObject templateIssue() {
    return QJsonObject{{QStringLiteral("Title"), QStringLiteral("Crash on start")},
                       {QStringLiteral("Body"),
                        QStringLiteral("<!-- Please fill in the template --> It fails, see "
                                       "https://github.com/org/repo/issues/12345#issuecomment-1")},
                       {QStringLiteral("Label"), 0}};
}

QString makeModelDir(const QTemporaryDir& dir) {
    const QString model = dir.filePath(QStringLiteral("model"));
    QDir().mkpath(model);
    const QString fixtures = QStringLiteral(ISSUEBERT_TEST_SOURCE_DIR "/tests/fixtures/minilm/");
    for (const char* name : {"vocab.txt", "tokenizer_config.json"}) {
        QFile::copy(fixtures + QLatin1String(name), model + QLatin1Char('/') + QLatin1String(name));
    }
    writeFile(dir, QStringLiteral("model/config.json"), "{}");
    return model;
}

bool waitLoaded(DataPage& page, const QString& path) {
    QSignalSpy loaded(&page, &DataPage::datasetLoaded);
    QSignalSpy failed(&page, &DataPage::errorOccurred);
    page.openFile(path);
    if (!QTest::qWaitFor([&] { return !page.isLoading(); }, kLoadWaitMs)) {
        return false;
    }
    if (!failed.isEmpty()) {
        qWarning("load failed: %s", qPrintable(failed.first().first().toString()));
    }
    return loaded.size() == 1;
}

double barTotal(QCPBars* bars) {
    double total = 0;
    for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) {
        total += it->value;
    }
    return total;
}

} // namespace

class DataPageTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_settingsDir;
    QTemporaryDir m_dir;
    QString m_modelDir;

private slots:
    void initTestCase() {
        // Settings go to a throw-away folder, never the user's.
        QStandardPaths::setTestModeEnabled(true);
        // Nothing from the user's cache (a default model there) leaks in.
        qputenv("XDG_CACHE_HOME", m_dir.filePath(QStringLiteral("cache")).toLocal8Bit());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
        QCoreApplication::setOrganizationName(QStringLiteral("IssueBERT"));
        QCoreApplication::setApplicationName(QStringLiteral("IssueBERT"));
        QVERIFY(m_dir.isValid());
        m_modelDir = makeModelDir(m_dir);
        QVERIFY(isModelDir(m_modelDir.toStdString()));
    }

    void init() { QSettings().clear(); }

    void loadsAMachineHackFile() {
        DataPage page;
        page.setModelDir(m_modelDir);
        const QString path = writeTenIssues(m_dir);
        QVERIFY(waitLoaded(page, path));
        QCOMPARE(page.currentPath(), path);
        QCOMPARE(page.preview()->model()->rowCount(), 10);
        QCOMPARE(page.preview()->proxy()->rowCount(), 10);
        QVERIFY(page.formatText().contains(QStringLiteral("JSON array")));
        QVERIFY(page.formatText().contains(QStringLiteral("bug, feature, question")));

        const QString summary = page.summary()->text();
        QVERIFY2(summary.contains(QStringLiteral("Rows: 10")), qPrintable(summary));
        QVERIFY(summary.contains(QStringLiteral("Labelled: 10 (100.0%)")));
        QVERIFY(summary.contains(QStringLiteral("Unlabelled: 0 (0.0%)")));
        QVERIFY(summary.contains(QStringLiteral("Repairs: none")));
        // "hello world" + 0 words has 2 tokens; median of 2 + words is 2 + 30.
        QVERIFY2(summary.contains(QStringLiteral("Tokens: median 32")), qPrintable(summary));

        // One bar per label with its count.
        QCPBars* classes = page.classChart()->bars();
        QCOMPARE(classes->data()->size(), 3);
        QCOMPARE(classes->data()->at(0)->value, 5.0);
        QCOMPARE(classes->data()->at(1)->value, 3.0);
        QCOMPARE(classes->data()->at(2)->value, 2.0);

        // Every issue is counted once in the histogram, the long one too.
        QVERIFY(page.histogram()->hasLengths());
        QCOMPARE(barTotal(page.histogram()->bars()), 10.0);
        QCOMPARE(page.preview()->model()->tokens(9), 602);
        QVERIFY(!page.preview()->view()->isColumnHidden(DatasetTableModel::TokensColumn));
    }

    void maxLengthMovesTheMarkerAndTheTruncatedShare() {
        DataPage page;
        page.setModelDir(m_modelDir);
        QVERIFY(waitLoaded(page, writeTenIssues(m_dir)));
        LengthHistogram* histogram = page.histogram();
        QCOMPARE(page.maxLength(), LengthHistogram::kDefaultLength);
        // 2 + words + [CLS] and [SEP] > 150 for 200, 300 and 600 words.
        QCOMPARE(histogram->truncatedText(),
                 QStringLiteral("30.0% of issues truncated at 150 tokens"));
        histogram->spinBox()->setValue(16);
        QCOMPARE(histogram->truncatedText(),
                 QStringLiteral("70.0% of issues truncated at 16 tokens"));
        QCOMPARE(histogram->marker()->point1->coords().x(), 16.0);
        histogram->spinBox()->setValue(512);
        QCOMPARE(histogram->truncatedText(),
                 QStringLiteral("10.0% of issues truncated at 512 tokens"));
        QCOMPARE(histogram->marker()->point1->coords().x(), 512.0);
        // Remembered for the next start.
        QCOMPARE(QSettings().value(QStringLiteral("data/maxLength")).toInt(), 512);
        DataPage again;
        QCOMPARE(again.maxLength(), 512);
    }

    void withoutTheModelTheHistogramSaysHowToGetIt() {
        DataPage page;
        page.setModelDir(m_dir.filePath(QStringLiteral("no-model-here")));
        QVERIFY(waitLoaded(page, writeTenIssues(m_dir)));
        QVERIFY(!page.histogram()->hasLengths());
        QCOMPARE(page.histogram()->bars()->data()->size(), 0);
        const QString message = page.histogram()->unavailableMessage();
        QVERIFY2(message.contains(QStringLiteral("scripts/fetch-model.sh")), qPrintable(message));
        QVERIFY(message.contains(QStringLiteral("no-model-here")));
        QVERIFY(page.summary()->text().contains(QStringLiteral("Tokens: not counted")));
        QVERIFY(page.preview()->view()->isColumnHidden(DatasetTableModel::TokensColumn));
        // The rest of the page works as before.
        QCOMPARE(page.preview()->model()->rowCount(), 10);
        QCOMPARE(page.classChart()->bars()->data()->size(), 3);
    }

    void aMalformedFileIsReportedAndTheOldDataStays() {
        DataPage page;
        page.setModelDir(m_modelDir);
        const QString good = writeTenIssues(m_dir);
        QVERIFY(waitLoaded(page, good));
        const QString bad = writeFile(m_dir, QStringLiteral("broken.json"),
                                      "[\n{\"Title\": \"a\", \"Label\": 0},\n"
                                      "{\"Title\": \"b\" \"Body\": \"c\"}\n]");
        QSignalSpy errors(&page, &DataPage::errorOccurred);
        QSignalSpy loaded(&page, &DataPage::datasetLoaded);
        page.openFile(bad);
        QTRY_VERIFY_WITH_TIMEOUT(!page.isLoading(), kLoadWaitMs);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(loaded.size(), 0);
        const QString message = errors.first().first().toString();
        QVERIFY2(message.contains(QStringLiteral("broken.json")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("record 2")), qPrintable(message));
        // The previous dataset is still shown.
        QCOMPARE(page.currentPath(), good);
        QCOMPARE(page.preview()->model()->rowCount(), 10);
        QCOMPARE(page.classChart()->bars()->data()->size(), 3);
        QVERIFY(page.mapButton()->isEnabled());
    }

    void aMissingFileIsReportedByName() {
        DataPage page;
        QSignalSpy errors(&page, &DataPage::errorOccurred);
        page.openFile(m_dir.filePath(QStringLiteral("nowhere.json")));
        QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), kLoadWaitMs);
        QVERIFY(errors.first().first().toString().contains(QStringLiteral("nowhere.json")));
        QVERIFY(page.result() == nullptr);
    }

    void cancelKeepsThePreviousDataset() {
        DataPage page;
        page.setModelDir(m_modelDir);
        const QString good = writeTenIssues(m_dir);
        QVERIFY(waitLoaded(page, good));
        const auto before = page.result();
        QSignalSpy errors(&page, &DataPage::errorOccurred);
        QSignalSpy loaded(&page, &DataPage::datasetLoaded);
        QSignalSpy status(&page, &DataPage::statusMessage);
        page.openFile(writeManyIssues(m_dir, 3000));
        QVERIFY(page.isLoading());
        QCOMPARE(page.phaseText(), QStringLiteral("Opening many.json…"));
        QVERIFY(page.cancelButton()->isVisibleTo(&page));
        QTest::mouseClick(page.cancelButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!page.isLoading(), kLoadWaitMs);
        QCOMPARE(errors.size(), 0);
        QCOMPARE(loaded.size(), 0);
        QVERIFY(page.result() == before);
        QCOMPARE(page.preview()->model()->rowCount(), 10);
        QVERIFY(!page.cancelButton()->isVisibleTo(&page));
        QVERIFY(!status.isEmpty());
        QVERIFY(status.last().first().toString().contains(QStringLiteral("cancelled")));
    }

    void closingThePageStopsALoadInProgress() {
        auto* page = new DataPage;
        page->setModelDir(m_modelDir);
        page->openFile(writeManyIssues(m_dir, 20000));
        QVERIFY(page->isLoading());
        QPointer<QThread> thread = page->findChild<QThread*>(QStringLiteral("DatasetLoad"));
        QVERIFY(thread);
        delete page; // cancels, waits for the thread, and deletes it
        QVERIFY(thread.isNull());
    }

    void aNewerOpenReplacesOneInProgress() {
        DataPage page;
        page.setModelDir(m_modelDir);
        QSignalSpy loaded(&page, &DataPage::datasetLoaded);
        page.openFile(writeManyIssues(m_dir, 3000));
        const QString ten = writeTenIssues(m_dir, QStringLiteral("second.json"));
        page.openFile(ten);
        QTRY_VERIFY_WITH_TIMEOUT(!page.isLoading(), kLoadWaitMs);
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(page.currentPath(), ten);
    }

    void anAmbiguousCsvAsksForTheColumns() {
        DataPage page;
        page.setModelDir(m_modelDir);
        const QString csv = writeFile(m_dir, QStringLiteral("odd.csv"),
                                      "colA,colB,colC\n"
                                      "bug,App crashes,\"Stack trace\nline two\"\n"
                                      "feature,Add export,Would be nice\n"
                                      "bug,Hangs on exit,Never quits\n");
        int asked = 0;
        QString reason;
        page.setMappingHook([&](FieldMappingDialog& dialog) {
            ++asked;
            if (auto* label = dialog.findChild<QLabel*>(QStringLiteral("reasonLabel"))) {
                reason = label->text();
            }
            const bool ok =
                dialog.setField(FieldMappingDialog::TitleRole, QStringLiteral("colB")) &&
                dialog.setField(FieldMappingDialog::BodyRole, QStringLiteral("colC")) &&
                dialog.setField(FieldMappingDialog::LabelRole, QStringLiteral("colA"));
            return ok ? QDialog::Accepted : QDialog::Rejected;
        });
        QVERIFY(waitLoaded(page, csv));
        QCOMPARE(asked, 1);
        QVERIFY2(reason.contains(QStringLiteral("colA")), qPrintable(reason));
        const DatasetTableModel* model = page.preview()->model();
        QCOMPARE(model->rowCount(), 3);
        QCOMPARE(QString::fromStdString(model->issue(0).title), QStringLiteral("App crashes"));
        QCOMPARE(model->labelName(1), QStringLiteral("feature"));
        QCOMPARE(page.classChart()->bars()->data()->size(), 2);
        QVERIFY(page.formatText().contains(QStringLiteral("CSV")));
    }

    void declinedMappingLoadsNothing() {
        DataPage page;
        const QString csv = writeFile(m_dir, QStringLiteral("odd2.csv"), "p,q\nx,y\n");
        page.setMappingHook([](FieldMappingDialog&) { return int(QDialog::Rejected); });
        QSignalSpy errors(&page, &DataPage::errorOccurred);
        page.openFile(csv);
        QVERIFY(!page.isLoading());
        QVERIFY(page.result() == nullptr);
        QCOMPARE(errors.size(), 0);
    }

    void mapColumnsRenamesAndMergesLabels() {
        DataPage page;
        page.setModelDir(m_modelDir);
        QVERIFY(waitLoaded(page, writeTenIssues(m_dir)));
        QVERIFY(page.mapButton()->isEnabled());
        QStringList listed;
        page.setMappingHook([&](FieldMappingDialog& dialog) {
            listed.clear();
            for (int row = 0; row < dialog.labelTable()->rowCount(); ++row) {
                listed << dialog.labelTable()->item(row, 0)->text();
            }
            // Prefilled with the fields in use.
            if (dialog.combo(FieldMappingDialog::TitleRole)->currentText() !=
                QStringLiteral("Title")) {
                return int(QDialog::Rejected);
            }
            dialog.setLabelRename(QStringLiteral("question"), QStringLiteral("feature"));
            return int(QDialog::Accepted);
        });
        QSignalSpy loaded(&page, &DataPage::datasetLoaded);
        page.remapColumns();
        QTRY_VERIFY_WITH_TIMEOUT(!page.isLoading(), kLoadWaitMs);
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(listed, (QStringList{QStringLiteral("bug"), QStringLiteral("feature"),
                                      QStringLiteral("question")}));
        // question merged into feature: 5 bug, 5 feature.
        QCPBars* bars = page.classChart()->bars();
        QCOMPARE(bars->data()->size(), 2);
        QCOMPARE(bars->data()->at(1)->value, 5.0);
        QCOMPARE(page.preview()->labelFilter()->count(), 4); // all, bug, feature, unlabelled

        // The renamed label is offered again under its original name.
        page.remapColumns();
        QTRY_VERIFY_WITH_TIMEOUT(!page.isLoading(), kLoadWaitMs);
        QCOMPARE(listed, (QStringList{QStringLiteral("bug"), QStringLiteral("feature"),
                                      QStringLiteral("question")}));
    }

    void labelFilterAndSearchNarrowTheTable() {
        DataPage page;
        page.setModelDir(m_modelDir);
        QVERIFY(waitLoaded(page, writeTenIssues(m_dir)));
        DatasetPreview* preview = page.preview();
        preview->labelFilter()->setCurrentIndex(
            preview->labelFilter()->findText(QStringLiteral("question")));
        QCOMPARE(preview->proxy()->rowCount(), 2);
        QCOMPARE(preview->countText(), QStringLiteral("2 of 10 issues"));
        preview->labelFilter()->setCurrentIndex(0);
        QCOMPARE(preview->proxy()->rowCount(), 10);
    }

    void theIssuePaneShowsTheTextTheModelReads() {
        QJsonArray records;
        records.append(templateIssue());
        DataPage page;
        page.setModelDir(m_modelDir);
        QVERIFY(waitLoaded(page, writeFile(m_dir, QStringLiteral("template.json"),
                                           QJsonDocument(records).toJson())));
        DatasetPreview* preview = page.preview();
        QPlainTextEdit* text = preview->modelTextView();
        QVERIFY(text->toPlainText().isEmpty()); // nothing selected yet
        preview->view()->setCurrentIndex(preview->proxy()->index(0, 0));
        QVERIFY(text->toPlainText().contains(QStringLiteral("Please fill in the template")));
        QVERIFY(preview->findChild<QLabel*>(QStringLiteral("modelTextTitle"))
                    ->text()
                    .contains(QStringLiteral("no clean-up")));

        // The Train page's clean-up: the hidden comment goes, the URL shrinks
        // to its host, and the heading says how much is left.
        preview->setCleanup(TextCleanup{kCleanComments | kCleanUrls});
        const QString cleaned = text->toPlainText();
        QVERIFY2(!cleaned.contains(QStringLiteral("Please fill")), qPrintable(cleaned));
        QVERIFY2(cleaned.contains(QStringLiteral("github.com")), qPrintable(cleaned));
        QVERIFY2(!cleaned.contains(QStringLiteral("issuecomment")), qPrintable(cleaned));
        QVERIFY2(cleaned.contains(QStringLiteral("It fails")), qPrintable(cleaned));
        const QString heading =
            preview->findChild<QLabel*>(QStringLiteral("modelTextTitle"))->text();
        QVERIFY2(heading.contains(QStringLiteral("clean-up: comments,urls")) &&
                     heading.contains(QStringLiteral("characters kept")),
                 qPrintable(heading));
    }

    void tokenCountsFollowTheCleanUp() {
        QJsonArray records;
        records.append(templateIssue());
        records.append(QJsonObject{{QStringLiteral("Title"), QStringLiteral("hello world")},
                                   {QStringLiteral("Body"), QStringLiteral("hello")},
                                   {QStringLiteral("Label"), 1}});
        const QString path =
            writeFile(m_dir, QStringLiteral("counts.json"), QJsonDocument(records).toJson());
        DataPage page;
        page.setModelDir(m_modelDir);
        QVERIFY(waitLoaded(page, path));
        const std::vector<int> raw = page.tokenLengths();
        QCOMPARE(raw.size(), std::size_t{2});
        QCOMPARE(raw[1], 3);

        // Ticking clean-up steps counts again, in the background: the
        // histogram, the token column and the Train page's auto length then
        // count what the model will read.
        QSignalSpy changed(&page, &DataPage::tokenLengthsChanged);
        const TextCleanup cleanup{kCleanComments | kCleanUrls};
        page.setCleanup(cleanup);
        QVERIFY(page.isCountingTokens());
        QVERIFY(page.findChild<QProgressBar*>()->isVisibleTo(&page));
        QVERIFY(changed.wait(kLoadWaitMs));
        QVERIFY(!page.isCountingTokens());
        QVERIFY(page.tokenCleanup() == cleanup);
        const std::vector<int> cleaned = page.tokenLengths();
        // "<!-- Please fill in the template -->" alone is 12 word pieces.
        QVERIFY2(cleaned[0] <= raw[0] - 12,
                 qPrintable(QStringLiteral("%1 -> %2").arg(raw[0]).arg(cleaned[0])));
        QCOMPARE(cleaned[1], 3);
        QCOMPARE(page.preview()->model()->tokens(0), cleaned[0]);
        QCOMPARE(barTotal(page.histogram()->bars()), 2.0);
        auto* bar = page.findChild<QProgressBar*>();
        QVERIFY(bar != nullptr);
        QVERIFY(!bar->isVisibleTo(&page)); // the progress row is gone again

        // The same clean-up again counts nothing; back to none counts the raw text.
        page.setCleanup(cleanup);
        QVERIFY(!page.isCountingTokens());
        page.setCleanup({});
        QVERIFY(changed.wait(kLoadWaitMs));
        QCOMPARE(page.tokenLengths(), raw);

        // A clean-up set before a load is counted by the load itself.
        DataPage fresh;
        fresh.setModelDir(m_modelDir);
        fresh.setCleanup(cleanup);
        QSignalSpy freshChanged(&fresh, &DataPage::tokenLengthsChanged);
        QVERIFY(waitLoaded(fresh, path));
        QCOMPARE(fresh.tokenLengths(), cleaned);
        QVERIFY(!fresh.isCountingTokens());
        QCOMPARE(freshChanged.size(), 0);
    }

    void theBundledSampleLoads() {
        const QString sample = QString::fromStdString(sampleDataPath("train.json"));
        if (!QFile::exists(sample)) {
            QSKIP("resources/sample/train.json is not there");
        }
        DataPage page;
        page.setModelDir(m_modelDir);
        QVERIFY(waitLoaded(page, sample));
        QCOMPARE(page.preview()->model()->rowCount(), 320);
        QCOMPARE(page.classChart()->bars()->data()->size(), 3);
        QCOMPARE(barTotal(page.histogram()->bars()), 320.0);
    }

    void theLoadReportsPhasesAtMostTwentyTimesASecond() {
        const DatasetLoadRequest request{writeManyIssues(m_dir, 20000), {}, m_modelDir, {}};
        JobRunner runner;
        QSignalSpy progress(&runner, &JobRunner::progress);
        QSignalSpy idle(&runner, &JobRunner::idle);
        std::shared_ptr<const DatasetLoadResult> result;
        qint64 elapsed = 0;
        QElapsedTimer timer;
        timer.start();
        std::function<std::shared_ptr<const DatasetLoadResult>(const JobRunner::Context&)> work =
            [request](const JobRunner::Context& context) {
                return runDatasetLoad(request, context);
            };
        runner.run<std::shared_ptr<const DatasetLoadResult>>(
            QStringLiteral("DatasetLoad"), std::move(work),
            [&](std::shared_ptr<const DatasetLoadResult> loaded) {
                elapsed = timer.elapsed();
                result = std::move(loaded);
            });
        QVERIFY(idle.wait(kLoadWaitMs)); // the progress reports were queued before the result
        QVERIFY(result != nullptr);
        QStringList phases;
        for (const auto& args : progress) {
            const QString phase = args.at(2).toString();
            if (!phases.contains(phase)) {
                phases << phase;
            }
        }
        QCOMPARE(phases.first(), QStringLiteral("Reading…"));
        QVERIFY(phases.contains(QStringLiteral("Counting tokens…")));
        // One signal per phase change plus at most one per 50 ms.
        const qint64 allowed = phases.size() + elapsed / kLoadProgressIntervalMs + 1;
        QVERIFY2(
            progress.size() <= allowed,
            qPrintable(QStringLiteral("%1 signals in %2 ms").arg(progress.size()).arg(elapsed)));
        QCOMPARE(result->dataset.size(), std::size_t{20000});
        QCOMPARE(result->tokenLengths.size(), std::size_t{20000});
        QCOMPARE(result->stats.rows, 20000LL);
    }
};

QTEST_MAIN(DataPageTest)
#include "test_datapage.moc"
