// Which issues go into which batch: shuffled length buckets, so each batch is
// padded only to its longest member, and the same seed and epoch always give
// the same batches (resume replays an epoch's order exactly). LibTorch-free.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace issuebert {

using BatchIndices = std::vector<std::size_t>;

// Batches a shuffled length-bucket plan groups together: a pool of this many
// batches is sorted by length before it is cut.
inline constexpr int kBucketPoolBatches = 50;

struct BatchPlanOptions {
    int batchSize = 32;
    bool shuffle = true; // false: input order, no bucketing (evaluation, prediction)
    bool bucket = true;  // sort by length inside pools (only when shuffling)
    std::uint64_t seed = 42;
};

// The batches of one epoch over items of the given token lengths. Shuffling:
// items are shuffled with (seed, epoch), cut into pools of
// kBucketPoolBatches * batchSize, each pool sorted by length and cut into
// batches, and the batches shuffled again. Without shuffling: consecutive
// runs in order. The last batch may be smaller.
std::vector<BatchIndices> planBatches(const std::vector<int>& lengths,
                                      const BatchPlanOptions& options, int epoch);

// Without shuffling, for inference: indices sorted by length (longest first)
// and cut into batches; results are put back in input order by the caller.
std::vector<BatchIndices> planSortedBatches(const std::vector<int>& lengths, int batchSize);

// Padding tokens / all tokens when each batch is padded to its longest member.
double paddingFraction(const std::vector<int>& lengths, const std::vector<BatchIndices>& batches);

} // namespace issuebert
