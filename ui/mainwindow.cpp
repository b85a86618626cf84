// Main window: pages, menus, recent files, drops, errors and saved geometry.
#include "ui/mainwindow.h"

#include "core/io/paths.h"
#include "core/runtime.h"
#include "core/version.h"
#include "ui/icons.h"
#include "ui/pages/classifypage.h"
#include "ui/pages/datapage.h"
#include "ui/pages/evaluatepage.h"
#include "ui/pages/predictionspage.h"
#include "ui/pages/trainpage.h"
#include "ui/settings.h"
#include "ui/widgets/datasetpreview.h"
#include "ui/widgets/trainsettingsform.h"
#include "ui/workers/datasetloadworker.h"
#include "ui/workers/modelservice.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QStackedWidget>
#include <QStatusBar>

namespace issuebert {

namespace {

// How long transient status bar messages stay.
constexpr int kStatusMs = 6000;

// The first local file among dropped URLs, or an empty string.
QString droppedFile(const QMimeData* mime) {
    if (mime == nullptr || !mime->hasUrls()) {
        return {};
    }
    for (const QUrl& url : mime->urls()) {
        if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isFile()) {
            return url.toLocalFile();
        }
    }
    return {};
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_sidebar(new QListWidget(this)), m_pages(new QStackedWidget(this)),
      m_models(new ModelService(this)), m_dataPage(new DataPage(this)),
      m_trainPage(new TrainPage(this)), m_evaluatePage(new EvaluatePage(this, m_models)),
      m_predictionsPage(new PredictionsPage(this, m_models)),
      m_classifyPage(new ClassifyPage(this, m_models)), m_deviceLabel(new QLabel(this)) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("IssueBERT"));
    setAcceptDrops(true);

    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setIconSize(QSize(24, 24));
    m_sidebar->setSpacing(2);
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Expanding);
    m_sidebar->setFixedWidth(150);
    m_sidebar->setBackgroundRole(QPalette::Window);
    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_sidebar);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);
    connect(m_sidebar, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);

    addPage(m_dataPage, tr("Data"),
            pageIcon(QStringLiteral("data"), QStringLiteral("x-office-spreadsheet")));
    connect(m_dataPage, &DataPage::datasetLoaded, this, &MainWindow::onDatasetLoaded);

    addPage(m_trainPage, tr("Train"), pageIcon(QStringLiteral("train"), QString()));
    // The Data page shows and counts issues cleaned as the Train page's
    // settings say; the Train page's auto max length uses those counts.
    const auto showCleanup = [this] { m_dataPage->setCleanup(m_trainPage->form()->cleanup()); };
    connect(m_trainPage->form(), &TrainSettingsForm::changed, this, showCleanup);
    showCleanup();
    connect(m_dataPage, &DataPage::tokenLengthsChanged, this,
            [this] { m_trainPage->form()->setTokenLengths(m_dataPage->tokenLengths()); });

    addPage(m_evaluatePage, tr("Evaluate"), pageIcon(QStringLiteral("evaluate"), QString()));
    addPage(m_predictionsPage, tr("Predictions"),
            pageIcon(QStringLiteral("predictions"), QString()));
    addPage(m_classifyPage, tr("Classify & Label"),
            pageIcon(QStringLiteral("classify"), QString()));
    connectModelPages();

    m_deviceLabel->setObjectName(QStringLiteral("deviceLabel"));
    statusBar()->addPermanentWidget(m_deviceLabel);
    // The device and the precision a run would compute in, as the Train
    // page's hardware settings say; the reason in the tooltip.
    const auto showDevice = [this] {
        const PrecisionChoice precision = m_trainPage->form()->precisionChoice();
        m_deviceLabel->setText(
            tr("Device: %1, %2")
                .arg(QString::fromStdString(deviceDescription()),
                     precision.bf16 ? QStringLiteral("bf16") : QStringLiteral("fp32")));
        m_deviceLabel->setToolTip(QString::fromStdString(precision.reason));
    };
    showDevice();
    connect(m_trainPage->form(), &TrainSettingsForm::changed, this, showDevice);
    createMenus();
    createTrainingMenu();

    if (!restoreGeometry(settings::kWindowGeometry.get())) {
        resize(1320, 860);
    }
    restoreState(settings::kWindowState.get());
    m_sidebar->setVisible(settings::kSidebarVisible.get(true));
}

MainWindow::~MainWindow() = default;

int MainWindow::addPage(QWidget* page, const QString& title, const QIcon& icon) {
    if (auto* reporting = qobject_cast<Page*>(page)) {
        connect(reporting, &Page::errorOccurred, this, [this, reporting](const QString& message) {
            showError(reporting->errorTitle(), message);
        });
        connect(reporting, &Page::statusMessage, this,
                [this](const QString& message) { statusBar()->showMessage(message, kStatusMs); });
    }
    const int index = m_pages->addWidget(page);
    auto* item = new QListWidgetItem(icon, title, m_sidebar);
    item->setSizeHint(QSize(0, 40));
    if (m_sidebar->currentRow() < 0) {
        m_sidebar->setCurrentRow(index);
    }
    return index;
}

void MainWindow::showPage(QWidget* page) {
    const int index = m_pages->indexOf(page);
    if (index >= 0) {
        m_sidebar->setCurrentRow(index);
    }
}

void MainWindow::openDataset(const QString& path) {
    showPage(m_dataPage);
    settings::setLastDirectory(QFileInfo(path).absolutePath());
    m_dataPage->openFile(path);
}

QMessageBox* MainWindow::showError(const QString& title, const QString& message) {
    auto* box = new QMessageBox(QMessageBox::Critical, title, message, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("errorBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // open(), not exec(): the window keeps running and tests are never blocked.
    box->open();
    return box;
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(QIcon::fromTheme(QStringLiteral("document-open")),
                                    tr("&Open Dataset…"), m_dataPage, [this] {
                                        showPage(m_dataPage);
                                        m_dataPage->chooseFile();
                                    });
    open->setObjectName(QStringLiteral("openAction"));
    open->setShortcut(QKeySequence::Open);
    QAction* testSet = file->addAction(tr("Open &Test Set for Predictions…"), this, [this] {
        showPage(m_predictionsPage);
        m_predictionsPage->chooseAndPredict();
    });
    testSet->setObjectName(QStringLiteral("openTestSetAction"));
    testSet->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(QStringLiteral("recentMenu"));
    const QString sample = QString::fromStdString(sampleDataPath("train.json"));
    if (QFileInfo::exists(sample)) {
        file->addAction(tr("Open the &Sample Dataset"), this,
                        [this, sample] { openDataset(sample); });
    }
    file->addSeparator();
    QAction* exportAll = file->addAction(tr("&Export Predictions…"), this, [this] {
        showPage(m_predictionsPage);
        m_predictionsPage->chooseAndExport(false);
    });
    exportAll->setObjectName(QStringLiteral("exportPredictionsAction"));
    exportAll->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addAction(tr("Export &Shown Predictions…"), this, [this] {
        showPage(m_predictionsPage);
        m_predictionsPage->chooseAndExport(true);
    });
    file->addSeparator();
    QAction* quit = file->addAction(QIcon::fromTheme(QStringLiteral("application-exit")),
                                    tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    rebuildRecentMenu();

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* sidebar = view->addAction(tr("Show &Sidebar"));
    sidebar->setObjectName(QStringLiteral("sidebarAction"));
    sidebar->setCheckable(true);
    sidebar->setChecked(settings::kSidebarVisible.get(true));
    connect(sidebar, &QAction::toggled, m_sidebar, &QWidget::setVisible);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* about = help->addAction(tr("&About IssueBERT"), this, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::rebuildRecentMenu() {
    m_recentMenu->clear();
    const QStringList files = settings::recentFiles();
    const QFontMetrics metrics(m_recentMenu->font());
    for (int i = 0; i < files.size(); ++i) {
        const QString& path = files[i];
        const QString shown = metrics.elidedText(QDir::toNativeSeparators(path), Qt::ElideMiddle,
                                                 metrics.horizontalAdvance(QLatin1Char('x')) * 70);
        // "&&" keeps an ampersand in a file name from becoming a mnemonic.
        QString escaped = shown;
        escaped.replace(QLatin1Char('&'), QStringLiteral("&&"));
        const QString text = QStringLiteral("&%1  %2").arg(i + 1).arg(escaped);
        QAction* action = m_recentMenu->addAction(text, this, [this, path] { openDataset(path); });
        action->setData(path);
        action->setStatusTip(path);
    }
    if (files.isEmpty()) {
        m_recentMenu->addAction(tr("No recent datasets"))->setEnabled(false);
    }
    m_recentMenu->addSeparator();
    QAction* clear = m_recentMenu->addAction(tr("&Clear Menu"), this, [this] {
        settings::clearRecentFiles();
        rebuildRecentMenu();
    });
    clear->setObjectName(QStringLiteral("clearRecentAction"));
    clear->setEnabled(!files.isEmpty());
}

void MainWindow::connectModelPages() {
    // A finished run's best model is what the other pages use next.
    connect(m_trainPage, &TrainPage::trainingFinished, this,
            [this](const QString& best, const FinishedEvent& event) {
                const bool completed = event.outcome == RunOutcome::Finished ||
                                       event.outcome == RunOutcome::EarlyStopped;
                if (completed && !best.isEmpty()) {
                    useModel(best);
                }
            });
    // Labelled results make the threshold figures; predicted issues feed labelling.
    connect(m_evaluatePage, &EvaluatePage::evaluated, m_predictionsPage,
            &PredictionsPage::setReferenceResult);
    connect(m_predictionsPage, &PredictionsPage::predicted, m_classifyPage, &ClassifyPage::setPool);
    connect(m_classifyPage, &ClassifyPage::retrainRequested, this, [this](const QString& path) {
        openDataset(path);
        showPage(m_trainPage);
    });
}

void MainWindow::useModel(const QString& dir) {
    m_models->setModel(dir); // every model page follows
}

void MainWindow::createTrainingMenu() {
    auto* training = new QMenu(tr("&Training"), this);
    // After File, before View.
    menuBar()->insertMenu(menuBar()->actions().value(1), training);
    QAction* start = training->addAction(QIcon::fromTheme(QStringLiteral("media-playback-start")),
                                         tr("&Start Training"), this, [this] {
                                             showPage(m_trainPage);
                                             m_trainPage->startTraining();
                                         });
    start->setObjectName(QStringLiteral("startTrainingAction"));
    start->setShortcut(QKeySequence(Qt::Key_F5));
    QAction* stop =
        training->addAction(QIcon::fromTheme(QStringLiteral("media-playback-stop")),
                            tr("S&top Training"), m_trainPage, &TrainPage::stopTraining);
    stop->setObjectName(QStringLiteral("stopTrainingAction"));
    stop->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));
    stop->setEnabled(false);
    QAction* resume = training->addAction(tr("&Resume a Run…"), this, [this] {
        showPage(m_trainPage);
        m_trainPage->chooseAndResume();
    });
    resume->setObjectName(QStringLiteral("resumeTrainingAction"));
    QAction* openRun = training->addAction(tr("&Open a Run…"), this, [this] {
        showPage(m_trainPage);
        m_trainPage->chooseAndShowRun();
    });
    openRun->setObjectName(QStringLiteral("openRunAction"));
    training->addSeparator();
    QAction* crossValidate = training->addAction(tr("&Cross-validate…"), this, [this] {
        showPage(m_trainPage);
        m_trainPage->crossValidate();
    });
    crossValidate->setObjectName(QStringLiteral("crossValidateAction"));
    crossValidate->setShortcut(QKeySequence(Qt::Key_F6));
    connect(m_trainPage, &TrainPage::runningChanged, this,
            [start, stop, resume, openRun, crossValidate](bool running) {
                start->setEnabled(!running);
                stop->setEnabled(running);
                resume->setEnabled(!running);
                openRun->setEnabled(!running);
                crossValidate->setEnabled(!running);
            });
}

void MainWindow::onDatasetLoaded(const QString& path) {
    if (const auto result = m_dataPage->result()) {
        // Shares the loaded dataset; nothing is copied.
        const std::shared_ptr<const Dataset> dataset(result, &result->dataset);
        m_trainPage->setDataset(dataset, m_dataPage->tokenLengths());
        m_evaluatePage->setOpenDataset(dataset);
    }
    settings::addRecentFile(path);
    rebuildRecentMenu();
    setWindowTitle(tr("%1 — IssueBERT").arg(QFileInfo(path).fileName()));
}

QString MainWindow::aboutText() {
    return tr("<h3>IssueBERT %1</h3>"
              "<p>Fine-tunes BERT models to sort issue reports into bug, feature and question, "
              "or any labels of your own.</p>"
              "<p>LibTorch %2 · Qt %3<br>Device: %4</p>")
        .arg(QString::fromLatin1(kVersion), QString::fromStdString(torchVersion()),
             QString::fromLatin1(qVersion()),
             QString::fromStdString(deviceDescription()).toHtmlEscaped());
}

void MainWindow::showAbout() {
    auto* box = new QMessageBox(this);
    box->setObjectName(QStringLiteral("aboutBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setIconPixmap(appIcon().pixmap(64, 64));
    box->setWindowTitle(tr("About IssueBERT"));
    box->setText(aboutText());
    box->open();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    settings::kWindowGeometry.set(saveGeometry());
    settings::kWindowState.set(saveState());
    settings::kSidebarVisible.set(!m_sidebar->isHidden());
    m_dataPage->saveSettings();
    m_trainPage->saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (!droppedFile(event->mimeData()).isEmpty()) {
        event->acceptProposedAction();
    }
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QString path = droppedFile(event->mimeData());
    if (!path.isEmpty()) {
        event->acceptProposedAction();
        openDataset(path);
    }
}

} // namespace issuebert
