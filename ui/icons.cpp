// Resource icons with a PNG fallback for systems without Qt's SVG plugin.
#include "ui/icons.h"

#include <QImageReader>

// The .qrc is compiled into the static ui library, where the linker drops its
// registration unless something refers to it; Q_INIT_RESOURCE is that reference
// and must be called outside any namespace.
static void registerResources() {
    Q_INIT_RESOURCE(issuebert);
}

namespace issuebert {

void initResources() {
    static const bool once = (registerResources(), true);
    Q_UNUSED(once);
}

namespace {

QIcon resourceIcon(const QString& svg, const QString& png) {
    initResources();
    QIcon icon;
    if (QImageReader::supportedImageFormats().contains("svg")) {
        icon.addFile(svg);
    }
    icon.addFile(png);
    return icon;
}

} // namespace

QIcon appIcon() {
    return resourceIcon(QStringLiteral(":/icons/issuebert.svg"),
                        QStringLiteral(":/icons/issuebert-128.png"));
}

QIcon pageIcon(const QString& name, const QString& themeName) {
    const QString base = QStringLiteral(":/icons/") + name;
    return QIcon::fromTheme(
        themeName, resourceIcon(base + QStringLiteral(".svg"), base + QStringLiteral(".png")));
}

} // namespace issuebert
