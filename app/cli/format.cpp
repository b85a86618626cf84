// Number and list formatting for the CLI (see format.h).
#include "app/cli/format.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace issuebert::cli {

std::string grouped(long long n) {
    const std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out.push_back(',');
        }
        out.push_back(digits[i]);
    }
    return out;
}

std::string fixed(double value, int decimals) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(decimals) << value;
    return out.str();
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& name : names) {
        out += (out.empty() ? "" : ", ") + name;
    }
    return out;
}

std::size_t columnWidth(const std::vector<std::string>& names, std::size_t minimum) {
    std::size_t width = minimum;
    for (const std::string& name : names) {
        width = std::max(width, name.size());
    }
    return width;
}

} // namespace issuebert::cli
