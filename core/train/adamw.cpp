// AdamW (see adamw.h).
#include "core/train/adamw.h"

#include "core/io/errors.h"
#include "core/model/safetensors.h"
#include "core/train/adamw_kernel.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace issuebert {

namespace {

// Hugging Face's rule: no weight decay on biases and LayerNorm weights.
bool decays(const std::string& name) {
    return name.find("bias") == std::string::npos && name.find("LayerNorm") == std::string::npos &&
           name.find("layer_norm") == std::string::npos;
}

// The encoder layer a parameter belongs to ("…encoder.layer.3.…" → 3), or -1.
int encoderLayer(const std::string& name) {
    static const std::string marker = "encoder.layer.";
    const auto at = name.find(marker);
    if (at == std::string::npos) {
        return -1;
    }
    std::size_t pos = at + marker.size();
    int layer = 0;
    bool digits = false;
    while (pos < name.size() && name[pos] >= '0' && name[pos] <= '9' && layer < 100000) {
        layer = layer * 10 + (name[pos] - '0');
        digits = true;
        ++pos;
    }
    return digits ? layer : -1;
}

// Whether the single-pass CPU kernel can update this parameter: float32 on
// the CPU, all four tensors contiguous and alike.
bool fusable(const torch::Tensor& param, const torch::Tensor& grad, const torch::Tensor& expAvg,
             const torch::Tensor& expAvgSq) {
    const auto plain = [&](const torch::Tensor& t) {
        return t.device().is_cpu() && t.scalar_type() == torch::kFloat32 && t.is_contiguous() &&
               t.numel() == param.numel() && !t.is_sparse();
    };
    return plain(param) && plain(grad) && plain(expAvg) && plain(expAvgSq);
}

// Elements per task: large tensors (the word embeddings, the feed-forward
// matrices) are split across threads, small ones run where they are.
constexpr std::int64_t kUpdateGrain = 1 << 15;

} // namespace

double layerLearningRateScale(const std::string& name, int layers, double layerDecay) {
    if (layerDecay == 1.0) {
        return 1.0;
    }
    const int layer = encoderLayer(name);
    if (layer >= 0) {
        return std::pow(layerDecay, std::max(0, layers - 1 - layer));
    }
    if (name.find("embeddings") != std::string::npos) {
        return std::pow(layerDecay, layers);
    }
    return 1.0; // the pooler and the head
}

std::vector<ParamGroup> layerDecayGroups(const torch::nn::Module& module, double weightDecay,
                                         double layerDecay) {
    if (layerDecay == 1.0) {
        return decayGroups(module, weightDecay);
    }
    const auto named = module.named_parameters(/*recurse=*/true);
    int layers = 0;
    for (const auto& item : named) {
        layers = std::max(layers, encoderLayer(item.key()) + 1);
    }
    // One group per (decay, scale), in the order first met.
    std::vector<ParamGroup> groups;
    const auto groupFor = [&](double decay, double scale) -> ParamGroup& {
        for (auto& group : groups) {
            if (group.weightDecay == decay && group.lrScale == scale) {
                return group;
            }
        }
        ParamGroup group;
        group.weightDecay = decay;
        group.lrScale = scale;
        groups.push_back(std::move(group));
        return groups.back();
    };
    for (const auto& item : named) {
        if (!item.value().requires_grad()) {
            continue;
        }
        ParamGroup& group = groupFor(decays(item.key()) ? weightDecay : 0.0,
                                     layerLearningRateScale(item.key(), layers, layerDecay));
        group.names.push_back(item.key());
        group.params.push_back(item.value());
    }
    return groups;
}

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
            slot.lrScale = group.lrScale;
            if (slot.param.is_cuda()) {
                slot.stepTensor = torch::zeros({}, slot.param.options().dtype(torch::kFloat32));
            }
            m_slots.push_back(std::move(slot));
        }
    }
}

void AdamW::step(double lr, double gradScale) {
    torch::NoGradGuard noGrad;
    ++m_steps;
    const double beta1 = m_options.beta1;
    const double beta2 = m_options.beta2;
#if TORCH_VERSION_MAJOR >= 2
    // One fused kernel for each group's tensors (same decay and learning
    // rate): what torch.optim.AdamW(fused=True) runs per parameter group.
    if (!m_slots.empty() && m_slots.front().param.is_cuda()) {
        std::vector<bool> done(m_slots.size(), false);
        for (std::size_t first = 0; first < m_slots.size(); ++first) {
            if (done[first]) {
                continue;
            }
            const double weightDecay = m_slots[first].weightDecay;
            const double lrScale = m_slots[first].lrScale;
            std::vector<torch::Tensor> params, grads, avgs, avgSqs, steps;
            for (std::size_t i = first; i < m_slots.size(); ++i) {
                auto& slot = m_slots[i];
                if (done[i] || slot.weightDecay != weightDecay || slot.lrScale != lrScale) {
                    continue;
                }
                done[i] = true;
                if (!slot.param.grad().defined()) {
                    continue;
                }
                if (gradScale != 1.0) {
                    slot.param.mutable_grad().mul_(gradScale);
                }
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
            at::_fused_adamw_(params, grads, avgs, avgSqs, {}, steps, lr * lrScale, beta1, beta2,
                              weightDecay, m_options.eps, /*amsgrad=*/false, /*maximize=*/false);
        }
        return;
    }
#endif
    const double correction1 = 1.0 - std::pow(beta1, static_cast<double>(m_steps));
    const double correction2 = 1.0 - std::pow(beta2, static_cast<double>(m_steps));
    const double sqrtCorrection2 = std::sqrt(correction2);
    for (auto& slot : m_slots) {
        auto& grad = slot.param.mutable_grad();
        if (!grad.defined()) {
            continue;
        }
        const double slotLr = lr * slot.lrScale;
        const double stepSize = slotLr / correction1;
        if (fusable(slot.param, grad, slot.expAvg, slot.expAvgSq)) {
            AdamWScalars s;
            s.decay = static_cast<float>(1.0 - slotLr * slot.weightDecay);
            s.beta1 = static_cast<float>(beta1);
            s.oneMinusBeta1 = static_cast<float>(1.0 - beta1);
            s.beta2 = static_cast<float>(beta2);
            s.oneMinusBeta2 = static_cast<float>(1.0 - beta2);
            s.sqrtCorrection2 = static_cast<float>(sqrtCorrection2);
            s.eps = static_cast<float>(m_options.eps);
            s.negStepSize = static_cast<float>(-stepSize);
            s.gradScale = static_cast<float>(gradScale);
            float* param = slot.param.data_ptr<float>();
            const float* g = grad.data_ptr<float>();
            float* expAvg = slot.expAvg.data_ptr<float>();
            float* expAvgSq = slot.expAvgSq.data_ptr<float>();
            at::parallel_for(0, slot.param.numel(), kUpdateGrain,
                             [&](std::int64_t begin, std::int64_t end) {
                                 adamwUpdate(param + begin, g + begin, expAvg + begin,
                                             expAvgSq + begin, end - begin, s);
                             });
            continue;
        }
        if (gradScale != 1.0) {
            grad.mul_(gradScale);
        }
        if (slot.weightDecay != 0.0) {
            slot.param.mul_(1.0 - slotLr * slot.weightDecay);
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
    // Not LibTorch's archive: its writer finishes the file in a destructor,
    // which on a full disk throws and ends the process (std::terminate).
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    tensors.reserve(m_slots.size() * 2);
    for (const auto& slot : m_slots) {
        tensors.emplace_back("exp_avg." + slot.name, slot.expAvg);
        tensors.emplace_back("exp_avg_sq." + slot.name, slot.expAvgSq);
    }
    saveSafetensors(path, tensors,
                    {{"format", "issuebert-adamw"}, {"steps", std::to_string(m_steps)}});
}

void AdamW::load(const std::string& path) {
    const SafetensorsFile file = SafetensorsFile::open(path);
    std::int64_t steps = 0;
    const auto count = file.metadata().find("steps");
    const char* end =
        count == file.metadata().end() ? nullptr : count->second.data() + count->second.size();
    if (end == nullptr || std::from_chars(count->second.data(), end, steps).ptr != end ||
        steps < 0) {
        throw ModelError(path + ": the optimizer state has no step count");
    }
    // The stored tensor of key, checked against the parameter it belongs to.
    const auto stored = [&](const std::string& key) {
        if (file.find(key) == nullptr) {
            throw ModelError(path + ": the optimizer state has no \"" + key + "\"");
        }
        return file.load(key, true);
    };
    const auto read = [&](const std::string& key, const torch::Tensor& like) {
        const torch::Tensor value = stored(key);
        if (value.sizes() != like.sizes()) {
            throw ModelError(path + ": \"" + key +
                             "\" is shaped differently from the model's parameter");
        }
        return value.to(like.device(), like.scalar_type());
    };
    torch::NoGradGuard noGrad;
    for (auto& slot : m_slots) {
        slot.expAvg.copy_(read("exp_avg." + slot.name, slot.expAvg));
        slot.expAvgSq.copy_(read("exp_avg_sq." + slot.name, slot.expAvgSq));
    }
    m_steps = steps;
    for (auto& slot : m_slots) {
        if (slot.stepTensor.defined()) {
            slot.stepTensor.fill_(static_cast<double>(m_steps));
        }
    }
}

} // namespace issuebert
