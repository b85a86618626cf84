// The current fine-tuned model, kept loaded on its own thread: the main
// window owns one and hands it to the Evaluate, Predictions and Classify pages,
// so a model is loaded once and every page follows it (modelChanged). It
// serves the interactive pages: class probabilities of one issue as the user
// types (only the newest request is computed; older ones waiting are dropped)
// and token attributions (why this label). The GUI thread never runs the model.
#pragma once

#include "core/data/issue.h"
#include "core/eval/predictor.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QThread>
#include <QVector>

#include <memory>
#include <mutex>
#include <optional>

namespace issuebert {

class ModelService : public QObject {
    Q_OBJECT

public:
    explicit ModelService(QObject* parent = nullptr);
    // Waits for the request in progress, then stops the thread.
    ~ModelService() override;

    // Makes dir the current model (modelChanged at once, remembered for the
    // next start) and loads it on the service thread: modelLoaded or modelFailed.
    void setModel(const QString& dir);
    // The model of last time, if there is none yet and that folder still holds one.
    void restoreSaved();
    QString modelDir() const { return m_dir; }
    bool isLoaded() const { return !m_labels.isEmpty(); }
    QStringList labels() const { return m_labels; }

    // Probabilities of issue; id comes back with them. A request still waiting
    // when a newer one arrives is dropped (typing outruns the model).
    void requestProbabilities(quint64 id, const Issue& issue);
    // Token attributions for issue and class cls (-1: the predicted class).
    void requestExplanation(quint64 id, const Issue& issue, int cls = -1);

Q_SIGNALS:
    void modelChanged(const QString& dir);
    void modelLoaded(const QString& dir, const QStringList& labels);
    void modelFailed(const QString& dir, const QString& message);
    void probabilitiesReady(quint64 id, const QVector<float>& probabilities);
    void explanationReady(quint64 id, const issuebert::Attribution& attribution);
    void requestFailed(quint64 id, const QString& message);

private:
    struct Pending {
        quint64 id = 0;
        Issue issue;
    };
    void classifyNewest();

    QThread m_thread;
    QObject* m_context; // lives in m_thread: queued calls run there
    QString m_dir;
    QStringList m_labels;
    // Used on the service thread only.
    std::unique_ptr<Predictor> m_predictor;
    std::mutex m_mutex; // guards m_pending
    std::optional<Pending> m_pending;
};

} // namespace issuebert
