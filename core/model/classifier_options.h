// How a classifier sits on BERT: the head and the pooling that feeds it.
// LibTorch-free, so the ui can offer the choices.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace issuebert {

enum class HeadKind {
    Linear, // Hugging Face's BertForSequenceClassification: dropout + `classifier`
    Mlp,    // the tutorial's: Dense 64 ReLU, Dropout 0.2, Dense 32 ReLU, Dropout 0.2, Dense N
};

enum class Pooling {
    Pooler, // tanh dense on [CLS]: Hugging Face's default
    Cls,    // the raw [CLS] vector: the tutorial's sequence_output[:, 0, :]
    Mean,   // the mean over real tokens: sentence-transformers checkpoints
};

struct ClassifierOptions {
    HeadKind head = HeadKind::Linear;
    Pooling pooling = Pooling::Pooler;
    std::vector<std::string> labels; // class names in id order; their count sizes the head
};

// "linear" / "mlp" and "pooler" / "cls" / "mean": the words config files and
// the CLI use.
const char* headName(HeadKind head);
const char* poolingName(Pooling pooling);
std::optional<HeadKind> parseHeadKind(const std::string& word);
std::optional<Pooling> parsePooling(const std::string& word);

} // namespace issuebert
