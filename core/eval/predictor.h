// Runs a fine-tuned model folder over issues: class probabilities per issue
// (a dataset in batches, or one pasted issue), and why — token attributions.
// LibTorch-free (pimpl), so the ui's workers use it directly.
#pragma once

#include "core/data/issue.h"
#include "core/eval/predictions.h"
#include "core/model/device.h"
#include "core/model/precision.h"
#include "core/text/encoder.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace issuebert {

struct PredictorOptions {
    int batchSize = 64;
    DeviceChoice device = DeviceChoice::Auto;
    Precision precision = Precision::Auto; // bf16 where native: precision.h
    float threshold = 0.0F;                // below it a prediction is uncertain
    int threads = 0;                       // tokenizing threads; 0: all cores
};

// One word of the explained issue: WordPiece pieces merged back ("token",
// "##izer" → "tokenizer") with the sum of their scores.
struct WordAttribution {
    std::string word;
    float score = 0.0F; // signed: > 0 pushed towards the explained class
};

struct TokenAttribution {
    std::string token; // as in vocab.txt ("##izer"), [CLS] and [SEP] included
    float score = 0.0F;
};

struct Attribution {
    int explainedClass = 0;
    std::vector<float> probabilities; // per class
    std::vector<TokenAttribution> tokens;
    std::vector<WordAttribution> words; // in text order, specials dropped
    bool truncated = false;             // the text was longer than max length
};

class Predictor {
public:
    // Opens a fine-tuned model folder (config.json with labels, weights,
    // vocab.txt; issuebert.json's head, pooling and input settings when
    // present). Throws ModelError naming the folder when it has no labels, or
    // when vocab.txt and config.json's vocab_size disagree.
    explicit Predictor(const std::string& modelDir, PredictorOptions options = {});
    ~Predictor();
    Predictor(Predictor&&) noexcept;
    Predictor& operator=(Predictor&&) noexcept;

    const std::vector<std::string>& labels() const;
    const EncoderOptions& encoderOptions() const;
    std::string deviceName() const;      // "CPU" or the CUDA device's name
    bool bf16() const;                   // whether it computes under bf16 autocast
    std::string precisionReason() const; // what runs and why ("fp32, as asked")

    // Probabilities for every issue, in order. progress(done, total) counts
    // issues through the forward passes (after tokenizing); throws CancelledError.
    Predictions predict(const std::vector<Issue>& issues,
                        const std::function<void(std::size_t, std::size_t)>& progress = {},
                        const std::atomic<bool>* cancel = nullptr) const;

    // One issue's class probabilities (classify as you type).
    std::vector<float> probabilities(const Issue& issue) const;

    // Why this label: integrated gradients on the word embeddings (gradient ×
    // input, the gradient of the class's log-probability averaged over 16
    // points from a zeroed word embedding), summed over the hidden size, for
    // class cls (-1: the predicted class). Plain gradient × input is not used:
    // the embeddings' LayerNorm makes its sign meaningless. About 40 forward
    // passes: a few seconds for MiniLM on a laptop CPU.
    Attribution explain(const Issue& issue, int cls = -1) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace issuebert
