// stratifiedSplit: a Fisher-Yates shuffle per class driven by mt19937_64, whose
// output the standard fixes; std::shuffle's use of it is left to each library.
#include "core/data/split.h"

#include "core/io/errors.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <sstream>

namespace issuebert {

namespace {

// Fisher-Yates with a plain modulo: the tiny bias is harmless for a split, and
// unlike std::uniform_int_distribution it draws the same numbers everywhere.
void shuffle(std::vector<std::size_t>& items, std::mt19937_64& gen) {
    for (std::size_t i = items.size(); i > 1; --i) {
        const auto j = static_cast<std::size_t>(gen() % i);
        std::swap(items[i - 1], items[j]);
    }
}

// How many of a class's members go to validation.
std::size_t validationCount(std::size_t members, double fraction) {
    if (members < 2 || fraction <= 0.0) {
        return 0;
    }
    auto count = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(members)));
    // At least one, so every class with two members is also validated; never
    // all, so every class is also trained on.
    return std::clamp<std::size_t>(count, 1, members - 1);
}

// Row indices by class, classes in order, so a generator's draws go to the
// classes in a fixed order. A negative label is an error naming the 1-based
// row and what needs the class (`purpose`).
std::map<int, std::vector<std::size_t>> classMembers(const std::vector<int>& labels,
                                                     const char* purpose) {
    std::map<int, std::vector<std::size_t>> members;
    for (std::size_t row = 0; row < labels.size(); ++row) {
        if (labels[row] < 0) {
            throw DataError("row " + std::to_string(row + 1) + ": no label; " + purpose +
                            " needs a class for every row");
        }
        members[labels[row]].push_back(row);
    }
    return members;
}

} // namespace

SplitIndices stratifiedSplit(const std::vector<int>& labels, double fraction, std::uint64_t seed) {
    // Written as a negation so that NaN is refused as well.
    if (!(fraction >= 0.0 && fraction < 1.0)) {
        std::ostringstream message;
        message << "validation fraction " << fraction << " is outside [0, 1)";
        throw DataError(message.str());
    }
    auto members = classMembers(labels, "a split");
    std::mt19937_64 gen(seed);
    SplitIndices split;
    split.train.reserve(labels.size());
    for (auto& [label, rows] : members) {
        shuffle(rows, gen);
        const std::size_t count = validationCount(rows.size(), fraction);
        const auto cut = rows.begin() + static_cast<std::ptrdiff_t>(count);
        split.validation.insert(split.validation.end(), rows.begin(), cut);
        split.train.insert(split.train.end(), cut, rows.end());
    }
    std::sort(split.train.begin(), split.train.end());
    std::sort(split.validation.begin(), split.validation.end());
    return split;
}

} // namespace issuebert

namespace issuebert {

std::vector<std::vector<std::size_t>> stratifiedFolds(const std::vector<int>& labels, int folds,
                                                      std::uint64_t seed) {
    if (folds < 2) {
        throw DataError("cross-validation needs at least 2 folds, not " + std::to_string(folds));
    }
    if (labels.size() < static_cast<std::size_t>(folds)) {
        throw DataError(std::to_string(labels.size()) + " labelled issues cannot fill " +
                        std::to_string(folds) + " folds");
    }
    auto members = classMembers(labels, "cross-validation");
    std::mt19937_64 gen(seed);
    std::vector<std::vector<std::size_t>> result(static_cast<std::size_t>(folds));
    std::size_t next = 0;
    for (auto& [label, rows] : members) {
        shuffle(rows, gen);
        for (const std::size_t row : rows) {
            result[next].push_back(row);
            next = (next + 1) % result.size();
        }
    }
    for (auto& fold : result) {
        std::sort(fold.begin(), fold.end());
    }
    return result;
}

} // namespace issuebert

namespace issuebert {

std::vector<std::size_t> stratifiedSample(const std::vector<int>& labels, int perClass,
                                          std::uint64_t seed) {
    if (perClass < 1) {
        throw DataError("a sample needs at least 1 issue per class, not " +
                        std::to_string(perClass));
    }
    auto members = classMembers(labels, "a per-class sample");
    std::mt19937_64 gen(seed);
    std::vector<std::size_t> sample;
    for (auto& [label, rows] : members) {
        shuffle(rows, gen);
        const std::size_t take = std::min(rows.size(), static_cast<std::size_t>(perClass));
        sample.insert(sample.end(), rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(take));
    }
    std::sort(sample.begin(), sample.end());
    return sample;
}

} // namespace issuebert
