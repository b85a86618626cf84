// Integrated gradients on the word embeddings (see attribution.h).
#include "core/eval/attribution.h"

#include "core/io/errors.h"
#include "core/model/autocast.h"

#include <algorithm>
#include <string_view>

namespace issuebert {

namespace {

torch::Tensor row(const std::vector<std::int32_t>& values, const torch::Device& device) {
    const std::vector<std::int64_t> wide(values.begin(), values.end());
    return torch::tensor(wide, torch::kInt64).unsqueeze(0).to(device); // [1, T]
}

bool isSpecial(std::string_view token) {
    return token == "[CLS]" || token == "[SEP]" || token == "[PAD]";
}

} // namespace

TokenScores integratedGradients(BertClassifierImpl& model, const Vocab& vocab,
                                const Encoding& encoding, int cls, const torch::Device& device,
                                bool bf16) {
    const int classes = model.numLabels();
    if (cls < -1 || cls >= classes) {
        throw DataError("explain: class " + std::to_string(cls) + " is not one of the model's " +
                        std::to_string(classes) + " classes (0 to " + std::to_string(classes - 1) +
                        ")");
    }
    model.eval();
    const AutocastScope autocast(device, bf16);
    const auto ids = row(encoding.inputIds, device);
    const auto mask = row(encoding.attentionMask, device);
    const auto types = row(encoding.tokenTypeIds, device);
    const auto tokens = ids.size(1);
    TokenScores out;
    torch::Tensor words;    // [1, T, H]
    torch::Tensor baseline; // [1, T, H]
    {
        const torch::NoGradGuard noGrad;
        words = model.bert->embeddings->word_embeddings(ids);
        const auto logProbs =
            torch::log_softmax(model.forwardEmbeds(words, mask, types).to(torch::kFloat32), -1)[0];
        out.explainedClass =
            cls >= 0 ? cls : static_cast<int>(logProbs.argmax().item<std::int64_t>());
        out.probabilities = logProbs.exp().to(torch::kCPU, torch::kFloat32); // [C]
        const auto special =
            (ids == vocab.clsId()) | (ids == vocab.sepId()) | (ids == vocab.padId()); // [1, T]
        baseline = words * special.unsqueeze(-1).to(words.dtype());
    }
    const auto delta = words - baseline; // [1, T, H]
    // Prediction may run under a NoGradGuard; these passes need their gradient.
    const torch::AutoGradMode enableGrad(true);
    auto gradientSum = torch::zeros_like(words); // [1, T, H]
    const std::int64_t perPass = std::max<std::int64_t>(1, kTokensPerPass / tokens);
    for (std::int64_t first = 0; first < kPathSteps; first += perPass) {
        const std::int64_t n = std::min<std::int64_t>(perPass, kPathSteps - first);
        const auto alphas = (torch::arange(first, first + n, words.options()) + 0.5) /
                            static_cast<double>(kPathSteps); // [n]
        // A leaf of its own, so each position gets its own gradient even where a
        // token id repeats (the embedding table's gradient would sum them).
        const auto points =
            (baseline + alphas.view({n, 1, 1}) * delta).detach().requires_grad_(true); // [n, T, H]
        const auto logits =
            model.forwardEmbeds(points, mask.expand({n, tokens}), types.expand({n, tokens}));
        // The log-probability rather than the logit: a logit can rise for every
        // class at once, which says nothing about this class against the others.
        const auto target =
            torch::log_softmax(logits.to(torch::kFloat32), -1).select(1, out.explainedClass).sum();
        // grad() rather than backward(): no parameter's .grad is touched.
        gradientSum +=
            torch::autograd::grad({target}, {points})[0].to(torch::kFloat32).sum(0, true);
    }
    const auto scores = (gradientSum / static_cast<double>(kPathSteps) * delta).sum(-1)[0]; // [T]
    out.scores = scores.detach().to(torch::kCPU, torch::kFloat32);
    return out;
}

std::vector<WordAttribution> mergeWordPieces(const std::vector<TokenAttribution>& tokens) {
    std::vector<WordAttribution> words;
    bool joinable = false; // a "##" piece may extend the last word (no special in between)
    for (const TokenAttribution& token : tokens) {
        if (isSpecial(token.token)) {
            joinable = false;
            continue;
        }
        const bool piece = token.token.size() > 2 && token.token.compare(0, 2, "##") == 0;
        if (piece && joinable) {
            words.back().word += token.token.substr(2);
            words.back().score += token.score;
        } else {
            words.push_back({piece ? token.token.substr(2) : token.token, token.score});
            joinable = true;
        }
    }
    return words;
}

} // namespace issuebert
