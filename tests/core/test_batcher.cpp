// Batch plans: every issue once per epoch, reproducible from (seed, epoch),
// length buckets that cut padding, and tensors padded to the batch's longest.
#include "core/model/batcher.h"
#include "core/model/collate.h"

#include <torch/torch.h>

#include <algorithm>
#include <random>
#include <set>

#include "tests/support/unit.h"

using namespace issuebert;

namespace {

std::vector<int> variedLengths(std::size_t count) {
    std::mt19937 generator(3);
    std::vector<int> lengths(count);
    for (auto& length : lengths) {
        length = 3 + static_cast<int>(generator() % 148);
    }
    return lengths;
}

std::vector<std::size_t> flatten(const std::vector<BatchIndices>& batches) {
    std::vector<std::size_t> all;
    for (const auto& batch : batches) {
        all.insert(all.end(), batch.begin(), batch.end());
    }
    return all;
}

} // namespace

TEST_CASE("batches: each issue exactly once per epoch, full batches but the last") {
    const auto lengths = variedLengths(1000);
    const auto batches = planBatches(lengths, {32, true, true, 1}, 0);
    auto all = flatten(batches);
    std::sort(all.begin(), all.end());
    CHECK_EQ(all.size(), std::size_t{1000});
    CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());
    CHECK_EQ(all.back(), std::size_t{999});
    std::size_t small = 0;
    for (const auto& batch : batches) {
        small += batch.size() < 32 ? 1 : 0;
    }
    CHECK_EQ(small, std::size_t{1}); // 1000 = 31 * 32 + 8: one pool, one short batch
}

TEST_CASE("batches: the same seed and epoch give the same plan; other epochs and seeds another") {
    const auto lengths = variedLengths(500);
    const auto plan = planBatches(lengths, {16, true, true, 9}, 2);
    CHECK(plan == planBatches(lengths, {16, true, true, 9}, 2));
    CHECK(plan != planBatches(lengths, {16, true, true, 9}, 3));
    CHECK(plan != planBatches(lengths, {16, true, true, 10}, 2));
}

TEST_CASE("batches: length buckets pad far less than random batches") {
    const auto lengths = variedLengths(4000);
    const double bucketed = paddingFraction(lengths, planBatches(lengths, {32, true, true, 1}, 0));
    const double random = paddingFraction(lengths, planBatches(lengths, {32, true, false, 1}, 0));
    CHECK(random > 0.3);
    CHECK(bucketed < 0.05);
    // Unshuffled plans keep the input order.
    // (A named vector: CHECK_EQ keeps a reference to its operands.)
    const auto inOrder = flatten(planBatches(lengths, {32, false, true, 1}, 0));
    CHECK_EQ(inOrder.front(), std::size_t{0});
    CHECK_EQ(inOrder[100], std::size_t{100});
}

TEST_CASE("batches: sorted inference batches go longest first") {
    const std::vector<int> lengths{5, 9, 2, 9, 7};
    const auto batches = planSortedBatches(lengths, 2);
    CHECK_EQ(batches.size(), std::size_t{3});
    CHECK(batches[0] == (BatchIndices{1, 3}));
    CHECK(batches[1] == (BatchIndices{4, 0}));
    CHECK(batches[2] == (BatchIndices{2}));
    CHECK_NEAR(paddingFraction(lengths, batches), (0.0 + 2.0 + 0.0) / (18 + 14 + 2), 1e-12);
}

TEST_CASE("collate: a batch is padded to its longest member with a zero mask") {
    std::vector<Encoding> encodings(3);
    encodings[0].inputIds = {101, 7, 8, 102};
    encodings[0].attentionMask = {1, 1, 1, 1};
    encodings[0].tokenTypeIds = {0, 0, 1, 1};
    encodings[1].inputIds = {101, 102};
    encodings[1].attentionMask = {1, 1};
    encodings[1].tokenTypeIds = {0, 0};
    encodings[2].inputIds = {101, 5, 102};
    const Batch batch = collate(encodings, {1, 0}, {2, 1, 0}, torch::kCPU);
    CHECK_EQ(batch.inputIds.sizes(), (std::vector<std::int64_t>{2, 4}));
    CHECK(
        torch::equal(batch.inputIds, torch::tensor({101, 102, 0, 0, 101, 7, 8, 102}).view({2, 4})));
    CHECK(torch::equal(batch.attentionMask, torch::tensor({1, 1, 0, 0, 1, 1, 1, 1}).view({2, 4})));
    CHECK(torch::equal(batch.tokenTypeIds, torch::tensor({0, 0, 0, 0, 0, 0, 1, 1}).view({2, 4})));
    CHECK(torch::equal(batch.labels, torch::tensor({1, 2})));
    CHECK_EQ(batch.realTokens, 6LL);
    // Encodings without masks (from a tokenizer that left them out) count as all real.
    CHECK_EQ(collate(encodings, {2}, {}, torch::kCPU).realTokens, 3LL);
    CHECK(!collate(encodings, {2}, {}, torch::kCPU).labels.defined());
}
