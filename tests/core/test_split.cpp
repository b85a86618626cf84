// The stratified train/validation split the Trainer uses when no validation file is given.
#include "core/data/split.h"
#include "core/io/errors.h"
#include "tests/support/unit.h"

#include <algorithm>
#include <limits>
#include <map>

using namespace issuebert;

namespace {

// count rows of class 0, then of class 1, ... interleaved the way real data is.
std::vector<int> makeLabels(const std::vector<int>& counts) {
    std::vector<int> labels;
    std::vector<int> left = counts;
    bool any = true;
    while (any) {
        any = false;
        for (std::size_t c = 0; c < left.size(); ++c) {
            if (left[c] > 0) {
                labels.push_back(static_cast<int>(c));
                --left[c];
                any = true;
            }
        }
    }
    return labels;
}

std::map<int, std::size_t> countByClass(const std::vector<int>& labels,
                                        const std::vector<std::size_t>& rows) {
    std::map<int, std::size_t> counts;
    for (const std::size_t row : rows) {
        ++counts[labels[row]];
    }
    return counts;
}

// Both parts ascending, disjoint, and together every row exactly once.
bool partitions(const SplitIndices& split, std::size_t rows) {
    if (!std::is_sorted(split.train.begin(), split.train.end()) ||
        !std::is_sorted(split.validation.begin(), split.validation.end())) {
        return false;
    }
    std::vector<std::size_t> all = split.train;
    all.insert(all.end(), split.validation.begin(), split.validation.end());
    std::sort(all.begin(), all.end());
    if (all.size() != rows) {
        return false;
    }
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i] != i) {
            return false;
        }
    }
    return true;
}

} // namespace

TEST_CASE("split: every class keeps its share in validation") {
    // 1000 bugs, 600 features, 150 questions at 10%: 100, 60 and 15 validated.
    const std::vector<int> labels = makeLabels({1000, 600, 150});
    const SplitIndices split = stratifiedSplit(labels, 0.1, 42);
    CHECK(partitions(split, labels.size()));
    const std::map<int, std::size_t> validation = countByClass(labels, split.validation);
    const std::map<int, std::size_t> expected = {{0, 100}, {1, 60}, {2, 15}};
    CHECK(validation == expected);
    const std::map<int, std::size_t> train = countByClass(labels, split.train);
    const std::map<int, std::size_t> expectedTrain = {{0, 900}, {1, 540}, {2, 135}};
    CHECK(train == expectedTrain);
}

TEST_CASE("split: the count per class is rounded to nearest") {
    // 0.25 * 10 = 2.5 rounds away from zero to 3; 0.25 * 7 = 1.75 to 2; 0.25 * 5 = 1.25 to 1.
    const std::vector<int> labels = makeLabels({10, 7, 5});
    const SplitIndices split = stratifiedSplit(labels, 0.25, 1);
    const std::map<int, std::size_t> expected = {{0, 3}, {1, 2}, {2, 1}};
    CHECK(countByClass(labels, split.validation) == expected);
    CHECK(partitions(split, labels.size()));
}

TEST_CASE("split: the same seed gives the same split, other seeds another") {
    const std::vector<int> labels = makeLabels({300, 200, 100});
    const SplitIndices a = stratifiedSplit(labels, 0.2, 7);
    const SplitIndices b = stratifiedSplit(labels, 0.2, 7);
    CHECK(a.train == b.train);
    CHECK(a.validation == b.validation);
    int differing = 0;
    for (std::uint64_t seed = 8; seed < 13; ++seed) {
        const SplitIndices other = stratifiedSplit(labels, 0.2, seed);
        CHECK_EQ(other.validation.size(), a.validation.size());
        if (other.validation != a.validation) {
            ++differing;
        }
    }
    CHECK_EQ(differing, 5);
}

TEST_CASE("split: validation is a shuffle, not the first rows of each class") {
    const std::vector<int> labels(1000, 0);
    const SplitIndices split = stratifiedSplit(labels, 0.1, 3);
    CHECK_EQ(split.validation.size(), std::size_t{100});
    // The first 100 rows would end at index 99; a shuffle reaches far beyond.
    CHECK(split.validation.back() > 500);
    CHECK(split.validation.front() < 500);
}

TEST_CASE("split: the same seed gives the same rows on every platform") {
    // Pinned: mt19937_64 and our own Fisher-Yates are fully specified, so a
    // different standard library must give these rows too.
    const std::vector<int> labels = makeLabels({6, 4});
    const SplitIndices split = stratifiedSplit(labels, 0.5, 2024);
    const SplitIndices again = stratifiedSplit(labels, 0.5, 2024);
    CHECK(split.validation == again.validation);
    CHECK_EQ(split.validation.size(), std::size_t{5});
    const std::vector<std::size_t> pinned = {0, 1, 4, 5, 6};
    CHECK_EQ(split.validation, pinned);
}

TEST_CASE("split: tiny classes") {
    // A class of one stays in training; a class of two gives one to validation
    // even at 1%; a high fraction still leaves one member to train on.
    const std::vector<int> labels = {0, 1, 1, 2, 2, 2};
    const SplitIndices small = stratifiedSplit(labels, 0.01, 5);
    const std::map<int, std::size_t> expectedSmall = {{1, 1}, {2, 1}};
    CHECK(countByClass(labels, small.validation) == expectedSmall);
    CHECK(partitions(small, labels.size()));

    const SplitIndices large = stratifiedSplit(labels, 0.99, 5);
    const std::map<int, std::size_t> expectedLarge = {{1, 1}, {2, 2}};
    CHECK(countByClass(labels, large.validation) == expectedLarge);
    const std::map<int, std::size_t> expectedTrain = {{0, 1}, {1, 1}, {2, 1}};
    CHECK(countByClass(labels, large.train) == expectedTrain);
}

TEST_CASE("split: fraction 0 keeps everything for training; no rows, no split") {
    const std::vector<int> labels = makeLabels({5, 5});
    const SplitIndices split = stratifiedSplit(labels, 0.0, 1);
    CHECK(split.validation.empty());
    CHECK(partitions(split, labels.size()));

    const SplitIndices empty = stratifiedSplit({}, 0.2, 1);
    CHECK(empty.train.empty());
    CHECK(empty.validation.empty());
}

TEST_CASE("split: class indices need not be contiguous") {
    const std::vector<int> labels = makeLabels({0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 10});
    const SplitIndices split = stratifiedSplit(labels, 0.5, 9);
    const std::map<int, std::size_t> expected = {{9, 10}, {11, 5}};
    CHECK(countByClass(labels, split.validation) == expected);
    CHECK(partitions(split, labels.size()));
}

TEST_CASE("split: a fraction outside [0, 1) or an unlabelled row is an error") {
    const std::vector<int> labels = {0, 1, 0, 1};
    CHECK_THROWS_WITH(stratifiedSplit(labels, 1.0, 1), DataError, "outside [0, 1)");
    CHECK_THROWS_WITH(stratifiedSplit(labels, -0.1, 1), DataError, "-0.1");
    CHECK_THROWS_WITH(stratifiedSplit(labels, std::numeric_limits<double>::quiet_NaN(), 1),
                      DataError, "outside [0, 1)");
    CHECK_THROWS_WITH(stratifiedSplit({0, 1, -1, 0}, 0.2, 1), DataError, "row 3");
}

TEST_CASE("folds: every row held out exactly once, classes spread evenly, sizes within one") {
    const std::vector<int> labels = makeLabels({23, 11, 7});
    const auto folds = stratifiedFolds(labels, 5, 3);
    CHECK_EQ(folds.size(), std::size_t{5});
    std::vector<std::size_t> all;
    std::size_t smallest = labels.size(), largest = 0;
    for (const auto& fold : folds) {
        CHECK(std::is_sorted(fold.begin(), fold.end()));
        all.insert(all.end(), fold.begin(), fold.end());
        smallest = std::min(smallest, fold.size());
        largest = std::max(largest, fold.size());
        // A class of 23 gives every fold 4 or 5 members; one of 7 gives 1 or 2.
        const auto counts = countByClass(labels, fold);
        CHECK(counts.at(0) >= 4 && counts.at(0) <= 5);
        CHECK(counts.at(2) >= 1 && counts.at(2) <= 2);
    }
    CHECK(largest - smallest <= 1);
    std::sort(all.begin(), all.end());
    CHECK_EQ(all.size(), labels.size());
    CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());
}

TEST_CASE("folds: the seed decides the folds, and the same seed repeats them") {
    const std::vector<int> labels = makeLabels({30, 30});
    CHECK(stratifiedFolds(labels, 3, 7) == stratifiedFolds(labels, 3, 7));
    CHECK(stratifiedFolds(labels, 3, 7) != stratifiedFolds(labels, 3, 8));
}

TEST_CASE("folds: too few folds or rows, or an unlabelled row, is an error") {
    CHECK_THROWS_WITH(stratifiedFolds({0, 1, 0, 1}, 1, 1), DataError, "at least 2 folds");
    CHECK_THROWS_WITH(stratifiedFolds({0, 1}, 3, 1), DataError, "cannot fill 3 folds");
    CHECK_THROWS_WITH(stratifiedFolds({0, 1, -1, 0}, 2, 1), DataError, "row 3");
}

TEST_CASE("sample: at most perClass rows of each class, seeded, ascending") {
    const std::vector<int> labels = makeLabels({30, 8, 20});
    const auto sample = stratifiedSample(labels, 10, 5);
    CHECK(std::is_sorted(sample.begin(), sample.end()));
    CHECK(std::adjacent_find(sample.begin(), sample.end()) == sample.end());
    // The class of 8 gives all it has.
    const std::map<int, std::size_t> expected = {{0, 10}, {1, 8}, {2, 10}};
    CHECK(countByClass(labels, sample) == expected);
    CHECK(stratifiedSample(labels, 10, 5) == sample);
    CHECK(stratifiedSample(labels, 10, 6) != sample);
}

TEST_CASE("sample: fewer than one per class, or an unlabelled row, is an error") {
    CHECK_THROWS_WITH(stratifiedSample({0, 1}, 0, 1), DataError, "at least 1 issue per class");
    CHECK_THROWS_WITH(stratifiedSample({0, -1}, 1, 1), DataError, "row 2");
}
