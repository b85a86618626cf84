// QSettings keys and the recent-files list, so every page reads and writes the
// same names (organization "IssueBERT", application "IssueBERT").
#pragma once

#include <QString>
#include <QStringList>

namespace issuebert::settings {

// Main window geometry and toolbar/dock state.
inline constexpr const char* kWindowGeometry = "window/geometry";
inline constexpr const char* kWindowState = "window/state";
// Whether the page sidebar is shown.
inline constexpr const char* kSidebarVisible = "window/sidebarVisible";
// Folder the last Open dialog was in.
inline constexpr const char* kLastDirectory = "files/lastDirectory";
// Most recent first.
inline constexpr const char* kRecentFiles = "files/recent";
// The Data page's max length and splitter positions.
inline constexpr const char* kDataMaxLength = "data/maxLength";
inline constexpr const char* kDataMainSplitter = "data/mainSplitter";
inline constexpr const char* kDataChartSplitter = "data/chartSplitter";

// How many recent files File → Open Recent lists.
inline constexpr int kMaxRecentFiles = 8;

QStringList recentFiles();
// Moves path to the front (absolute), dropping duplicates and the oldest past the limit.
void addRecentFile(const QString& path);
void clearRecentFiles();

QString lastDirectory();
void setLastDirectory(const QString& directory);

} // namespace issuebert::settings
