// Icons from resources/issuebert.qrc: SVG when Qt's SVG plugin is installed,
// the bundled PNG otherwise, so icons never come out blank.
#pragma once

#include <QIcon>

namespace issuebert {

// Registers resources/issuebert.qrc (compiled into the static ui library);
// called by the icon functions, safe to call again.
void initResources();

// The application icon (window and About box).
QIcon appIcon();
// A page icon by base name (":/icons/NAME.svg" and ".png"), after the theme's themeName.
QIcon pageIcon(const QString& name, const QString& themeName);

} // namespace issuebert
