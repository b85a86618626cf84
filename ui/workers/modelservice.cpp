// The model service: a Predictor on a long-lived thread, fed by queued calls.
#include "ui/workers/modelservice.h"

#include "core/runtime.h"
#include "ui/settings.h"

#include <QFileInfo>
#include <QMetaObject>
#include <QMetaType>

#include <exception>

namespace issuebert {

ModelService::ModelService(QObject* parent) : QObject(parent), m_context(new QObject) {
    qRegisterMetaType<QVector<float>>();
    qRegisterMetaType<issuebert::Attribution>();
    m_thread.setObjectName(QStringLiteral("ModelService"));
    m_context->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
}

void ModelService::restoreSaved() {
    QString saved = settings::kCurrentModel.get();
    for (const auto& legacy : settings::kLegacyPageModels) {
        saved = saved.isEmpty() ? legacy.get() : saved;
    }
    if (m_dir.isEmpty() && QFileInfo::exists(saved + QStringLiteral("/config.json"))) {
        setModel(saved);
    }
}

ModelService::~ModelService() {
    {
        const std::lock_guard lock(m_mutex);
        m_pending.reset();
    }
    // The thread finishes the call in progress, then stops; the predictor is
    // freed with this object (no thread owns it).
    m_thread.quit();
    m_thread.wait();
}

void ModelService::setModel(const QString& dir) {
    m_dir = dir;
    m_labels.clear();
    settings::kCurrentModel.set(dir);
    Q_EMIT modelChanged(dir);
    QMetaObject::invokeMethod(
        m_context,
        [this, dir] {
            try {
                auto predictor = std::make_unique<Predictor>(dir.toStdString());
                QStringList labels;
                for (const auto& name : predictor->labels()) {
                    labels << QString::fromStdString(name);
                }
                m_predictor = std::move(predictor);
                QMetaObject::invokeMethod(this, [this, dir, labels] {
                    if (dir == m_dir) {
                        m_labels = labels;
                        Q_EMIT modelLoaded(dir, labels);
                    }
                });
            } catch (const std::exception& error) {
                m_predictor.reset();
                const QString message = QString::fromStdString(error.what());
                QMetaObject::invokeMethod(this, [this, dir, message] {
                    if (dir == m_dir) { // not a folder the user has since replaced
                        Q_EMIT modelFailed(dir, message);
                    }
                });
            }
        },
        Qt::QueuedConnection);
}

void ModelService::requestProbabilities(quint64 id, const Issue& issue) {
    {
        const std::lock_guard lock(m_mutex);
        m_pending = Pending{id, issue};
    }
    QMetaObject::invokeMethod(
        m_context, [this] { classifyNewest(); }, Qt::QueuedConnection);
}

void ModelService::classifyNewest() {
    std::optional<Pending> job;
    {
        const std::lock_guard lock(m_mutex);
        job.swap(m_pending);
    }
    if (!job) {
        return; // a later call already took it
    }
    if (!m_predictor) {
        Q_EMIT requestFailed(job->id, tr("No model is loaded."));
        return;
    }
    try {
        const std::vector<float> probabilities = m_predictor->probabilities(job->issue);
        Q_EMIT probabilitiesReady(job->id,
                                  QVector<float>(probabilities.begin(), probabilities.end()));
    } catch (const std::exception& error) {
        Q_EMIT requestFailed(job->id, QString::fromStdString(error.what()));
    }
}

void ModelService::requestExplanation(quint64 id, const Issue& issue, int cls) {
    QMetaObject::invokeMethod(
        m_context,
        [this, id, issue, cls] {
            if (!m_predictor) {
                Q_EMIT requestFailed(id, tr("No model is loaded."));
                return;
            }
            try {
                Q_EMIT explanationReady(id, m_predictor->explain(issue, cls));
            } catch (const std::exception& error) {
                Q_EMIT requestFailed(id, QString::fromStdString(error.what()));
            }
        },
        Qt::QueuedConnection);
}

} // namespace issuebert
