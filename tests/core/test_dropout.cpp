// The CPU dropout: a known-answer Philox, masks that do not depend on the
// thread count, follow the seed, drop the asked share and carry gradients,
// and a data-parallel rank's rows masked as the whole batch masks them.
#include "core/model/dropout.h"

#include <torch/torch.h>

#include "tests/support/unit.h"

using namespace issuebert;

TEST_CASE("dropout: Philox4x32-10 gives Random123's known answers") {
    using Block = std::array<std::uint32_t, 4>;
    CHECK(philox4x32({0, 0, 0, 0}, 0, 0) ==
          (Block{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
    CHECK(philox4x32({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, 0xffffffff, 0xffffffff) ==
          (Block{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
    CHECK(philox4x32({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, 0xa4093822, 0x299f31d0) ==
          (Block{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST_CASE("dropout: the mask is the same on one thread as on several") {
    const int threads = torch::get_num_threads();
    torch::set_num_threads(1);
    const auto one = philoxDropoutMask({3, 1000, 37}, torch::kFloat, 0.1, 42);
    torch::set_num_threads(4);
    const auto four = philoxDropoutMask({3, 1000, 37}, torch::kFloat, 0.1, 42);
    torch::set_num_threads(threads);
    CHECK(torch::equal(one, four));
    CHECK(!torch::equal(one, philoxDropoutMask({3, 1000, 37}, torch::kFloat, 0.1, 43)));
}

TEST_CASE("dropout: drops the asked share and scales what it keeps, in fp32 and bf16") {
    for (const double p : {0.1, 0.5, 0.9}) {
        for (const auto dtype : {torch::kFloat, torch::kBFloat16}) {
            const auto mask = philoxDropoutMask({1 << 20}, dtype, p, 7).to(torch::kFloat);
            const double dropped = (mask == 0).to(torch::kDouble).mean().item<double>();
            CHECK_NEAR(dropped, p, 0.003);
            const auto kept = mask.masked_select(mask != 0);
            CHECK_NEAR(kept.min().item<double>(), 1.0 / (1.0 - p), 0.01 / (1.0 - p));
            CHECK_NEAR(kept.max().item<double>(), 1.0 / (1.0 - p), 0.01 / (1.0 - p));
        }
    }
    // Neighbouring elements are not tied: all four outcomes of pairs appear evenly.
    const auto mask = philoxDropoutMask({1 << 20}, torch::kFloat, 0.5, 9).view({-1, 2}) != 0;
    const auto both = (mask.select(1, 0) & mask.select(1, 1)).to(torch::kDouble).mean();
    CHECK_NEAR(both.item<double>(), 0.25, 0.003);
}

TEST_CASE("dropout: follows torch::manual_seed, so seeded training repeats") {
    const auto x = torch::ones({64, 128});
    torch::manual_seed(5);
    const auto first = philoxDropout(x, 0.1, true);
    const auto second = philoxDropout(x, 0.1, true);
    torch::manual_seed(5);
    CHECK(torch::equal(first, philoxDropout(x, 0.1, true)));
    CHECK(torch::equal(second, philoxDropout(x, 0.1, true)));
    CHECK(!torch::equal(first, second));
}

TEST_CASE("dropout: identity when not training or p is 0; zeros at p = 1") {
    const auto x = torch::randn({8, 16});
    CHECK(philoxDropout(x, 0.1, false).is_same(x));
    CHECK(philoxDropout(x, 0.0, true).is_same(x));
    CHECK(torch::equal(philoxDropout(x, 1.0, true), torch::zeros_like(x)));
}

TEST_CASE("dropout: the gradient flows through the kept elements only, scaled alike") {
    const auto x = torch::randn({32, 64}, torch::requires_grad());
    const auto y = philoxDropout(x, 0.2, true);
    y.sum().backward();
    const auto grad = x.grad();
    CHECK(torch::equal(grad == 0, y == 0));
    CHECK(torch::allclose(y, x.detach() * grad));
}

TEST_CASE("dropout: a data-parallel rank's rows drop what the whole batch drops there") {
    // [5, 3, 7]: 21 elements a row, so rows start mid-block of Philox's four words.
    const auto whole = torch::ones({5, 3, 7});
    for (const auto& drop : {philoxDropout, batchDropout}) {
        torch::manual_seed(11);
        const auto expected = drop(whole, 0.3, true);
        // Rows 2..4 as rank 1 of two holds them, then the empty share of a third rank.
        torch::manual_seed(11);
        torch::Tensor rows;
        {
            const DropoutRows share(2, 5);
            rows = drop(whole.narrow(0, 2, 3), 0.3, true);
        }
        CHECK(torch::equal(rows, expected.narrow(0, 2, 3)));
        // The generator moved as far as for the whole batch: the next draw agrees.
        torch::manual_seed(11);
        (void)drop(whole, 0.3, true);
        const auto afterWhole = torch::randint(1 << 30, {1}).item<std::int64_t>();
        torch::manual_seed(11);
        {
            const DropoutRows share(5, 5);
            CHECK_EQ(drop(whole.narrow(0, 5, 0), 0.3, true).size(0), 0L);
        }
        CHECK_EQ(torch::randint(1 << 30, {1}).item<std::int64_t>(), afterWhole);
    }
    // Without a share, batchDropout is LibTorch's own dropout, draw for draw.
    torch::manual_seed(5);
    const auto ours = batchDropout(whole, 0.3, true);
    torch::manual_seed(5);
    CHECK(torch::equal(ours, torch::dropout(whole, 0.3, true)));
}
