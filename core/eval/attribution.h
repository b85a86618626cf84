// Integrated gradients on the word embeddings for one encoded issue, and
// WordPiece pieces merged back into words: what Predictor::explain returns.
// Shapes: T tokens, H hidden, C classes.
#pragma once

#include "core/eval/predictor.h"
#include "core/model/classifier.h"
#include "core/text/encoder.h"
#include "core/text/vocab.h"

#include <torch/torch.h>

#include <vector>

namespace issuebert {

// Points on the path from the baseline to the input (midpoint rule), one
// forward and backward pass each: more bring the scores' sum closer to the
// change in log-probability.
inline constexpr int kPathSteps = 16;
// Path points per pass times tokens: bounds the activations a backward pass keeps.
inline constexpr std::int64_t kTokensPerPass = 2048;

struct TokenScores {
    int explainedClass = 0;
    torch::Tensor probabilities; // [C] float32 on the CPU
    torch::Tensor scores;        // [T] float32 on the CPU
};

// Gradient × input on the word embeddings, the gradient of the explained
// class's log-probability averaged along the straight path from a baseline
// (integrated gradients). The baseline keeps [CLS], [SEP] and [PAD] and sets
// every other word embedding to zero, so the scores sum to about the
// log-probability the words add, and specials score 0. Plain gradient × input
// would not do: the embeddings' LayerNorm makes the gradient orthogonal to
// word + position + type, so a word's score would be minus its position's.
// Model in eval mode (no dropout); fp32, or the passes under bf16 autocast
// (log-probabilities and the gradient sum in fp32). cls -1 explains the
// predicted class.
TokenScores integratedGradients(BertClassifierImpl& model, const Vocab& vocab,
                                const Encoding& encoding, int cls, const torch::Device& device,
                                bool bf16 = false);

// Words in text order: "##" pieces joined to the word before them with their
// scores summed; [CLS], [SEP] and [PAD] dropped.
std::vector<WordAttribution> mergeWordPieces(const std::vector<TokenAttribution>& tokens);

} // namespace issuebert
