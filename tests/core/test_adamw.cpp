// AdamW: the single-pass CPU update computes torch.optim.AdamW's step, gives
// the same bits on one thread as on several, applies clipping as LibTorch's
// clip_grad_norm_ would, and resumes from its saved state exactly.
#include "core/train/adamw.h"
#include "core/train/train_step.h"

#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "tests/support/unit.h"

using namespace issuebert;

namespace {

// Parameters of several shapes: one larger than a thread's share (so the
// update is split), small ones, and a transposed one (not contiguous: the
// per-operation path).
std::vector<torch::Tensor> makeParams() {
    torch::manual_seed(3);
    std::vector<torch::Tensor> params = {torch::randn({300, 400}), torch::randn({384}),
                                         torch::randn({7, 5}), torch::randn({40, 30}).t()};
    for (auto& p : params) {
        p.set_requires_grad(true);
    }
    return params;
}

std::vector<torch::Tensor> copyOf(const std::vector<torch::Tensor>& params) {
    std::vector<torch::Tensor> out;
    for (const auto& p : params) {
        auto copy = p.detach().clone();
        if (!p.is_contiguous()) {
            copy = p.detach().t().contiguous().t(); // keep the transposed layout
        }
        copy.set_requires_grad(true);
        out.push_back(copy);
    }
    return out;
}

// Gradients for step k, the same for every copy.
void setGrads(std::vector<torch::Tensor>& params, int k) {
    torch::manual_seed(100 + k);
    for (auto& p : params) {
        p.mutable_grad() = torch::randn(p.sizes()) * (0.01 * (k + 1));
    }
}

// Whether every parameter of a equals b's, bit for bit.
bool allEqual(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
    bool equal = a.size() == b.size();
    for (std::size_t i = 0; equal && i < a.size(); ++i) {
        equal = torch::equal(a[i], b[i]);
    }
    return equal;
}

std::vector<ParamGroup> groupsOf(const std::vector<torch::Tensor>& params) {
    ParamGroup decayed;
    decayed.weightDecay = 0.01;
    decayed.names = {"a", "c"};
    decayed.params = {params[0], params[2]};
    ParamGroup scaled;
    scaled.lrScale = 0.5;
    scaled.names = {"b", "d"};
    scaled.params = {params[1], params[3]};
    return {decayed, scaled};
}

} // namespace

TEST_CASE("adamw: the CPU update is torch.optim.AdamW's step, computed in double") {
    auto params = makeParams();
    std::vector<torch::Tensor> p, m, v;
    for (const auto& t : params) {
        p.push_back(t.detach().to(torch::kDouble));
        m.push_back(torch::zeros_like(p.back()));
        v.push_back(torch::zeros_like(p.back()));
    }
    const std::vector<double> decay = {0.01, 0.0, 0.01, 0.0};
    const std::vector<double> scale = {1.0, 0.5, 1.0, 0.5};
    AdamW optimizer(groupsOf(params));
    const double lr = 1e-3;
    const double gradScale = 0.25;
    for (int k = 0; k < 5; ++k) {
        setGrads(params, k);
        const double c1 = 1.0 - std::pow(0.9, k + 1);
        const double c2 = 1.0 - std::pow(0.999, k + 1);
        for (std::size_t i = 0; i < p.size(); ++i) {
            const auto g = params[i].grad().to(torch::kDouble) * gradScale;
            const double slotLr = lr * scale[i];
            p[i] = p[i] * (1.0 - slotLr * decay[i]);
            m[i] = m[i] * 0.9 + g * 0.1;
            v[i] = v[i] * 0.999 + g * g * 0.001;
            p[i] = p[i] - slotLr / c1 * m[i] / (v[i].sqrt() / std::sqrt(c2) + 1e-8);
        }
        optimizer.step(lr, gradScale);
    }
    const auto start = makeParams();
    for (std::size_t i = 0; i < p.size(); ++i) {
        const auto ours = params[i].detach().to(torch::kDouble);
        // float against double: within a few roundings of each parameter's size
        const auto relative = (ours - p[i]).abs() / (p[i].abs() + 1e-3);
        CHECK_NEAR(relative.max().item<double>(), 0.0, 1e-6);
        // The steps moved the parameters, so the check above cannot pass by doing nothing.
        const auto moved = (ours - start[i].detach().to(torch::kDouble)).abs().mean();
        CHECK(moved.item<double>() > 5e-4);
    }
}

TEST_CASE("adamw: one thread and several give the same parameters, bit for bit") {
    const int threads = torch::get_num_threads();
    std::vector<std::vector<torch::Tensor>> results;
    for (const int n : {1, 4}) {
        torch::set_num_threads(n);
        auto params = makeParams();
        AdamW optimizer(groupsOf(params));
        for (int k = 0; k < 3; ++k) {
            setGrads(params, k);
            optimizer.step(1e-3);
        }
        results.push_back(params);
    }
    torch::set_num_threads(threads);
    CHECK(allEqual(results[0], results[1]));
}

TEST_CASE("adamw: clipping by coefficient gives what clip_grad_norm_ then a step gives") {
    auto clipped = makeParams();
    auto scaled = copyOf(clipped);
    AdamW first(groupsOf(clipped));
    AdamW second(groupsOf(scaled));
    for (int k = 0; k < 3; ++k) {
        setGrads(clipped, k);
        setGrads(scaled, k);
        const double norm = torch::nn::utils::clip_grad_norm_(clipped, 0.5);
        first.step(1e-3);
        const auto [ours, coefficient] = clippingOf(scaled, 0.5);
        CHECK(ours == norm);
        CHECK(coefficient < 1.0); // these gradients are long enough to be clipped
        second.step(1e-3, coefficient);
    }
    CHECK(allEqual(clipped, scaled));
    // Short gradients are left as they are.
    setGrads(scaled, 0);
    CHECK(clippingOf(scaled, 1e6).second == 1.0);
}

TEST_CASE("adamw: a saved and reloaded optimizer continues exactly") {
    const unit::TempDir temp;
    const std::string path = (temp.path() / "optimizer.safetensors").string();
    auto straight = makeParams();
    auto resumed = copyOf(straight);
    AdamW through(groupsOf(straight));
    {
        AdamW before(groupsOf(resumed));
        for (int k = 0; k < 3; ++k) {
            setGrads(straight, k);
            setGrads(resumed, k);
            through.step(1e-3);
            before.step(1e-3);
        }
        before.save(path);
    }
    AdamW after(groupsOf(resumed));
    after.load(path);
    CHECK(after.steps() == 3);
    for (int k = 3; k < 5; ++k) {
        setGrads(straight, k);
        setGrads(resumed, k);
        through.step(1e-3);
        after.step(1e-3);
    }
    CHECK(allEqual(straight, resumed));
}
