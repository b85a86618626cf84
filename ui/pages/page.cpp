// Page: the reporting every page of the main window shares.
#include "ui/pages/page.h"

namespace issuebert {

Page::Page(const QString& errorTitle, QWidget* parent)
    : QWidget(parent), m_errorTitle(errorTitle) {}

} // namespace issuebert
