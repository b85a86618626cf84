// Pooling and the two classifier heads.
#include "core/model/heads.h"

#include "core/model/dropout.h"

namespace issuebert {

torch::Tensor poolHidden(Pooling pooling, const torch::Tensor& lastHidden,
                         const torch::Tensor& pooled, const torch::Tensor& attentionMask) {
    switch (pooling) {
    case Pooling::Pooler:
        return pooled;
    case Pooling::Cls:
        return lastHidden.select(1, 0); // [B, H]
    case Pooling::Mean: {
        // sentence-transformers' mean: padding excluded, never a division by 0.
        const auto mask = attentionMask.to(lastHidden.dtype()).unsqueeze(-1); // [B, T, 1]
        const auto sum = (lastHidden * mask).sum(1);                          // [B, H]
        return sum / mask.sum(1).clamp_min(1e-9);
    }
    }
    return pooled;
}

torch::nn::Linear makeLinearHead(int hidden, int classes, double initializerRange) {
    torch::nn::Linear linear(hidden, classes);
    torch::NoGradGuard noGrad;
    linear->weight.normal_(0.0, initializerRange);
    linear->bias.zero_();
    return linear;
}

torch::nn::Sequential makeMlpHead(int hidden, int classes) {
    torch::nn::Sequential mlp(torch::nn::Linear(hidden, kMlpHidden1), torch::nn::ReLU(),
                              BatchDropout(kMlpDropout),
                              torch::nn::Linear(kMlpHidden1, kMlpHidden2), torch::nn::ReLU(),
                              BatchDropout(kMlpDropout), torch::nn::Linear(kMlpHidden2, classes));
    torch::NoGradGuard noGrad;
    for (auto& child : mlp->modules(/*include_self=*/false)) {
        if (auto* linear = child->as<torch::nn::LinearImpl>()) {
            torch::nn::init::xavier_uniform_(linear->weight);
            linear->bias.zero_();
        }
    }
    return mlp;
}

} // namespace issuebert
