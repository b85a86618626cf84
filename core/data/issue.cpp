// Issue text as the models see it.
#include "core/data/issue.h"

#include "core/data/record.h"

namespace issuebert {

std::string Issue::text() const {
    // The tutorial joins title and body with one space and strips the ends.
    std::string joined;
    joined.reserve(title.size() + body.size() + 1);
    joined += title;
    joined += ' ';
    joined += body;
    return data::trimAscii(joined);
}

} // namespace issuebert
