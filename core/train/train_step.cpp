// One optimisation step (see train_step.h).
#include "core/train/train_step.h"

#include "core/model/autocast.h"
#include "core/model/dropout.h"
#include "core/train/data_parallel.h"

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

torch::Tensor classificationLossSum(const torch::Tensor& logits, const torch::Tensor& labels,
                                    const torch::Tensor& weights) {
    namespace F = torch::nn::functional;
    auto options = F::CrossEntropyFuncOptions().reduction(torch::kSum);
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

StepRunner::~StepRunner() = default;

StepResult StepRunner::step(const std::vector<Batch>& microBatches, double lr) {
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
    return update(lossSum, lr);
}

StepResult StepRunner::step(const std::vector<Batch>& microBatches,
                            const std::vector<BatchShare>& shares, double lr,
                            const std::vector<std::int64_t>& tokens) {
    if (m_parallel == nullptr) {
        return step(microBatches, lr);
    }
    TORCH_CHECK(shares.size() == microBatches.size(), "one share per micro-batch");
    std::int64_t total = 0;
    for (const auto& share : shares) {
        total += share.rows;
    }
    m_model->train();
    double lossSum = 0.0;
    for (std::size_t k = 0; k < microBatches.size(); ++k) {
        const Batch& batch = microBatches[k];
        const BatchShare& share = shares[k];
        if (m_reducer && k + 1 == microBatches.size()) {
            m_reducer->arm(tokens); // the sums start as this backward pass fills the buckets
        }
        torch::Tensor loss;
        {
            // Every rank runs the forward pass, even on no rows: its dropout
            // draws keep its generator in step with the others'.
            const DropoutRows rows(share.first, share.rows);
            const AutocastScope autocast(batch.inputIds.device(), m_options.bf16);
            const auto logits = m_model->forward(batch.inputIds, batch.attentionMask,
                                                 batch.tokenTypeIds); // [b, C]
            loss = classificationLossSum(logits, batch.labels, m_options.classWeights);
        }
        // This rank's part of the whole micro-batch's mean, by the micro-batch's share of the step.
        const double scale = static_cast<double>(share.rows) /
                             (static_cast<double>(total) * std::max(share.weight, 1e-30));
        (loss * scale).backward();
        lossSum += loss.item<double>() * scale;
    }
    // The whole step's gradients and loss on every rank.
    if (m_reducer) {
        m_reducer->finish();
        return update(m_parallel->sum({lossSum}).front(), lr);
    }
    // The first step: summed after the backward pass, which also tells which
    // parameters receive gradients; from the next step on they are summed
    // while it runs.
    m_parallel->sumGradients(m_params);
    std::vector<torch::Tensor> reached;
    for (const auto& param : m_params) {
        if (param.grad().defined()) {
            reached.push_back(param);
        }
    }
    const StepResult result = update(m_parallel->sum({lossSum}).front(), lr);
    m_reducer = std::make_unique<GradientReducer>(
        *m_parallel, reached, m_model->bert->embeddings->word_embeddings->weight);
    return result;
}

void StepRunner::clearGradients() {
    if (m_reducer) {
        m_reducer->zero();
    } else {
        m_optimizer->zeroGrad();
    }
}

StepResult StepRunner::update(double lossSum, double lr) {
    StepResult result;
    result.loss = lossSum;
    if (!std::isfinite(lossSum)) {
        result.finite = false;
        clearGradients();
        return result;
    }
    double gradScale = 1.0;
    if (m_options.maxGradNorm > 0.0) {
        const auto [norm, scale] = clippingOf(m_params, m_options.maxGradNorm);
        result.gradNorm = norm;
        if (!std::isfinite(result.gradNorm)) {
            result.finite = false;
            clearGradients();
            return result;
        }
        gradScale = scale;
    }
    m_optimizer->step(lr, gradScale);
    clearGradients();
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
