// Numbers as the window shows them (see format.h).
#include "ui/format.h"

#include <QObject>

#include <cmath>

namespace issuebert {

QString durationText(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) {
        return QStringLiteral("–");
    }
    const auto total = static_cast<long long>(std::llround(seconds));
    if (total < 60) {
        return QObject::tr("%1 s").arg(total);
    }
    if (total < 3600) {
        return QObject::tr("%1 min %2 s").arg(total / 60).arg(total % 60, 2, 10, QLatin1Char('0'));
    }
    return QObject::tr("%1 h %2 min")
        .arg(total / 3600)
        .arg((total % 3600) / 60, 2, 10, QLatin1Char('0'));
}

} // namespace issuebert
