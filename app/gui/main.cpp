// issuebert: the desktop app. Sets up the application, LibTorch's threads and
// the main window, and opens a dataset given on the command line.
#include "core/runtime.h"
#include "core/version.h"
#include "ui/icons.h"
#include "ui/mainwindow.h"
#include "ui/pages/datapage.h"
#include "ui/screenshottour.h"

#include <QApplication>
#include <QCommandLineParser>

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
    const QCommandLineOption tour(
        QStringLiteral("screenshots"),
        QStringLiteral("Walk every page with the sample data and the run's best model, save a "
                       "PNG of each into <folder>, and quit (scripts/screenshots.sh)."),
        QStringLiteral("folder"));
    const QCommandLineOption run(QStringLiteral("run"),
                                 QStringLiteral("The training run the screenshots show."),
                                 QStringLiteral("folder"));
    parser.addOption(tour);
    parser.addOption(run);
    parser.process(app);

    issuebert::MainWindow window;
    window.show();
    const QStringList files = parser.positionalArguments();
    if (!files.isEmpty()) {
        window.openDataset(files.first());
    }

    if (parser.isSet(tour)) {
        window.resize(1440, 900);
        auto* walk = new issuebert::ScreenshotTour(window, parser.value(tour), parser.value(run));
        QObject::connect(walk, &issuebert::ScreenshotTour::finished, &app,
                         [](bool ok) { QApplication::exit(ok ? 0 : 1); });
        walk->start();
    }
    return QApplication::exec();
}
