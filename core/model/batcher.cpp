// Length-bucket batch plans (see batcher.h).
#include "core/model/batcher.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace issuebert {

namespace {

// A generator for one epoch of one seed: different epochs shuffle differently,
// the same pair always the same way (std::mt19937_64 is fully specified).
std::mt19937_64 epochGenerator(std::uint64_t seed, int epoch) {
    std::seed_seq sequence{static_cast<std::uint32_t>(seed),
                           static_cast<std::uint32_t>(seed >> 32U),
                           static_cast<std::uint32_t>(epoch), 0x1B5EU};
    return std::mt19937_64(sequence);
}

// std::shuffle's algorithm is implementation-defined; Fisher-Yates with our
// own index draw keeps plans identical across standard libraries.
template <typename T>
void shuffleWith(std::vector<T>& items, std::mt19937_64& generator) {
    for (std::size_t i = items.size(); i > 1; --i) {
        const std::size_t j = static_cast<std::size_t>(generator() % i);
        std::swap(items[i - 1], items[j]);
    }
}

std::vector<BatchIndices> cut(const std::vector<std::size_t>& order, std::size_t batchSize) {
    std::vector<BatchIndices> batches;
    for (std::size_t start = 0; start < order.size(); start += batchSize) {
        const std::size_t end = std::min(order.size(), start + batchSize);
        batches.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(start),
                             order.begin() + static_cast<std::ptrdiff_t>(end));
    }
    return batches;
}

} // namespace

std::vector<BatchIndices> planBatches(const std::vector<int>& lengths,
                                      const BatchPlanOptions& options, int epoch) {
    const std::size_t batchSize = static_cast<std::size_t>(std::max(1, options.batchSize));
    std::vector<std::size_t> order(lengths.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    if (!options.shuffle) {
        return cut(order, batchSize);
    }
    auto generator = epochGenerator(options.seed, epoch);
    shuffleWith(order, generator);
    if (!options.bucket) {
        return cut(order, batchSize);
    }
    const std::size_t pool = batchSize * static_cast<std::size_t>(kBucketPoolBatches);
    std::vector<BatchIndices> batches;
    for (std::size_t start = 0; start < order.size(); start += pool) {
        const auto first = order.begin() + static_cast<std::ptrdiff_t>(start);
        const auto last =
            order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), start + pool));
        // stable: equal lengths keep their shuffled order, so plans do not
        // depend on the sort's implementation.
        std::stable_sort(first, last,
                         [&](std::size_t a, std::size_t b) { return lengths[a] < lengths[b]; });
        std::vector<std::size_t> slice(first, last);
        for (auto& batch : cut(slice, batchSize)) {
            batches.push_back(std::move(batch));
        }
    }
    shuffleWith(batches, generator);
    return batches;
}

std::vector<BatchIndices> planSortedBatches(const std::vector<int>& lengths, int batchSize) {
    std::vector<std::size_t> order(lengths.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return lengths[a] > lengths[b]; });
    return cut(order, static_cast<std::size_t>(std::max(1, batchSize)));
}

double paddingFraction(const std::vector<int>& lengths, const std::vector<BatchIndices>& batches) {
    long long real = 0;
    long long padded = 0;
    for (const auto& batch : batches) {
        int longest = 0;
        for (const std::size_t i : batch) {
            real += lengths[i];
            longest = std::max(longest, lengths[i]);
        }
        padded += static_cast<long long>(longest) * static_cast<long long>(batch.size());
    }
    return padded == 0 ? 0.0 : static_cast<double>(padded - real) / static_cast<double>(padded);
}

} // namespace issuebert
