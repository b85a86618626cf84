// Dataset statistics: counts, duplicates by text hash, length percentiles.
#include "core/data/stats.h"

#include "core/text/utf8.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string_view>
#include <unordered_map>

namespace issuebert {

namespace {

// The percentiles the Data page and the CLI report.
constexpr int kPercentiles[] = {5, 25, 50, 75, 90, 95, 99, 100};

} // namespace

long long percentile(const std::vector<long long>& sorted, int p) {
    if (sorted.empty()) {
        return 0;
    }
    // Nearest rank: the smallest value with at least p% of the values at or below it.
    const auto n = static_cast<long long>(sorted.size());
    long long rank = (static_cast<long long>(p) * n + 99) / 100;
    rank = std::clamp(rank, 1LL, n);
    return sorted[static_cast<std::size_t>(rank - 1)];
}

DatasetStats computeStats(const Dataset& dataset) {
    DatasetStats stats;
    stats.rows = static_cast<long long>(dataset.issues.size());
    std::vector<long long> counts(static_cast<std::size_t>(dataset.labels.size()), 0);
    std::vector<long long> lengths;
    lengths.reserve(dataset.issues.size());
    // Text hash -> index of the first issue with that hash. A hash match is
    // confirmed by comparing the texts, so a collision never counts as a duplicate.
    std::unordered_multimap<std::size_t, std::size_t> firstByHash;
    firstByHash.reserve(dataset.issues.size());
    const std::hash<std::string_view> hasher;
    for (std::size_t i = 0; i < dataset.issues.size(); ++i) {
        const Issue& issue = dataset.issues[i];
        if (issue.labelled() && issue.label < dataset.labels.size()) {
            ++stats.labelled;
            ++counts[static_cast<std::size_t>(issue.label)];
        }
        const std::string text = issue.text();
        if (text.empty()) {
            ++stats.emptyTexts;
        }
        lengths.push_back(static_cast<long long>(codepointCount(text)));
        const std::size_t hash = hasher(text);
        bool duplicate = false;
        const auto [begin, end] = firstByHash.equal_range(hash);
        for (auto it = begin; it != end && !duplicate; ++it) {
            duplicate = dataset.issues[it->second].text() == text;
        }
        if (duplicate) {
            ++stats.duplicateTexts;
        } else {
            firstByHash.emplace(hash, i);
        }
    }
    stats.unlabelled = stats.rows - stats.labelled;
    for (int label = 0; label < dataset.labels.size(); ++label) {
        stats.labelCounts.emplace_back(dataset.labels.name(label),
                                       counts[static_cast<std::size_t>(label)]);
    }
    std::sort(lengths.begin(), lengths.end());
    for (const int p : kPercentiles) {
        stats.lengthPercentiles.emplace_back(p, percentile(lengths, p));
    }
    stats.invalidUtf8 = dataset.report.invalidUtf8;
    stats.nulBytes = dataset.report.nulBytes;
    return stats;
}

} // namespace issuebert
