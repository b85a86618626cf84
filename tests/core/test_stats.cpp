// Dataset statistics as the Data page and `data stats` report them.
#include "core/data/loader.h"
#include "core/data/stats.h"
#include "tests/support/unit.h"

using namespace issuebert;

namespace {

Issue makeIssue(const std::string& title, const std::string& body, int label) {
    Issue issue;
    issue.title = title;
    issue.body = body;
    issue.label = label;
    return issue;
}

} // namespace

TEST_CASE("stats: counts per label in label-set order, zero counts included") {
    Dataset d;
    d.labels = LabelSet::machineHack();
    d.issues = {makeIssue("a", "", 0), makeIssue("b", "", 2), makeIssue("c", "", 0),
                makeIssue("d", "", kNoLabel)};
    const DatasetStats s = computeStats(d);
    CHECK_EQ(s.rows, 4LL);
    CHECK_EQ(s.labelled, 3LL);
    CHECK_EQ(s.unlabelled, 1LL);
    const std::vector<std::pair<std::string, long long>> expected = {
        {"bug", 2}, {"feature", 0}, {"question", 1}};
    CHECK(s.labelCounts == expected);
}

TEST_CASE("stats: empty texts and exact duplicates of the joined text") {
    Dataset d;
    d.labels = LabelSet({"x", "y"});
    d.issues = {
        makeIssue("Crash", "on start", 0),
        makeIssue("Crash on", "start", 1),  // the same text() as the first: a duplicate
        makeIssue("Crash", "on  start", 0), // two spaces: a different text
        makeIssue("", "  ", kNoLabel),      // empty
        makeIssue(" ", "", kNoLabel),       // empty, and a duplicate of the empty one
        makeIssue("Crash", "on start", 0),  // a second duplicate of the first
    };
    const DatasetStats s = computeStats(d);
    CHECK_EQ(s.emptyTexts, 2LL);
    CHECK_EQ(s.duplicateTexts, 3LL);
}

TEST_CASE("stats: length percentiles count characters, not bytes") {
    Dataset d;
    // Lengths 1..100 in code points; every other text is written in two-byte é.
    for (int n = 1; n <= 100; ++n) {
        std::string body;
        for (int k = 0; k < n; ++k) {
            body += n % 2 == 0 ? "\xC3\xA9" : "e";
        }
        d.issues.push_back(makeIssue("", body, kNoLabel));
    }
    const DatasetStats s = computeStats(d);
    const std::vector<std::pair<int, long long>> expected = {
        {5, 5}, {25, 25}, {50, 50}, {75, 75}, {90, 90}, {95, 95}, {99, 99}, {100, 100}};
    CHECK(s.lengthPercentiles == expected);
}

TEST_CASE("stats: nearest-rank percentile on small and empty inputs") {
    CHECK_EQ(percentile({}, 50), 0LL);
    CHECK_EQ(percentile({7}, 5), 7LL);
    CHECK_EQ(percentile({1, 2, 3, 4}, 50), 2LL);
    CHECK_EQ(percentile({1, 2, 3, 4}, 51), 3LL);
    CHECK_EQ(percentile({1, 2, 3, 4}, 100), 4LL);
    CHECK_EQ(percentile({1, 2, 3, 4}, 0), 1LL);
}

TEST_CASE("stats: repairs made while loading are reported") {
    unit::TempDir dir;
    const std::string content = std::string("__label__bug a\xFF\n__label__bug b") + '\0' + "c\n";
    const Dataset d = loadDataset(dir.write("t.txt", content));
    const DatasetStats s = computeStats(d);
    CHECK_EQ(s.invalidUtf8, 1LL);
    CHECK_EQ(s.nulBytes, 1LL);
    CHECK_EQ(s.rows, 2LL);
    CHECK_EQ(s.labelCounts.size(), std::size_t{1});
    CHECK_EQ(s.labelCounts[0].second, 2LL);
}
