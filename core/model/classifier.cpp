// BertClassifier: pooling, head and the forward pass.
#include "core/model/classifier.h"

#include "core/io/errors.h"
#include "core/model/heads.h"

namespace issuebert {

BertClassifierImpl::BertClassifierImpl(const BertConfig& config, ClassifierOptions options,
                                       bool hfInit)
    : m_config(config), m_options(std::move(options)) {
    if (m_options.labels.empty()) {
        throw ModelError("classifier: no class labels; the head needs at least one class");
    }
    bert = register_module("bert", BertModel(config, /*addPooler=*/true, hfInit));
    const int classes = numLabels();
    if (m_options.head == HeadKind::Linear) {
        dropout = register_module("dropout", BatchDropout(config.effectiveClassifierDropout()));
        classifier = register_module(
            "classifier", makeLinearHead(config.hiddenSize, classes, config.initializerRange));
    } else {
        mlp = register_module("classifier", makeMlpHead(config.hiddenSize, classes));
    }
}

torch::Tensor BertClassifierImpl::forward(const torch::Tensor& inputIds,
                                          const torch::Tensor& attentionMask,
                                          const torch::Tensor& tokenTypeIds) {
    // Logits alone: the last layer need not compute rows nobody reads.
    const BertOutputs encoded =
        bert(inputIds, attentionMask, tokenTypeIds, readsFirstTokenOnly(m_options.pooling));
    return logitsFrom(encoded, attentionMask);
}

ClassifierOutputs BertClassifierImpl::forwardAll(const torch::Tensor& inputIds,
                                                 const torch::Tensor& attentionMask,
                                                 const torch::Tensor& tokenTypeIds) {
    BertOutputs encoded = bert(inputIds, attentionMask, tokenTypeIds);
    ClassifierOutputs out;
    out.logits = logitsFrom(encoded, attentionMask);
    out.lastHiddenState = std::move(encoded.lastHiddenState);
    out.pooledOutput = std::move(encoded.pooledOutput);
    return out;
}

torch::Tensor BertClassifierImpl::forwardEmbeds(const torch::Tensor& wordEmbeds,
                                                const torch::Tensor& attentionMask,
                                                const torch::Tensor& tokenTypeIds) {
    const BertOutputs encoded = bert->forwardEmbeds(wordEmbeds, attentionMask, tokenTypeIds,
                                                    readsFirstTokenOnly(m_options.pooling));
    return logitsFrom(encoded, attentionMask);
}

torch::Tensor BertClassifierImpl::logitsFrom(const BertOutputs& encoded,
                                             const torch::Tensor& attentionMask) {
    const auto features = poolHidden(m_options.pooling, encoded.lastHiddenState,
                                     encoded.pooledOutput, attentionMask); // [B, H]
    return m_options.head == HeadKind::Linear ? classifier(dropout(features))
                                              : mlp->forward(features); // [B, C]
}

std::int64_t parameterCount(const torch::nn::Module& module) {
    std::int64_t count = 0;
    for (const auto& parameter : module.parameters()) {
        count += parameter.numel();
    }
    return count;
}

} // namespace issuebert
