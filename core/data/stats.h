// Dataset statistics: what the Data page and `issuebert-cli data stats` show.
#pragma once

#include "core/data/dataset.h"

#include <string>
#include <utility>
#include <vector>

namespace issuebert {

struct DatasetStats {
    long long rows = 0;
    long long labelled = 0;
    long long unlabelled = 0;
    std::vector<std::pair<std::string, long long>> labelCounts; // in label-set order
    long long emptyTexts = 0;
    long long duplicateTexts = 0; // rows whose text appeared in an earlier row
    // Character (code point) length of text() at these percentiles.
    std::vector<std::pair<int, long long>> lengthPercentiles; // {50, n}, {90, n}, ...
    long long invalidUtf8 = 0;
    long long nulBytes = 0;
};

// Percentiles reported: 5, 25, 50, 75, 90, 95, 99, 100.
DatasetStats computeStats(const Dataset& dataset);

// Nearest-rank percentile p (0..100) of sorted values; 0 for none.
long long percentile(const std::vector<long long>& sorted, int p);

} // namespace issuebert
