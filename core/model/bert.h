// BERT's encoder in LibTorch, module for module as Hugging Face's modeling_bert:
// registered names equal the checkpoint keys (embeddings.word_embeddings,
// encoder.layer.0.attention.self.query, ...), so loading is a name lookup.
// Shapes: B batch, T tokens, H hidden, N heads, D = H / N head size, I intermediate.
#pragma once

#include "core/model/bert_config.h"

#include <torch/torch.h>

namespace issuebert {

class BertEmbeddingsImpl : public torch::nn::Module {
public:
    explicit BertEmbeddingsImpl(const BertConfig& config);
    // inputIds, tokenTypeIds [B, T] int64 → [B, T, H]
    torch::Tensor forward(const torch::Tensor& inputIds, const torch::Tensor& tokenTypeIds);
    // The same from word embeddings already looked up, wordEmbeds [B, T, H]
    // (Hugging Face's inputs_embeds) → [B, T, H]
    torch::Tensor forwardEmbeds(const torch::Tensor& wordEmbeds, const torch::Tensor& tokenTypeIds);

    torch::nn::Embedding word_embeddings{nullptr};
    torch::nn::Embedding position_embeddings{nullptr};
    torch::nn::Embedding token_type_embeddings{nullptr};
    torch::nn::LayerNorm LayerNorm{nullptr};
    torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(BertEmbeddings);

class BertSelfAttentionImpl : public torch::nn::Module {
public:
    explicit BertSelfAttentionImpl(const BertConfig& config);
    // hidden [B, T, H], additiveMask [B, 1, 1, T] (0 keep, lowest() drop) → [B, T, H].
    // With queries [B, Q, H] defined, only those rows ask (keys and values still
    // come from all of hidden) → [B, Q, H].
    torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& additiveMask,
                          const torch::Tensor& queries = {});

    torch::nn::Linear query{nullptr};
    torch::nn::Linear key{nullptr};
    torch::nn::Linear value{nullptr};
    torch::nn::Dropout dropout{nullptr};

private:
    int m_heads;
    int m_headSize;
    double m_dropoutProb;
};
TORCH_MODULE(BertSelfAttention);

// Dense + dropout + residual LayerNorm: `attention.output` and `output`.
class BertResidualOutputImpl : public torch::nn::Module {
public:
    BertResidualOutputImpl(int inFeatures, const BertConfig& config);
    // hidden [B, T, in], residual [B, T, H] → [B, T, H]
    torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& residual);

    torch::nn::Linear dense{nullptr};
    torch::nn::LayerNorm LayerNorm{nullptr};
    torch::nn::Dropout dropout{nullptr};
};
TORCH_MODULE(BertResidualOutput);

class BertAttentionImpl : public torch::nn::Module {
public:
    explicit BertAttentionImpl(const BertConfig& config);
    // [B, T, H] → [B, T, H]; with firstTokenOnly → [B, 1, H], the [CLS] row alone
    torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& additiveMask,
                          bool firstTokenOnly = false);

    BertSelfAttention self{nullptr};
    BertResidualOutput output{nullptr};
};
TORCH_MODULE(BertAttention);

class BertIntermediateImpl : public torch::nn::Module {
public:
    explicit BertIntermediateImpl(const BertConfig& config);
    // [B, T, H] → [B, T, I]
    torch::Tensor forward(const torch::Tensor& hidden);

    torch::nn::Linear dense{nullptr};

private:
    Activation m_activation;
};
TORCH_MODULE(BertIntermediate);

class BertLayerImpl : public torch::nn::Module {
public:
    explicit BertLayerImpl(const BertConfig& config);
    // [B, T, H] → [B, T, H]; with firstTokenOnly → [B, 1, H] (see BertModelImpl::forward)
    torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& additiveMask,
                          bool firstTokenOnly = false);

    BertAttention attention{nullptr};
    BertIntermediate intermediate{nullptr};
    BertResidualOutput output{nullptr};
};
TORCH_MODULE(BertLayer);

class BertEncoderImpl : public torch::nn::Module {
public:
    explicit BertEncoderImpl(const BertConfig& config);
    // [B, T, H] → [B, T, H]; with firstTokenOnly the last layer computes the
    // [CLS] row alone → [B, 1, H]
    torch::Tensor forward(torch::Tensor hidden, const torch::Tensor& additiveMask,
                          bool firstTokenOnly = false);

    torch::nn::ModuleList layer{nullptr};
};
TORCH_MODULE(BertEncoder);

class BertPoolerImpl : public torch::nn::Module {
public:
    explicit BertPoolerImpl(const BertConfig& config);
    // [B, T, H] → tanh(dense([CLS])) [B, H]
    torch::Tensor forward(const torch::Tensor& hidden);

    torch::nn::Linear dense{nullptr};
};
TORCH_MODULE(BertPooler);

struct BertOutputs {
    torch::Tensor lastHiddenState; // [B, T, H]; [B, 1, H] when firstTokenOnly
    torch::Tensor pooledOutput;    // [B, H]; undefined without a pooler
};

class BertModelImpl : public torch::nn::Module {
public:
    // Weights start as Hugging Face initialises them (normal(0, initializer_range),
    // zero biases, unit LayerNorms); hfInit false leaves LibTorch's cheaper
    // default init for a model a checkpoint is about to overwrite.
    explicit BertModelImpl(const BertConfig& config, bool addPooler = true, bool hfInit = true);
    // inputIds [B, T] int64; attentionMask [B, T] (1 token, 0 padding), any
    // integer or bool dtype; tokenTypeIds [B, T] int64 or undefined (all 0).
    // Throws ModelError when T exceeds max_position_embeddings.
    // firstTokenOnly: the caller reads nothing but the [CLS] row (the pooler or
    // [CLS] pooling), so the last layer computes that row alone: queries, the
    // attention output and the feed-forward block for 1 token instead of T. The
    // [CLS] row and the pooled output are the same as the full pass's (up to
    // float rounding) and the step needs about 1/L less work for L layers.
    BertOutputs forward(const torch::Tensor& inputIds, const torch::Tensor& attentionMask,
                        const torch::Tensor& tokenTypeIds = {}, bool firstTokenOnly = false);
    // forward from word embeddings [B, T, H] instead of ids (Hugging Face's
    // inputs_embeds): gradient × input attributions differentiate by them.
    // Token type ids are not range-checked here.
    BertOutputs forwardEmbeds(const torch::Tensor& wordEmbeds, const torch::Tensor& attentionMask,
                              const torch::Tensor& tokenTypeIds = {}, bool firstTokenOnly = false);

    const BertConfig& config() const { return m_config; }

    BertEmbeddings embeddings{nullptr};
    BertEncoder encoder{nullptr};
    BertPooler pooler{nullptr}; // null when built without one

private:
    // embedded [B, T, H] through the encoder and the pooler.
    BertOutputs encode(const torch::Tensor& embedded, const torch::Tensor& attentionMask,
                       bool firstTokenOnly);

    BertConfig m_config;
};
TORCH_MODULE(BertModel);

// [B, T] 1/0 mask → [B, 1, 1, T] in dtype: 0 where attended, the dtype's lowest
// value where padded (Hugging Face's extended attention mask).
torch::Tensor additiveAttentionMask(const torch::Tensor& attentionMask, torch::Dtype dtype);

// The parameter names of BertModel(config) in registration order, without
// building it (cheap: for listing what a checkpoint must hold).
std::vector<std::string> bertParameterNames(const BertConfig& config);

// Hugging Face's _init_weights for every Linear, Embedding and LayerNorm in module.
void initBertWeights(torch::nn::Module& module, double initializerRange);

} // namespace issuebert
