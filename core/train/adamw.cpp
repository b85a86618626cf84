// AdamW (see adamw.h).
#include "core/train/adamw.h"

#include "core/io/errors.h"

#include <cmath>

namespace issuebert {

namespace {

// Hugging Face's rule: no weight decay on biases and LayerNorm weights.
bool decays(const std::string& name) {
    return name.find("bias") == std::string::npos && name.find("LayerNorm") == std::string::npos &&
           name.find("layer_norm") == std::string::npos;
}

} // namespace

std::vector<ParamGroup> decayGroups(const torch::nn::Module& module, double weightDecay) {
    ParamGroup withDecay;
    withDecay.weightDecay = weightDecay;
    ParamGroup withoutDecay;
    for (const auto& item : module.named_parameters(/*recurse=*/true)) {
        if (!item.value().requires_grad()) {
            continue;
        }
        ParamGroup& group = decays(item.key()) ? withDecay : withoutDecay;
        group.names.push_back(item.key());
        group.params.push_back(item.value());
    }
    return {withDecay, withoutDecay};
}

AdamW::AdamW(std::vector<ParamGroup> groups, AdamWOptions options) : m_options(options) {
    for (auto& group : groups) {
        for (std::size_t i = 0; i < group.params.size(); ++i) {
            Slot slot;
            slot.name =
                i < group.names.size() ? group.names[i] : "param" + std::to_string(m_slots.size());
            slot.param = group.params[i];
            slot.expAvg = torch::zeros_like(slot.param, torch::MemoryFormat::Preserve);
            slot.expAvgSq = torch::zeros_like(slot.param, torch::MemoryFormat::Preserve);
            slot.weightDecay = group.weightDecay;
            if (slot.param.is_cuda()) {
                slot.stepTensor = torch::zeros({}, slot.param.options().dtype(torch::kFloat32));
            }
            m_slots.push_back(std::move(slot));
        }
    }
}

void AdamW::step(double lr) {
    torch::NoGradGuard noGrad;
    ++m_steps;
    const double beta1 = m_options.beta1;
    const double beta2 = m_options.beta2;
#if TORCH_VERSION_MAJOR >= 2
    // One fused kernel for each decay group's tensors: what torch.optim.AdamW(fused=True) runs.
    if (!m_slots.empty() && m_slots.front().param.is_cuda()) {
        for (const double decay : {0.0, 1.0}) {
            std::vector<torch::Tensor> params, grads, avgs, avgSqs, steps;
            double weightDecay = 0.0;
            for (auto& slot : m_slots) {
                const bool decaying = slot.weightDecay != 0.0;
                if (decaying != (decay != 0.0) || !slot.param.grad().defined()) {
                    continue;
                }
                weightDecay = slot.weightDecay;
                params.push_back(slot.param);
                grads.push_back(slot.param.grad());
                avgs.push_back(slot.expAvg);
                avgSqs.push_back(slot.expAvgSq);
                steps.push_back(slot.stepTensor);
            }
            if (params.empty()) {
                continue;
            }
            at::_foreach_add_(steps, 1.0);
            at::_fused_adamw_(params, grads, avgs, avgSqs, {}, steps, lr, beta1, beta2, weightDecay,
                              m_options.eps, /*amsgrad=*/false, /*maximize=*/false);
        }
        return;
    }
#endif
    const double correction1 = 1.0 - std::pow(beta1, static_cast<double>(m_steps));
    const double correction2 = 1.0 - std::pow(beta2, static_cast<double>(m_steps));
    const double stepSize = lr / correction1;
    const double sqrtCorrection2 = std::sqrt(correction2);
    for (auto& slot : m_slots) {
        const auto& grad = slot.param.grad();
        if (!grad.defined()) {
            continue;
        }
        if (slot.weightDecay != 0.0) {
            slot.param.mul_(1.0 - lr * slot.weightDecay);
        }
        slot.expAvg.mul_(beta1).add_(grad, 1.0 - beta1);
        slot.expAvgSq.mul_(beta2).addcmul_(grad, grad, 1.0 - beta2);
        const auto denom = (slot.expAvgSq.sqrt() / sqrtCorrection2).add_(m_options.eps);
        slot.param.addcdiv_(slot.expAvg, denom, -stepSize);
    }
}

void AdamW::zeroGrad() {
    for (auto& slot : m_slots) {
        auto& grad = slot.param.mutable_grad();
        if (grad.defined()) {
            grad = torch::Tensor(); // set_to_none, as torch's default: no memset per step
        }
    }
}

void AdamW::save(const std::string& path) const {
    torch::serialize::OutputArchive archive;
    archive.write("steps", torch::tensor(static_cast<std::int64_t>(m_steps)));
    for (const auto& slot : m_slots) {
        archive.write("exp_avg." + slot.name, slot.expAvg.to(torch::kCPU));
        archive.write("exp_avg_sq." + slot.name, slot.expAvgSq.to(torch::kCPU));
    }
    try {
        archive.save_to(path);
    } catch (const c10::Error& e) {
        throw IoError(path + ": cannot write the optimizer state: " + e.what_without_backtrace());
    }
}

void AdamW::load(const std::string& path) {
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(path);
    } catch (const c10::Error& e) {
        throw ModelError(path + ": cannot read the optimizer state: " + e.what_without_backtrace());
    }
    const auto read = [&](const std::string& key, const torch::Tensor& like) {
        torch::Tensor value;
        if (!archive.try_read(key, value)) {
            throw ModelError(path + ": the optimizer state has no \"" + key + "\"");
        }
        if (value.sizes() != like.sizes()) {
            throw ModelError(path + ": \"" + key +
                             "\" is shaped differently from the model's parameter");
        }
        return value.to(like.device(), like.scalar_type());
    };
    torch::Tensor steps;
    if (!archive.try_read("steps", steps)) {
        throw ModelError(path + ": the optimizer state has no step count");
    }
    torch::NoGradGuard noGrad;
    for (auto& slot : m_slots) {
        slot.expAvg.copy_(read("exp_avg." + slot.name, slot.expAvg));
        slot.expAvgSq.copy_(read("exp_avg_sq." + slot.name, slot.expAvgSq));
    }
    m_steps = steps.item<std::int64_t>();
    for (auto& slot : m_slots) {
        if (slot.stepTensor.defined()) {
            slot.stepTensor.fill_(static_cast<double>(m_steps));
        }
    }
}

} // namespace issuebert
