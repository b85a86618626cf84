// Recent files and last directory kept in QSettings.
#include "ui/settings.h"

#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

namespace issuebert::settings {

QStringList recentFiles() {
    QStringList files = QSettings().value(QLatin1String(kRecentFiles)).toStringList();
    files.removeAll(QString());
    while (files.size() > kMaxRecentFiles) {
        files.removeLast();
    }
    return files;
}

void addRecentFile(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList files = recentFiles();
    files.removeAll(absolute);
    files.prepend(absolute);
    while (files.size() > kMaxRecentFiles) {
        files.removeLast();
    }
    QSettings().setValue(QLatin1String(kRecentFiles), files);
}

void clearRecentFiles() {
    QSettings().remove(QLatin1String(kRecentFiles));
}

QString lastDirectory() {
    const QString stored = QSettings().value(QLatin1String(kLastDirectory)).toString();
    if (!stored.isEmpty() && QFileInfo(stored).isDir()) {
        return stored;
    }
    return QStandardPaths::writableLocation(QStandardPaths::HomeLocation);
}

void setLastDirectory(const QString& directory) {
    QSettings().setValue(QLatin1String(kLastDirectory), directory);
}

} // namespace issuebert::settings
