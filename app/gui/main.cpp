// issuebert: the desktop app. Sets up the application, LibTorch's threads and
// the main window, and opens a dataset given on the command line.
#include "core/runtime.h"
#include "core/version.h"
#include "ui/icons.h"
#include "ui/mainwindow.h"
#include "ui/pages/datapage.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

int main(int argc, char** argv) {
    // Training threads that spin while waiting would take the cores the
    // window needs (runtime.h): start again with OMP_WAIT_POLICY=PASSIVE.
    issuebert::preferPassiveOpenMP(argv);
    // Before QApplication starts any thread: the allocator policy set here
    // (one heap for every thread) only reaches threads that allocate after it,
    // and the training worker on a separate arena faulted its activations in
    // again every step (2.2 s against 1.3 s per MiniLM step).
    issuebert::initRuntime();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("IssueBERT"));
    QApplication::setApplicationName(QStringLiteral("IssueBERT"));
    QApplication::setApplicationVersion(QString::fromLatin1(issuebert::kVersion));
    QApplication::setDesktopFileName(QStringLiteral("issuebert"));
    QApplication::setWindowIcon(issuebert::appIcon());

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Fine-tune BERT to classify issue reports."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("dataset"),
                                 QStringLiteral("A dataset file to open (optional)."),
                                 QStringLiteral("[dataset]"));
    parser.process(app);

    issuebert::MainWindow window;
    window.show();
    const QStringList files = parser.positionalArguments();
    if (!files.isEmpty()) {
        window.openDataset(files.first());
    }

    // ISSUEBERT_SCREENSHOT=FILE.png: save the window once the dataset is in,
    // then quit (the README's screenshots are made this way).
    const QString screenshot = qEnvironmentVariable("ISSUEBERT_SCREENSHOT");
    if (!screenshot.isEmpty()) {
        QObject::connect(window.dataPage(), &issuebert::DataPage::datasetLoaded, &window, [&] {
            QTimer::singleShot(400, &window, [&] {
                const bool saved = window.grab().save(screenshot);
                QApplication::exit(saved ? 0 : 1);
            });
        });
        QObject::connect(window.dataPage(), &issuebert::DataPage::errorOccurred, &app,
                         [] { QApplication::exit(1); });
    }
    return QApplication::exec();
}
