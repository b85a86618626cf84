// New run folders (see runfolder.h).
#include "ui/runfolder.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

namespace issuebert {

QString newRunFolder(const QString& runsFolder, const QString& name) {
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    const QDir runs(runsFolder);
    QString folder = runs.filePath(stamp + QLatin1Char('-') + name);
    for (int n = 2; QFileInfo::exists(folder); ++n) {
        folder = runs.filePath(stamp + QStringLiteral("-%1-%2").arg(name).arg(n));
    }
    return folder;
}

} // namespace issuebert
