// Classifier heads on BERT and the pooling that feeds them (classifier_options.h
// names the choices). Shapes: B batch, T tokens, H hidden, C classes.
#pragma once

#include "core/model/classifier_options.h"

#include <torch/torch.h>

namespace issuebert {

// Hidden units of the tutorial's MLP head, and its dropout.
inline constexpr int kMlpHidden1 = 64;
inline constexpr int kMlpHidden2 = 32;
inline constexpr double kMlpDropout = 0.2;

// One vector per text for the head. lastHidden [B, T, H], pooled [B, H] (the
// pooler's output; needed for Pooling::Pooler only), attentionMask [B, T] → [B, H].
torch::Tensor poolHidden(Pooling pooling, const torch::Tensor& lastHidden,
                         const torch::Tensor& pooled, const torch::Tensor& attentionMask);

// Whether pooling reads nothing but the [CLS] row of the last hidden state
// (the pooler and [CLS] pooling; mean pooling reads every token).
inline bool readsFirstTokenOnly(Pooling pooling) {
    return pooling == Pooling::Pooler || pooling == Pooling::Cls;
}

// Hugging Face's `classifier`: Linear(H, C), weights normal(0, initializerRange),
// zero bias, as BertForSequenceClassification initialises it.
torch::nn::Linear makeLinearHead(int hidden, int classes, double initializerRange);

// The tutorial's head as a Sequential, so its keys are PyTorch's
// (classifier.0, .3, .6): Linear 64, ReLU, Dropout, Linear 32, ReLU, Dropout,
// Linear C; Glorot-uniform weights and zero biases as Keras' Dense starts.
torch::nn::Sequential makeMlpHead(int hidden, int classes);

} // namespace issuebert
