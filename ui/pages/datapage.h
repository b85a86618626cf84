// The Data page: open a dataset, map its columns, see its summary, class
// counts, token lengths against the max length, and browse its issues.
#pragma once

#include "core/data/loader.h"
#include "core/text/issue_cleanup.h"
#include "ui/pages/page.h"
#include "ui/workers/jobrunner.h"

#include <QStringList>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QThread;

namespace issuebert {

class ClassCountChart;
class DatasetPreview;
class FieldMappingDialog;
class LengthHistogram;
class SummaryPanel;
struct DatasetLoadResult;

class DataPage : public Page {
    Q_OBJECT

public:
    // Runs the mapping dialog and returns QDialog::Accepted or Rejected;
    // tests replace exec() with a hook that fills in the dialog.
    using MappingHook = std::function<int(FieldMappingDialog&)>;

    explicit DataPage(QWidget* parent = nullptr);
    ~DataPage() override;

    // Shows an Open dialog, then opens the chosen file.
    void chooseFile();
    // Inspects path, asks for a mapping when detection is unsure, then loads
    // it in the background. The page keeps its dataset until the new one is in.
    void openFile(const QString& path);
    // Reloads the current file with a mapping and label renames from the dialog.
    void remapColumns();
    void cancelLoading();
    bool isLoading() const { return m_load.has_value(); }

    // The model folder whose tokenizer counts tokens; defaultModelDir() unless set.
    void setModelDir(const QString& dir);
    void setMappingHook(MappingHook hook);

    // The Train page's clean-up steps: the issue pane shows the text cleaned,
    // and the token counts (histogram, token column, summary) are counted
    // again in the background for the text as the model will see it.
    void setCleanup(TextCleanup cleanup);
    // Token counts of the loaded issues after tokenCleanup(); empty without a tokenizer.
    const std::vector<int>& tokenLengths() const { return m_tokenLengths; }
    TextCleanup tokenCleanup() const { return m_tokenCleanup; }
    bool isCountingTokens() const { return m_counting.has_value(); }

    int maxLength() const;
    // Splitter positions into QSettings (the max length is saved as it changes).
    void saveSettings() const;

    std::shared_ptr<const DatasetLoadResult> result() const { return m_result; }
    QString currentPath() const;
    QString phaseText() const;
    QString formatText() const;

    DatasetPreview* preview() const { return m_preview; }
    SummaryPanel* summary() const { return m_summary; }
    ClassCountChart* classChart() const { return m_classes; }
    LengthHistogram* histogram() const { return m_lengths; }
    QPushButton* cancelButton() const { return m_cancel; }
    QPushButton* mapButton() const { return m_map; }

Q_SIGNALS:
    void datasetLoaded(const QString& path);
    // A load failed; the message names the file and the record or line.
    void loadingChanged(bool loading);
    void maxLengthChanged(int length);
    // tokenLengths() was counted again for another clean-up.
    void tokenLengthsChanged();

private:
    // The load in progress: its file and the fields found in it.
    struct Load {
        QString path;
        FieldDetection detection;
    };

    QWidget* buildHeader();
    QWidget* buildEmptyState();
    QWidget* buildContent();
    void restoreSettings();
    void applyDefaultSizes();
    void startLoad(const QString& path, const LoadOptions& options, FieldDetection detection);
    // percent of total, or a busy indicator while total is 0.
    void showProgress(qint64 done, qint64 total, const QString& phase);
    void onLoaded(std::shared_ptr<const DatasetLoadResult> result);
    void onFailed(const QString& message);
    void onCounted(const std::vector<int>& lengths);
    void onCountFailed(const QString& message);
    void finishJob();
    void showResult();
    void showTokenLengths();
    // Counts tokens again when the clean-up differs from the counts' own.
    void recountIfStale();
    void cancelCount();

    QPushButton* m_open = nullptr;
    QPushButton* m_map = nullptr;
    QLabel* m_fileLabel = nullptr;
    QLabel* m_dirLabel = nullptr;
    QLabel* m_formatLabel = nullptr;
    QWidget* m_progressRow = nullptr;
    QLabel* m_phaseLabel = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancel = nullptr;
    QStackedWidget* m_stack = nullptr;
    QWidget* m_emptyState = nullptr;
    QWidget* m_content = nullptr;
    QSplitter* m_mainSplitter = nullptr;
    QSplitter* m_chartSplitter = nullptr;
    SummaryPanel* m_summary = nullptr;
    ClassCountChart* m_classes = nullptr;
    LengthHistogram* m_lengths = nullptr;
    DatasetPreview* m_preview = nullptr;

    QString m_modelDir;
    MappingHook m_mappingHook;
    std::shared_ptr<const DatasetLoadResult> m_result;
    FieldDetection m_detection; // of the file m_result came from
    QStringList m_rawLabels;    // its label names before any renaming
    std::optional<Load> m_load; // the load in progress
    TextCleanup m_cleanup;      // the Train page's
    std::vector<int> m_tokenLengths;
    TextCleanup m_tokenCleanup;            // what m_tokenLengths counted
    std::optional<TextCleanup> m_counting; // the clean-up a recount in progress counts for
    bool m_defaultSizesPending = false;    // no saved splitter sizes yet
    // Loads and recounts: a newer one drops the older one's answer; they
    // cancel and wait for their threads when the page goes.
    JobRunner* m_loads;
    JobRunner* m_counts;
};

} // namespace issuebert
