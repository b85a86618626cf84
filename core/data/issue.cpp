// Issue text as the models see it.
#include "core/data/issue.h"

namespace issuebert {

std::string Issue::text() const {
    // The tutorial joins title and body with one space and strips the ends.
    const char* const space = " \t\r\n\f\v";
    std::string joined;
    joined.reserve(title.size() + body.size() + 1);
    joined += title;
    joined += ' ';
    joined += body;
    const std::size_t first = joined.find_first_not_of(space);
    if (first == std::string::npos) {
        return {};
    }
    const std::size_t last = joined.find_last_not_of(space);
    return joined.substr(first, last - first + 1);
}

} // namespace issuebert
