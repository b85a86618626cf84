// BertClassifier: BERT under `bert.` plus a head, Hugging Face's
// BertForSequenceClassification layout, so its state dict is their checkpoint's.
// Shapes: B batch, T tokens, H hidden, C classes.
#pragma once

#include "core/model/bert.h"
#include "core/model/classifier_options.h"
#include "core/model/dropout.h"

#include <torch/torch.h>

namespace issuebert {

struct ClassifierOutputs {
    torch::Tensor logits;          // [B, C]
    torch::Tensor lastHiddenState; // [B, T, H]
    torch::Tensor pooledOutput;    // [B, H]: the pooler's output
};

class BertClassifierImpl : public torch::nn::Module {
public:
    // Fresh head (and fresh encoder, until a checkpoint is loaded over it;
    // hfInit as BertModelImpl's). Throws ModelError when options.labels is empty.
    BertClassifierImpl(const BertConfig& config, ClassifierOptions options, bool hfInit = true);

    // inputIds [B, T] int64, attentionMask [B, T], tokenTypeIds [B, T] or
    // undefined → logits [B, C]. With pooler or [CLS] pooling the last layer
    // computes the [CLS] row alone (BertModelImpl::forward's firstTokenOnly).
    torch::Tensor forward(const torch::Tensor& inputIds, const torch::Tensor& attentionMask,
                          const torch::Tensor& tokenTypeIds = {});
    // Logits and every token's last hidden state (the full last layer).
    ClassifierOutputs forwardAll(const torch::Tensor& inputIds, const torch::Tensor& attentionMask,
                                 const torch::Tensor& tokenTypeIds = {});
    // Logits [B, C] from word embeddings [B, T, H] (see BertModelImpl::forwardEmbeds).
    torch::Tensor forwardEmbeds(const torch::Tensor& wordEmbeds, const torch::Tensor& attentionMask,
                                const torch::Tensor& tokenTypeIds = {});

    const BertConfig& config() const { return m_config; }
    const ClassifierOptions& options() const { return m_options; }
    int numLabels() const { return static_cast<int>(m_options.labels.size()); }

    BertModel bert{nullptr};
    BatchDropout dropout{nullptr};         // linear head: before `classifier`
    torch::nn::Linear classifier{nullptr}; // linear head
    torch::nn::Sequential mlp{nullptr};    // mlp head, registered as "classifier"

private:
    // The head on the pooled features of encoded → logits [B, C]
    torch::Tensor logitsFrom(const BertOutputs& encoded, const torch::Tensor& attentionMask);

    BertConfig m_config;
    ClassifierOptions m_options;
};
TORCH_MODULE(BertClassifier);

// Parameters of a module (every element of every parameter tensor).
std::int64_t parameterCount(const torch::nn::Module& module);

} // namespace issuebert
