// The main window: a page sidebar beside a stack of pages (Data, Train, …),
// the File, Training, View and Help menus, dataset drag and drop, the device in the status bar.
#pragma once

#include <QMainWindow>

class QActionGroup;
class QLabel;
class QListWidget;
class QMenu;
class QMessageBox;
class QStackedWidget;

namespace issuebert {

class ClassifyPage;
class DataPage;
class EvaluatePage;
class ModelService;
class PredictionsPage;
class TrainPage;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Adds a page to the sidebar and the stack; returns its index. The one
    // call a new page needs.
    // A Page's errors and status messages are connected to the window's dialog and status bar.
    int addPage(QWidget* page, const QString& title, const QIcon& icon);
    void showPage(QWidget* page);
    // Opens path on the Data page (the Open action, Open Recent, drops, argv).
    void openDataset(const QString& path);

    DataPage* dataPage() const { return m_dataPage; }
    TrainPage* trainPage() const { return m_trainPage; }
    EvaluatePage* evaluatePage() const { return m_evaluatePage; }
    PredictionsPage* predictionsPage() const { return m_predictionsPage; }
    ClassifyPage* classifyPage() const { return m_classifyPage; }
    // Every page that runs a fine-tuned model uses dir from now on.
    void useModel(const QString& dir);
    QListWidget* sidebar() const { return m_sidebar; }
    QStackedWidget* pages() const { return m_pages; }
    QMenu* recentMenu() const { return m_recentMenu; }

    // A non-blocking critical message box (deleted on close) with message as
    // its text; returned so tests can read and close it.
    QMessageBox* showError(const QString& title, const QString& message);
    // The About box's text: version, LibTorch and Qt versions, device.
    static QString aboutText();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createMenus();
    void rebuildRecentMenu();
    void showAbout();
    void onDatasetLoaded(const QString& path);
    void createTrainingMenu();
    void connectModelPages();

    QListWidget* m_sidebar;
    QStackedWidget* m_pages;
    // The current model, shared by the Evaluate, Predictions and Classify pages.
    ModelService* m_models;
    DataPage* m_dataPage;
    TrainPage* m_trainPage;
    EvaluatePage* m_evaluatePage;
    PredictionsPage* m_predictionsPage;
    ClassifyPage* m_classifyPage;
    QMenu* m_recentMenu = nullptr;
    QLabel* m_deviceLabel;
};

} // namespace issuebert
