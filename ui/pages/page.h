// What every page of the main window shares: how it reports. An error is
// shown by the window in a dialog titled with the page's errorTitle(); a
// status message goes to the status bar for a few seconds. MainWindow::addPage
// connects both, so a page only emits.
#pragma once

#include <QString>
#include <QWidget>

namespace issuebert {

class Page : public QWidget {
    Q_OBJECT

public:
    // errorTitle: the error dialog's title ("Training", "Could not open the dataset").
    Page(const QString& errorTitle, QWidget* parent);

    const QString& errorTitle() const { return m_errorTitle; }

Q_SIGNALS:
    void errorOccurred(const QString& message);
    void statusMessage(const QString& message);

private:
    QString m_errorTitle;
};

} // namespace issuebert
