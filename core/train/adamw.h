// AdamW with decoupled weight decay (Loshchilov & Hutter), as torch.optim.AdamW
// computes it. Parameter groups carry their own decay (none on biases and
// LayerNorm) and their own share of the learning rate (layer-wise decay). On CUDA with LibTorch 2.x
// one fused kernel (at::_fused_adamw_) updates every parameter; on the CPU float tensors take one
// pass each (adamw_kernel.h), split across threads; anything else a per-tensor loop of LibTorch
// operations. State saves by parameter name, so a resumed run continues bit for bit on the CPU.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

namespace issuebert {

struct AdamWOptions {
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
};

struct ParamGroup {
    std::vector<std::string> names; // state dict names, for saving
    std::vector<torch::Tensor> params;
    double weightDecay = 0.0;
    double lrScale = 1.0; // this group's learning rate: the scheduled rate times lrScale
};

// Trainable parameters of module split the Hugging Face way: decay on weights,
// none on biases and LayerNorm.
std::vector<ParamGroup> decayGroups(const torch::nn::Module& module, double weightDecay);

// decayGroups with layer-wise learning-rate decay (Zhang et al. 2021,
// "Revisiting Few-sample BERT Fine-tuning"): the head and the pooler learn at
// the full rate, encoder layer i of L at layerDecay^(L-1-i) of it, the
// embeddings at layerDecay^L. layerDecay 1: the two groups of decayGroups.
std::vector<ParamGroup> layerDecayGroups(const torch::nn::Module& module, double weightDecay,
                                         double layerDecay);
// The learning-rate share layerDecayGroups gives the parameter called name
// ("bert.encoder.layer.3.output.dense.weight") in a model of layers layers.
double layerLearningRateScale(const std::string& name, int layers, double layerDecay);

class AdamW {
public:
    AdamW(std::vector<ParamGroup> groups, AdamWOptions options = {});

    // One update with learning rate lr from the parameters' .grad() times
    // gradScale (the clipping coefficient; the gradients themselves are left
    // as they are on the CPU). Parameters without a gradient are skipped.
    void step(double lr, double gradScale = 1.0);
    void zeroGrad();
    long long steps() const { return m_steps; }

    // exp_avg / exp_avg_sq per parameter name and the step count, as a
    // safetensors file (written atomically: IoError naming path when the disk
    // is full, never a half-written file).
    void save(const std::string& path) const;
    // Reads what save wrote. Throws ModelError naming path when the file is
    // not such a safetensors file or a parameter's state is missing or shaped
    // differently.
    void load(const std::string& path);

private:
    struct Slot {
        std::string name;
        torch::Tensor param;
        torch::Tensor expAvg;
        torch::Tensor expAvgSq;
        torch::Tensor stepTensor; // fused kernel's per-parameter step count (CUDA)
        double weightDecay = 0.0;
        double lrScale = 1.0;
    };
    std::vector<Slot> m_slots;
    AdamWOptions m_options;
    long long m_steps = 0;
};

} // namespace issuebert
