// BERT's forward pass, step for step as Hugging Face's modeling_bert (eager
// attention on LibTorch 1.13, scaled_dot_product_attention from LibTorch 2).
#include "core/model/bert.h"

#include "core/io/errors.h"
#include "core/model/autocast.h"
#include "core/model/dropout.h"

#include <torch/version.h>

#include <cmath>
#include <limits>
#include <sstream>

namespace issuebert {

namespace {

torch::nn::LayerNorm makeLayerNorm(const BertConfig& config) {
    return torch::nn::LayerNorm(
        torch::nn::LayerNormOptions({config.hiddenSize}).eps(config.layerNormEps));
}

} // namespace

BertEmbeddingsImpl::BertEmbeddingsImpl(const BertConfig& config) {
    word_embeddings = register_module(
        "word_embeddings",
        torch::nn::Embedding(torch::nn::EmbeddingOptions(config.vocabSize, config.hiddenSize)
                                 .padding_idx(config.padTokenId)));
    position_embeddings =
        register_module("position_embeddings",
                        torch::nn::Embedding(config.maxPositionEmbeddings, config.hiddenSize));
    token_type_embeddings = register_module(
        "token_type_embeddings", torch::nn::Embedding(config.typeVocabSize, config.hiddenSize));
    LayerNorm = register_module("LayerNorm", makeLayerNorm(config));
    dropout = register_module("dropout", torch::nn::Dropout(config.hiddenDropoutProb));
}

torch::Tensor BertEmbeddingsImpl::forward(const torch::Tensor& inputIds,
                                          const torch::Tensor& tokenTypeIds) {
    const auto positions =
        torch::arange(inputIds.size(1), inputIds.options().dtype(torch::kLong)).unsqueeze(0);
    // Same order of additions as Hugging Face, so the sums round alike.
    auto embeddings = word_embeddings(inputIds) + token_type_embeddings(tokenTypeIds); // [B, T, H]
    embeddings = embeddings + position_embeddings(positions); // [1, T, H] broadcast
    return philoxDropout(LayerNorm(embeddings), dropout->options.p(), is_training());
}

torch::Tensor BertEmbeddingsImpl::forwardEmbeds(const torch::Tensor& wordEmbeds,
                                                const torch::Tensor& tokenTypeIds) {
    const auto positions =
        torch::arange(wordEmbeds.size(1), tokenTypeIds.options().dtype(torch::kLong)).unsqueeze(0);
    // forward's additions in forward's order, so both give the same bits.
    auto embeddings = wordEmbeds + token_type_embeddings(tokenTypeIds); // [B, T, H]
    embeddings = embeddings + position_embeddings(positions);           // [1, T, H] broadcast
    return philoxDropout(LayerNorm(embeddings), dropout->options.p(), is_training());
}

BertSelfAttentionImpl::BertSelfAttentionImpl(const BertConfig& config)
    : m_heads(config.numAttentionHeads), m_headSize(config.headSize()),
      m_dropoutProb(config.attentionProbsDropoutProb) {
    query = register_module("query", torch::nn::Linear(config.hiddenSize, config.hiddenSize));
    key = register_module("key", torch::nn::Linear(config.hiddenSize, config.hiddenSize));
    value = register_module("value", torch::nn::Linear(config.hiddenSize, config.hiddenSize));
    dropout = register_module("dropout", torch::nn::Dropout(m_dropoutProb));
}

torch::Tensor BertSelfAttentionImpl::forward(const torch::Tensor& hidden,
                                             const torch::Tensor& additiveMask,
                                             const torch::Tensor& queries) {
    const auto batch = hidden.size(0);
    const auto& asking = queries.defined() ? queries : hidden; // [B, Q, H]
    const auto split = [&](const torch::Tensor& x) {           // [B, T, H] → [B, N, T, D]
        return x.view({batch, x.size(1), m_heads, m_headSize}).transpose(1, 2);
    };
    const auto q = split(query(asking)); // [B, N, Q, D]
    const auto k = split(key(hidden));
    const auto v = split(value(hidden));
#if TORCH_VERSION_MAJOR >= 2
    // Fused kernels (flash / memory-efficient on CUDA); the mask must share q's dtype.
    const auto mask =
        additiveMask.scalar_type() == q.scalar_type() ? additiveMask : additiveMask.to(q.dtype());
    auto context =
        at::scaled_dot_product_attention(q, k, v, mask, is_training() ? m_dropoutProb : 0.0, false);
#else
    // Multiply by D^-0.5 as Hugging Face's eager attention does (not divide by √D).
    const double scaling = 1.0 / std::sqrt(static_cast<double>(m_headSize));
    auto scores = torch::matmul(q, k.transpose(-1, -2)) * scaling; // [B, N, Q, T]
    scores = scores + additiveMask;                                // [B, 1, 1, T] broadcast
    const auto probs = philoxDropout(torch::softmax(scores, -1), m_dropoutProb, is_training());
    auto context = torch::matmul(probs, v); // [B, N, Q, D]
#endif
    return context.transpose(1, 2).reshape(
        {batch, asking.size(1), m_heads * m_headSize}); // [B, Q, H]
}

BertResidualOutputImpl::BertResidualOutputImpl(int inFeatures, const BertConfig& config) {
    dense = register_module("dense", torch::nn::Linear(inFeatures, config.hiddenSize));
    LayerNorm = register_module("LayerNorm", makeLayerNorm(config));
    dropout = register_module("dropout", torch::nn::Dropout(config.hiddenDropoutProb));
}

torch::Tensor BertResidualOutputImpl::forward(const torch::Tensor& hidden,
                                              const torch::Tensor& residual) {
    return LayerNorm(philoxDropout(dense(hidden), dropout->options.p(), is_training()) + residual);
}

BertAttentionImpl::BertAttentionImpl(const BertConfig& config) {
    self = register_module("self", BertSelfAttention(config));
    output = register_module("output", BertResidualOutput(config.hiddenSize, config));
}

torch::Tensor BertAttentionImpl::forward(const torch::Tensor& hidden,
                                         const torch::Tensor& additiveMask, bool firstTokenOnly) {
    if (!firstTokenOnly) {
        return output(self(hidden, additiveMask), hidden);
    }
    const auto first = hidden.narrow(1, 0, 1); // [B, 1, H]
    return output(self(hidden, additiveMask, first), first);
}

BertIntermediateImpl::BertIntermediateImpl(const BertConfig& config)
    : m_activation(config.hiddenAct) {
    dense = register_module("dense", torch::nn::Linear(config.hiddenSize, config.intermediateSize));
}

torch::Tensor BertIntermediateImpl::forward(const torch::Tensor& hidden) {
    auto x = dense(hidden); // [B, T, I]
    switch (m_activation) {
    case Activation::Gelu:
        return torch::gelu(x);
    case Activation::GeluNew:
        return torch::gelu(x, "tanh");
    case Activation::Relu:
        return torch::relu(x);
    }
    return x;
}

BertLayerImpl::BertLayerImpl(const BertConfig& config) {
    attention = register_module("attention", BertAttention(config));
    intermediate = register_module("intermediate", BertIntermediate(config));
    output = register_module("output", BertResidualOutput(config.intermediateSize, config));
}

torch::Tensor BertLayerImpl::forward(const torch::Tensor& hidden, const torch::Tensor& additiveMask,
                                     bool firstTokenOnly) {
    const auto attended = attention(hidden, additiveMask, firstTokenOnly);
    return output(intermediate(attended), attended);
}

BertEncoderImpl::BertEncoderImpl(const BertConfig& config) {
    layer = register_module("layer", torch::nn::ModuleList());
    for (int i = 0; i < config.numHiddenLayers; ++i) {
        layer->push_back(BertLayer(config));
    }
}

torch::Tensor BertEncoderImpl::forward(torch::Tensor hidden, const torch::Tensor& additiveMask,
                                       bool firstTokenOnly) {
    const auto layers = layer->size();
    for (std::size_t i = 0; i < layers; ++i) {
        hidden = layer->ptr<BertLayerImpl>(i)->forward(hidden, additiveMask,
                                                       firstTokenOnly && i + 1 == layers);
    }
    return hidden;
}

BertPoolerImpl::BertPoolerImpl(const BertConfig& config) {
    dense = register_module("dense", torch::nn::Linear(config.hiddenSize, config.hiddenSize));
}

torch::Tensor BertPoolerImpl::forward(const torch::Tensor& hidden) {
    return torch::tanh(dense(hidden.select(1, 0))); // [CLS] [B, H] → [B, H]
}

BertModelImpl::BertModelImpl(const BertConfig& config, bool addPooler, bool hfInit)
    : m_config(config) {
    embeddings = register_module("embeddings", BertEmbeddings(config));
    encoder = register_module("encoder", BertEncoder(config));
    if (addPooler) {
        pooler = register_module("pooler", BertPooler(config));
    }
    if (hfInit) {
        initBertWeights(*this, config.initializerRange);
    }
}

BertOutputs BertModelImpl::forward(const torch::Tensor& inputIds,
                                   const torch::Tensor& attentionMask,
                                   const torch::Tensor& tokenTypeIds, bool firstTokenOnly) {
    if (inputIds.dim() != 2) {
        throw ModelError("BERT input: expected token ids of shape [batch, tokens], found " +
                         std::to_string(inputIds.dim()) + " dimensions");
    }
    if (inputIds.size(1) > m_config.maxPositionEmbeddings) {
        throw ModelError("BERT input: " + std::to_string(inputIds.size(1)) +
                         " tokens exceed the model's max_position_embeddings of " +
                         std::to_string(m_config.maxPositionEmbeddings));
    }
    const auto types = tokenTypeIds.defined() ? tokenTypeIds : torch::zeros_like(inputIds);
    // An id past the embedding table (a vocab.txt that is not this model's) would
    // otherwise surface as LibTorch's untyped index error. CPU only: on CUDA the
    // two .item() reads would stall the stream every batch; CUDA callers (the
    // trainer and predictor) must check vocab.txt against vocab_size once instead.
    const auto requireBelow = [](const torch::Tensor& ids, int limit, const char* what,
                                 const char* field) {
        if (ids.numel() == 0 || !ids.device().is_cpu()) {
            return;
        }
        const auto [low, high] = torch::aminmax(ids);
        const auto lowest = low.item<std::int64_t>();
        const auto highest = high.item<std::int64_t>();
        if (lowest < 0 || highest >= limit) {
            throw ModelError("BERT input: " + std::string(what) + " " +
                             std::to_string(lowest < 0 ? lowest : highest) +
                             " is outside the model's " + field + " of " + std::to_string(limit) +
                             " (is the vocabulary this model's?)");
        }
    };
    requireBelow(inputIds, m_config.vocabSize, "token id", "vocab_size");
    requireBelow(types, m_config.typeVocabSize, "token type id", "type_vocab_size");
    return encode(embeddings(inputIds, types), attentionMask, firstTokenOnly);
}

BertOutputs BertModelImpl::encode(const torch::Tensor& embedded, const torch::Tensor& attentionMask,
                                  bool firstTokenOnly) {
    BertOutputs out;
    // Under autocast the attention scores come out of a bf16 matrix product:
    // a mask in that dtype keeps them (and softmax, dropout and the backward
    // pass over [B, heads, T, T]) there, instead of promoting them to fp32 to
    // be cast back for the product with the values.
    const auto maskType = activeAutocastDtype(embedded.device()).value_or(embedded.scalar_type());
    out.lastHiddenState =
        encoder(embedded, additiveAttentionMask(attentionMask, maskType), firstTokenOnly);
    if (pooler) {
        out.pooledOutput = pooler(out.lastHiddenState);
    }
    return out;
}

BertOutputs BertModelImpl::forwardEmbeds(const torch::Tensor& wordEmbeds,
                                         const torch::Tensor& attentionMask,
                                         const torch::Tensor& tokenTypeIds, bool firstTokenOnly) {
    if (wordEmbeds.dim() != 3 || wordEmbeds.size(2) != m_config.hiddenSize) {
        std::ostringstream found;
        found << wordEmbeds.sizes();
        throw ModelError("BERT input: expected word embeddings of shape [batch, tokens, " +
                         std::to_string(m_config.hiddenSize) + "], found " + found.str());
    }
    if (wordEmbeds.size(1) > m_config.maxPositionEmbeddings) {
        throw ModelError("BERT input: " + std::to_string(wordEmbeds.size(1)) +
                         " tokens exceed the model's max_position_embeddings of " +
                         std::to_string(m_config.maxPositionEmbeddings));
    }
    const auto types = tokenTypeIds.defined()
                           ? tokenTypeIds
                           : torch::zeros({wordEmbeds.size(0), wordEmbeds.size(1)},
                                          wordEmbeds.options().dtype(torch::kLong)); // [B, T]
    return encode(embeddings->forwardEmbeds(wordEmbeds, types), attentionMask, firstTokenOnly);
}

torch::Tensor additiveAttentionMask(const torch::Tensor& attentionMask, torch::Dtype dtype) {
    double lowest = std::numeric_limits<float>::lowest();
    if (dtype == torch::kHalf) {
        lowest = -65504.0; // float16's lowest finite value
    } else if (dtype == torch::kBFloat16) {
        lowest = -3.3895313892515355e38; // bfloat16's; float's would round to -inf
    } else if (dtype == torch::kFloat64) {
        lowest = std::numeric_limits<double>::lowest();
    }
    const auto keep = attentionMask.to(dtype).unsqueeze(1).unsqueeze(2); // [B, 1, 1, T]
    return (1.0 - keep) * lowest;
}

std::vector<std::string> bertParameterNames(const BertConfig& config) {
    std::vector<std::string> names;
    const auto affine = [&](const std::string& prefix) {
        names.push_back(prefix + ".weight");
        names.push_back(prefix + ".bias");
    };
    for (const char* table : {"word_embeddings", "position_embeddings", "token_type_embeddings"}) {
        names.push_back(std::string("embeddings.") + table + ".weight");
    }
    affine("embeddings.LayerNorm");
    for (int i = 0; i < config.numHiddenLayers; ++i) {
        const std::string layer = "encoder.layer." + std::to_string(i);
        for (const char* part : {"query", "key", "value"}) {
            affine(layer + ".attention.self." + part);
        }
        affine(layer + ".attention.output.dense");
        affine(layer + ".attention.output.LayerNorm");
        affine(layer + ".intermediate.dense");
        affine(layer + ".output.dense");
        affine(layer + ".output.LayerNorm");
    }
    affine("pooler.dense");
    return names;
}

void initBertWeights(torch::nn::Module& module, double initializerRange) {
    torch::NoGradGuard noGrad;
    for (auto& child : module.modules(/*include_self=*/false)) {
        if (auto* linear = child->as<torch::nn::LinearImpl>()) {
            linear->weight.normal_(0.0, initializerRange);
            if (linear->bias.defined()) {
                linear->bias.zero_();
            }
        } else if (auto* embedding = child->as<torch::nn::EmbeddingImpl>()) {
            embedding->weight.normal_(0.0, initializerRange);
            if (const auto pad = embedding->options.padding_idx()) {
                embedding->weight[*pad].zero_();
            }
        } else if (auto* norm = child->as<torch::nn::LayerNormImpl>()) {
            norm->weight.fill_(1.0);
            norm->bias.zero_();
        }
    }
}

} // namespace issuebert
