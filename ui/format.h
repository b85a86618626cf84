// Numbers as the window shows them, the same on every page.
#pragma once

#include <QString>

namespace issuebert {

// "45 s", "3 min 20 s", "2 h 05 min"; "–" for a negative or unknown time.
QString durationText(double seconds);

} // namespace issuebert
