// Dataset descriptions for the Data page's header and histogram.
#include "ui/pages/datasetdescription.h"

#include "core/io/paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QStringList>

namespace issuebert {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("DataPage", text);
}

} // namespace

QString formatTitle(DataFormat format) {
    switch (format) {
    case DataFormat::JsonArray:
        return tr("JSON array");
    case DataFormat::JsonLines:
        return tr("JSON Lines");
    case DataFormat::Csv:
        return tr("CSV");
    case DataFormat::FastText:
        return tr("fastText");
    default:
        return tr("unknown format");
    }
}

QString describeDataset(const Dataset& dataset) {
    QStringList roles;
    const auto role = [&roles](const QString& name, const std::string& field) {
        if (!field.empty()) {
            roles << QStringLiteral("%1 ← “%2”").arg(name, QString::fromStdString(field));
        }
    };
    role(tr("id"), dataset.idField);
    role(tr("title"), dataset.titleField);
    role(tr("body"), dataset.bodyField);
    role(tr("text"), dataset.textField);
    role(tr("label"), dataset.labelField);
    QStringList labels;
    for (const std::string& name : dataset.labels.names()) {
        labels << QString::fromStdString(name);
    }
    QStringList parts{formatTitle(dataset.format)};
    if (!roles.isEmpty()) {
        parts << roles.join(QStringLiteral(", "));
    }
    parts << (labels.isEmpty() ? tr("no labels")
                               : tr("labels: %1").arg(labels.join(QStringLiteral(", "))));
    return parts.join(QStringLiteral("  ·  "));
}

QString tokenMessage(const QString& modelDir, const QString& note) {
    if (!note.isEmpty() && isModelDir(modelDir.toStdString())) {
        return tr("Token lengths are unavailable: %1").arg(note);
    }
    return tr("Token lengths need the tokenizer of the default model (all-MiniLM-L6-v2), "
              "which is not installed in\n%1\n\nFetch it once with\n    scripts/fetch-model.sh\n"
              "and open the dataset again.")
        .arg(QDir::toNativeSeparators(modelDir));
}

} // namespace issuebert
