// Number and list formatting shared by what the CLI's commands print.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace issuebert::cli {

// 150000 -> "150,000" (counts are never negative).
std::string grouped(long long n);

// 0.81234 with 2 decimals -> "0.81".
std::string fixed(double value, int decimals);

// {"bug", "feature"} -> "bug, feature".
std::string joined(const std::vector<std::string>& names);

// The width of a column holding names: the longest name, at least minimum.
std::size_t columnWidth(const std::vector<std::string>& names, std::size_t minimum);

} // namespace issuebert::cli
