// QSettings keys and the recent-files list, so every page reads and writes the
// same names (organization "IssueBERT", application "IssueBERT").
#pragma once

#include <QSettings>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace issuebert::settings {

// One setting: its key and its value's type, read with a fallback and written
// at once, when it changes (never saved later in a destructor). Every key is
// spelled in this file only.
template <class T>
class Setting {
public:
    constexpr explicit Setting(const char* key) : m_key(key) {}
    T get(const T& fallback = T()) const {
        return QSettings()
            .value(QLatin1String(m_key), QVariant::fromValue(fallback))
            .template value<T>();
    }
    void set(const T& value) const {
        QSettings().setValue(QLatin1String(m_key), QVariant::fromValue(value));
    }
    bool isSet() const { return QSettings().contains(QLatin1String(m_key)); }
    const char* key() const { return m_key; }

private:
    const char* m_key;
};

// The current model (ModelService), which every model page follows.
inline constexpr Setting<QString> kCurrentModel{"models/current"};
// Where each model page kept its own model before there was one current model;
// read once when models/current is not set yet.
inline constexpr Setting<QString> kLegacyPageModels[] = {Setting<QString>{"classify/model"},
                                                         Setting<QString>{"predictions/model"},
                                                         Setting<QString>{"evaluate/model"}};

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
