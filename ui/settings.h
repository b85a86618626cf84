// QSettings keys and the recent-files list, so every page reads and writes the
// same names (organization "IssueBERT", application "IssueBERT").
#pragma once

#include <QByteArray>
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
    void remove() const { QSettings().remove(QLatin1String(m_key)); }
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

// Main window geometry and toolbar/dock state, and whether the page sidebar
// is shown: saved when the window closes, as Qt's geometry is.
inline constexpr Setting<QByteArray> kWindowGeometry{"window/geometry"};
inline constexpr Setting<QByteArray> kWindowState{"window/state"};
inline constexpr Setting<bool> kSidebarVisible{"window/sidebarVisible"};
// Folder the last Open dialog was in.
inline constexpr Setting<QString> kLastDirectory{"files/lastDirectory"};
// Most recent first.
inline constexpr Setting<QStringList> kRecentFiles{"files/recent"};
// The Data page's max length and splitter positions.
inline constexpr Setting<int> kDataMaxLength{"data/maxLength"};
inline constexpr Setting<QByteArray> kDataMainSplitter{"data/mainSplitter"};
inline constexpr Setting<QByteArray> kDataChartSplitter{"data/chartSplitter"};
// The Train page: its runs folder, splitter, the last run (for Resume), the
// whole form as config.json's JSON, the validation file, the pretrained
// model chosen and the model folders chosen before (most recent first).
inline constexpr Setting<QString> kRunsFolder{"train/runsFolder"};
inline constexpr Setting<QByteArray> kTrainSplitter{"train/splitter"};
inline constexpr Setting<QString> kLastRun{"train/lastRun"};
inline constexpr Setting<QString> kTrainOptions{"train/options"};
inline constexpr Setting<QString> kValidationFile{"train/validationFile"};
inline constexpr Setting<QString> kPretrainedModel{"train/model"};
inline constexpr Setting<QStringList> kRecentModels{"train/recentModels"};
// Train → Cross-validate's folds, repeats and issues per class (0: all).
inline constexpr Setting<int> kFolds{"crossValidation/folds"};
inline constexpr Setting<int> kRepeats{"crossValidation/repeats"};
inline constexpr Setting<int> kPerClass{"crossValidation/perClass"};
// The Evaluate page's last file.
inline constexpr Setting<QString> kEvaluateFile{"evaluate/file"};
// The Predictions page: the folders last predicted from and exported to, the
// confidence threshold (percent).
inline constexpr Setting<QString> kPredictDataDir{"predictions/dataDir"};
inline constexpr Setting<QString> kExportDir{"predictions/exportDir"};
inline constexpr Setting<int> kThreshold{"predictions/threshold"};
// The labelled file Classify → Add to Dataset writes to, and how Next Most
// Uncertain orders the issues (0 margin, 1 entropy).
inline constexpr Setting<QString> kLabelTarget{"classify/targetFile"};
inline constexpr Setting<int> kUncertaintyMeasure{"classify/uncertainty"};

// How many recent files File → Open Recent lists.
inline constexpr int kMaxRecentFiles = 8;

QStringList recentFiles();
// Moves path to the front (absolute), dropping duplicates and the oldest past the limit.
void addRecentFile(const QString& path);
void clearRecentFiles();

QString lastDirectory();
void setLastDirectory(const QString& directory);

} // namespace issuebert::settings
