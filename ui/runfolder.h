// Where a new job writes: a folder per run in the runs folder, named by time.
#pragma once

#include <QString>

namespace issuebert {

// runsFolder/<yyyyMMdd-HHmmss>-<name>, or …-<name>-2, -3, … when taken. Not created.
QString newRunFolder(const QString& runsFolder, const QString& name);

} // namespace issuebert
