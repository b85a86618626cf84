// Recent files and last directory kept in QSettings.
#include "ui/settings.h"

#include <QFileInfo>
#include <QStandardPaths>

namespace issuebert::settings {

QStringList recentFiles() {
    QStringList files = kRecentFiles.get();
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
    kRecentFiles.set(files);
}

void clearRecentFiles() {
    kRecentFiles.remove();
}

QString lastDirectory() {
    const QString stored = kLastDirectory.get();
    if (!stored.isEmpty() && QFileInfo(stored).isDir()) {
        return stored;
    }
    return QStandardPaths::writableLocation(QStandardPaths::HomeLocation);
}

void setLastDirectory(const QString& directory) {
    kLastDirectory.set(directory);
}

} // namespace issuebert::settings
