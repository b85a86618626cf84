// One optimisation step (see train_step.h).
#include "core/train/train_step.h"

#include "core/model/autocast.h"

#include <cmath>

namespace issuebert {

torch::Tensor classificationLoss(const torch::Tensor& logits, const torch::Tensor& labels,
                                 const torch::Tensor& weights) {
    namespace F = torch::nn::functional;
    auto options = F::CrossEntropyFuncOptions();
    if (weights.defined()) {
        options.weight(weights);
    }
    return F::cross_entropy(logits.to(torch::kFloat32), labels, options);
}

StepRunner::StepRunner(BertClassifierImpl& model, const StepOptions& options)
    : m_model(&model), m_options(options), m_optimizer(std::make_unique<AdamW>(layerDecayGroups(
                                               model, options.weightDecay, options.layerDecay))) {
    for (const auto& p : model.parameters()) {
        if (p.requires_grad()) {
            m_params.push_back(p);
        }
    }
    model.train();
}

StepResult StepRunner::step(const std::vector<Batch>& microBatches, double lr) {
    StepResult result;
    std::int64_t total = 0;
    for (const auto& batch : microBatches) {
        total += batch.inputIds.size(0);
    }
    m_model->train();
    double lossSum = 0.0;
    for (const auto& batch : microBatches) {
        torch::Tensor loss;
        {
            const AutocastScope autocast(batch.inputIds.device(), m_options.bf16);
            const auto logits = m_model->forward(batch.inputIds, batch.attentionMask,
                                                 batch.tokenTypeIds); // [B, C]
            loss = classificationLoss(logits, batch.labels, m_options.classWeights);
        }
        // Micro-batches of different sizes: each contributes by its share of the step.
        const double share =
            static_cast<double>(batch.inputIds.size(0)) / static_cast<double>(total);
        (loss * share).backward();
        lossSum += loss.item<double>() * share;
    }
    result.loss = lossSum;
    if (!std::isfinite(lossSum)) {
        result.finite = false;
        m_optimizer->zeroGrad();
        return result;
    }
    double gradScale = 1.0;
    if (m_options.maxGradNorm > 0.0) {
        const auto [norm, scale] = clippingOf(m_params, m_options.maxGradNorm);
        result.gradNorm = norm;
        if (!std::isfinite(result.gradNorm)) {
            result.finite = false;
            m_optimizer->zeroGrad();
            return result;
        }
        gradScale = scale;
    }
    m_optimizer->step(lr, gradScale);
    m_optimizer->zeroGrad();
    return result;
}

std::pair<double, double> clippingOf(const std::vector<torch::Tensor>& params, double maxNorm) {
    // torch::nn::utils::clip_grad_norm_'s arithmetic (its float tensors
    // included), without its pass that multiplies every gradient: AdamW
    // applies the coefficient as it reads them.
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> norms;
    for (const auto& param : params) {
        if (param.grad().defined()) {
            norms.push_back(param.grad().norm(2.0));
        }
    }
    if (norms.empty()) {
        return {0.0, 1.0};
    }
    const auto total = norms.size() == 1 ? norms.front() : torch::stack(norms).norm(2.0);
    const auto coefficient = torch::clamp_max(maxNorm / (total + 1e-6), 1.0);
    return {total.item<double>(), coefficient.item<double>()};
}

} // namespace issuebert
