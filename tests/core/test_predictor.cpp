// Predictor: probabilities in input order whatever the batching, thresholds,
// cancel, folders it must refuse, and attributions (integrated gradients)
// that point at the word a small trained model decides by.
#include "core/eval/inference.h"
#include "core/eval/predictor.h"
#include "core/io/errors.h"
#include "core/model/model_folder.h"
#include "core/model/model_save.h"
#include "core/model/safetensors.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>

// Last: it replaces the CHECK macros LibTorch brings (glog's).
#include "tests/support/unit.h"

using namespace issuebert;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kLabels{"bug", "feature", "question"};
// The word that marks each class in the toy data, in label order.
const std::vector<std::string> kTriggers{"crash", "add", "how"};
// Words every class uses.
const std::vector<std::string> kFillers{"the",  "app",  "page", "button", "login",
                                        "menu", "file", "user", "screen", "window"};
// The toy model's max length (tokens with [CLS] and [SEP]).
constexpr int kMaxLength = 16;

std::vector<std::string> vocabulary() {
    std::vector<std::string> tokens{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
    tokens.insert(tokens.end(), kTriggers.begin(), kTriggers.end());
    tokens.insert(tokens.end(), kFillers.begin(), kFillers.end());
    for (const char* piece : {"token", "##izer", "##ing", "##s"}) {
        tokens.emplace_back(piece);
    }
    return tokens;
}

// hidden 32, 2 layers, no dropout (so a few training steps settle).
std::string tinyConfig(int vocabSize) {
    return R"({"architectures": ["BertModel"], "model_type": "bert", "hidden_size": 32,
      "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 37,
      "max_position_embeddings": 64, "hidden_dropout_prob": 0.0,
      "attention_probs_dropout_prob": 0.0, "vocab_size": )" +
           std::to_string(vocabSize) + "}";
}

void writeVocab(const fs::path& dir) {
    fs::create_directories(dir);
    std::ofstream out(dir / "vocab.txt");
    for (const std::string& token : vocabulary()) {
        out << token << '\n';
    }
}

// Saves model as a fine-tuned folder dir (tokenizer files from a sibling folder).
std::string saveFolder(BertClassifierImpl& model, const fs::path& dir) {
    const fs::path tokenizer = dir.string() + "-tokenizer";
    writeVocab(tokenizer);
    SaveOptions options;
    options.encoder.maxLength = kMaxLength;
    saveModelFolder(model, tokenizer.string(), dir.string(), options);
    return dir.string();
}

// "the app crash menu": 1 to 8 fillers around class cls's trigger, from an LCG.
std::string toyText(int cls, std::uint32_t& state) {
    const auto next = [&](std::size_t n) {
        state = state * 1664525U + 1013904223U;
        return static_cast<std::size_t>(state >> 16) % n;
    };
    std::vector<std::string> words;
    const std::size_t fillers = 1 + next(8);
    for (std::size_t i = 0; i < fillers; ++i) {
        words.push_back(kFillers[next(kFillers.size())]);
    }
    words.insert(words.begin() + static_cast<std::ptrdiff_t>(next(words.size() + 1)),
                 kTriggers[static_cast<std::size_t>(cls)]);
    std::string text;
    for (const std::string& word : words) {
        text += (text.empty() ? "" : " ") + word;
    }
    return text;
}

// A classifier trained until each class's trigger word decides it, saved once
// per test run. *finalLoss receives the last training loss.
std::string toyModel(double* finalLoss = nullptr) {
    static unit::TempDir temp;
    static double loss = 0.0;
    static const std::string path = [] {
        torch::manual_seed(11);
        BertClassifier model(
            parseBertConfig(tinyConfig(static_cast<int>(vocabulary().size())), "toy config.json"),
            ClassifierOptions{HeadKind::Linear, Pooling::Mean, kLabels});
        const Tokenizer tokenizer(Vocab::fromTokens(vocabulary()), {});
        const Encoder encoder(tokenizer,
                              EncoderOptions{kMaxLength, Truncation::Head, false, true, {}});
        std::vector<std::int64_t> ids;
        std::vector<std::int64_t> mask;
        std::vector<std::int64_t> targets;
        std::uint32_t state = 5;
        for (int i = 0; i < 48; ++i) {
            const Encoding e = encoder.encode(toyText(i % 3, state));
            ids.insert(ids.end(), e.inputIds.begin(), e.inputIds.end());
            mask.insert(mask.end(), e.attentionMask.begin(), e.attentionMask.end());
            targets.push_back(i % 3);
        }
        const auto idsT = torch::tensor(ids).view({-1, kMaxLength});   // [48, T]
        const auto maskT = torch::tensor(mask).view({-1, kMaxLength}); // [48, T]
        const auto targetsT = torch::tensor(targets);                  // [48]
        torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(3e-3));
        model->train();
        for (int step = 0; step < 80; ++step) {
            optimizer.zero_grad();
            const auto lossT = torch::cross_entropy_loss(model(idsT, maskT), targetsT);
            lossT.backward();
            optimizer.step();
            loss = lossT.item<double>();
        }
        model->eval();
        return saveFolder(*model, temp.path() / "toy");
    }();
    if (finalLoss != nullptr) {
        *finalLoss = loss;
    }
    return path;
}

Issue issue(const std::string& title, const std::string& body = "") {
    Issue out;
    out.title = title;
    out.body = body;
    return out;
}

// fp32 on the CPU: the exact figures most tests compare (auto would choose
// bf16 on a processor with native bf16; the bf16 tests ask for it).
PredictorOptions onCpu(Precision precision = Precision::Float32) {
    PredictorOptions options;
    options.device = DeviceChoice::Cpu;
    options.precision = precision;
    return options;
}

// Issues of 1 to 10 words, each with one class's trigger, lengths shuffled.
std::vector<Issue> mixedIssues(std::vector<int>* classes) {
    std::vector<Issue> issues;
    for (int i = 0; i < 14; ++i) {
        const int words = 1 + (i * 7) % 10;
        const int cls = (i * 5) % 3;
        std::string text = kTriggers[static_cast<std::size_t>(cls)];
        for (int w = 1; w < words; ++w) {
            text += " " + kFillers[static_cast<std::size_t>((i + w) % 10)];
        }
        issues.push_back(issue(text));
        classes->push_back(cls);
    }
    return issues;
}

} // namespace

TEST_CASE("predictions from logits: softmax rows, the argmax class and its probability; a "
          "model whose classes do not match its labels is refused") {
    // Logits 0 and ln 3 give probabilities 1/4 and 3/4.
    const auto logits = torch::tensor({0.0F, std::log(3.0F), std::log(3.0F), 0.0F}).reshape({2, 2});
    const Predictions p = predictionsFromLogits(logits, {"bug", "feature"});
    CHECK_EQ(p.labels, (std::vector<std::string>{"bug", "feature"}));
    CHECK_EQ(p.predicted, (std::vector<int>{1, 0}));
    CHECK(std::abs(p.confidence[0] - 0.75F) < 1e-6F);
    CHECK(std::abs(p.probability(0, 0) - 0.25F) < 1e-6F);
    CHECK(std::abs(p.probability(1, 0) - 0.75F) < 1e-6F);
    CHECK(p.uncertain.empty()); // no threshold applied here
    CHECK_THROWS_WITH(predictionsFromLogits(logits, {"bug", "feature", "question"}), ModelError,
                      "the model gives 2 class scores per issue but names 3 classes");
}

TEST_CASE("predictor: the toy model learnt its trigger words (the tests below rely on it)") {
    double loss = 1.0;
    toyModel(&loss);
    CHECK(loss < 0.05);
}

TEST_CASE("predictor: rows come back in input order, equal to one issue's probabilities") {
    const Predictor predictor(toyModel(), [] {
        PredictorOptions options = onCpu();
        options.batchSize = 3; // several batches, sorted by length: not input order
        return options;
    }());
    CHECK_EQ(predictor.labels(), kLabels);
    std::vector<int> classes;
    const std::vector<Issue> issues = mixedIssues(&classes);
    const Predictions out = predictor.predict(issues);
    CHECK_EQ(out.size(), issues.size());
    CHECK_EQ(out.labels, kLabels);
    CHECK_EQ(out.probabilities.size(), issues.size() * kLabels.size());
    for (std::size_t row = 0; row < issues.size(); ++row) {
        const std::vector<float> single = predictor.probabilities(issues[row]);
        CHECK_EQ(single.size(), kLabels.size());
        float sum = 0.0F;
        for (int cls = 0; cls < 3; ++cls) {
            CHECK_NEAR(out.probability(row, cls), single[static_cast<std::size_t>(cls)], 1e-5);
            sum += out.probability(row, cls);
        }
        CHECK_NEAR(sum, 1.0, 1e-5);
        // The trigger decides: a row out of place would show a wrong class.
        CHECK_EQ(out.predicted[row], classes[row]);
        CHECK_NEAR(out.confidence[row], out.probability(row, out.predicted[row]), 0.0);
        CHECK(!out.uncertain[row]);
    }
}

TEST_CASE("predictor: progress counts issues through the model; an empty list is no error") {
    PredictorOptions options = onCpu();
    options.batchSize = 2;
    const Predictor predictor(toyModel(), options);
    std::vector<Issue> issues;
    for (int i = 0; i < 5; ++i) {
        issues.push_back(issue("crash " + kFillers[static_cast<std::size_t>(i)]));
    }
    std::vector<std::size_t> done;
    predictor.predict(issues, [&](std::size_t d, std::size_t total) {
        CHECK_EQ(total, std::size_t{5});
        done.push_back(d);
    });
    CHECK_EQ(done, (std::vector<std::size_t>{2, 4, 5}));
    const Predictions none = predictor.predict({});
    CHECK_EQ(none.size(), std::size_t{0});
    CHECK_EQ(none.labels, kLabels);
}

TEST_CASE("predictor: the threshold marks exactly the rows whose confidence is below it") {
    std::vector<int> classes;
    std::vector<Issue> issues = mixedIssues(&classes);
    // No trigger, or two: less sure.
    issues.push_back(issue("the app menu"));
    issues.push_back(issue("crash add how"));
    const Predictions plain = Predictor(toyModel(), onCpu()).predict(issues);
    CHECK(std::none_of(plain.uncertain.begin(), plain.uncertain.end(), [](bool u) { return u; }));
    const auto [low, high] = std::minmax_element(plain.confidence.begin(), plain.confidence.end());
    CHECK(*high - *low > 0.05F);
    PredictorOptions options = onCpu();
    options.threshold = (*low + *high) / 2.0F;
    const Predictions marked = Predictor(toyModel(), options).predict(issues);
    CHECK_NEAR(marked.threshold, options.threshold, 0.0);
    std::size_t uncertain = 0;
    for (std::size_t row = 0; row < marked.size(); ++row) {
        CHECK_EQ(static_cast<bool>(marked.uncertain[row]),
                 marked.confidence[row] < options.threshold);
        uncertain += marked.uncertain[row] ? 1 : 0;
    }
    CHECK(uncertain > 0 && uncertain < marked.size());
    options.threshold = 1.5F;
    CHECK_THROWS_WITH(Predictor(toyModel(), options), DataError, "threshold 1.5 is outside [0, 1]");
}

TEST_CASE("predictor: cancel stops before the next batch with CancelledError") {
    PredictorOptions options = onCpu();
    options.batchSize = 2;
    const Predictor predictor(toyModel(), options);
    const std::vector<Issue> issues(8, issue("how login"));
    std::atomic<bool> cancel{true};
    CHECK_THROWS_WITH(predictor.predict(issues, {}, &cancel), CancelledError, "cancelled");
    cancel = false;
    int batches = 0;
    CHECK_THROWS_WITH(predictor.predict(
                          issues,
                          [&](std::size_t, std::size_t) {
                              ++batches;
                              cancel = true;
                          },
                          &cancel),
                      CancelledError, "cancelled");
    CHECK_EQ(batches, 1);
}

TEST_CASE("predictor: a saved fine-tune's input settings apply; CPU is named") {
    const Predictor predictor(toyModel(), onCpu());
    CHECK_EQ(predictor.encoderOptions().maxLength, kMaxLength);
    CHECK(!predictor.encoderOptions().padToMaxLength);
    CHECK_EQ(predictor.deviceName(), std::string("CPU"));
    // Moved, it still predicts.
    Predictor first(toyModel(), onCpu());
    const Predictor moved(std::move(first));
    CHECK_EQ(moved.probabilities(issue("add")).size(), std::size_t{3});
}

TEST_CASE("predictor: refuses a pretrained folder without labels, and one without a head") {
    unit::TempDir temp;
    const int vocab = static_cast<int>(vocabulary().size());
    BertModel encoder(parseBertConfig(tinyConfig(vocab), "config.json"));
    std::vector<std::pair<std::string, torch::Tensor>> weights;
    for (const auto& item : encoder->named_parameters()) {
        weights.emplace_back(item.key(), item.value().detach().clone());
    }
    const fs::path dir = temp.path() / "pretrained";
    writeVocab(dir);
    std::ofstream(dir / "config.json") << tinyConfig(vocab);
    saveSafetensors((dir / "model.safetensors").string(), weights);
    CHECK_THROWS_WITH(Predictor(dir.string(), onCpu()), ModelError, "no class labels");
    CHECK_THROWS_WITH(Predictor(dir.string(), onCpu()), ModelError, dir.string());

    // Labels in config.json, but no classifier weights: a random head.
    std::string withLabels = tinyConfig(vocab);
    withLabels.insert(1, R"("id2label": {"0": "bug", "1": "feature"}, )");
    std::ofstream(dir / "config.json", std::ios::trunc) << withLabels;
    CHECK_THROWS_WITH(Predictor(dir.string(), onCpu()), ModelError, "classifier.");
}

TEST_CASE("predictor: vocab.txt longer than config.json's vocab_size is refused at open") {
    unit::TempDir temp;
    BertClassifier model(parseBertConfig(tinyConfig(12), "config.json"),
                         ClassifierOptions{HeadKind::Linear, Pooling::Pooler, kLabels});
    const std::string dir = saveFolder(*model, temp.path() / "mismatch");
    CHECK_THROWS_WITH(Predictor(dir, onCpu()), ModelError,
                      "vocab.txt has " + std::to_string(vocabulary().size()) +
                          " tokens but config.json's vocab_size is 12");
    CHECK_THROWS_WITH(Predictor(dir, onCpu()), ModelError, dir);
}

TEST_CASE("predictor: a device this machine does not have is refused") {
    if (torch::cuda::is_available()) {
        SKIP("CUDA is available here: cuda is a valid choice");
    }
    PredictorOptions options;
    options.device = DeviceChoice::Cuda;
    CHECK_THROWS_WITH(Predictor(toyModel(), options), ModelError, "no CUDA device");
    options.device = DeviceChoice::Auto;
    CHECK_EQ(Predictor(toyModel(), options).deviceName(), std::string("CPU"));
}

TEST_CASE("predictor: bf16 autocast on the CPU gives fp32's classes, probabilities within 0.02, "
          "and says what runs") {
    const Predictor exact(toyModel(), onCpu(Precision::Float32));
    const Predictor fast(toyModel(), onCpu(Precision::BFloat16));
    CHECK(!exact.bf16());
    CHECK(fast.bf16());
    CHECK_EQ(exact.precisionReason(), std::string("fp32, as asked"));
    CHECK(fast.precisionReason().find("bf16 autocast, as asked") == 0);
    // Auto follows this processor: bf16 exactly where it has native bf16.
    const Predictor automatic(toyModel(), onCpu(Precision::Auto));
    CHECK_EQ(automatic.bf16(), cpuFeatures().nativeBf16());
    std::vector<int> classes;
    const std::vector<Issue> issues = mixedIssues(&classes);
    const Predictions a = exact.predict(issues);
    const Predictions b = fast.predict(issues);
    double largest = 0.0;
    for (std::size_t row = 0; row < issues.size(); ++row) {
        CHECK_EQ(b.predicted[row], a.predicted[row]);
        for (int cls = 0; cls < 3; ++cls) {
            largest = std::max<double>(largest,
                                       std::abs(a.probability(row, cls) - b.probability(row, cls)));
        }
    }
    CHECK(largest < 0.02);
    CHECK(largest > 0.0); // it did compute in bf16
    // Attribution too: the same word decides.
    const std::string text = "the " + std::string(kTriggers[1]) + " login screen";
    const Attribution ea = exact.explain(issue(text));
    const Attribution fa = fast.explain(issue(text));
    CHECK_EQ(fa.explainedClass, ea.explainedClass);
    const auto top = [](const Attribution& at) {
        return std::max_element(at.words.begin(), at.words.end(),
                                [](const auto& x, const auto& y) {
                                    return std::abs(x.score) < std::abs(y.score);
                                })
            ->word;
    };
    CHECK_EQ(top(fa), top(ea));
}

TEST_CASE("explain: word embeddings given directly give forward's logits bit for bit") {
    torch::manual_seed(3);
    const BertConfig config = parseBertConfig(tinyConfig(40), "config.json");
    const auto ids = torch::randint(5, 40, {2, 9}, torch::kLong);
    auto mask = torch::ones({2, 9}, torch::kLong);
    mask.slice(1, 6).select(0, 1).zero_(); // the second row is padded after 6 tokens
    const auto types = torch::cat({torch::zeros({2, 4}), torch::ones({2, 5})}, 1).to(torch::kLong);
    for (const auto& [head, pooling] :
         {std::pair{HeadKind::Linear, Pooling::Pooler}, std::pair{HeadKind::Mlp, Pooling::Mean}}) {
        BertClassifier model(config, ClassifierOptions{head, pooling, kLabels});
        model->eval();
        torch::NoGradGuard noGrad;
        const auto embeds = model->bert->embeddings->word_embeddings(ids); // [2, 9, H]
        CHECK(torch::equal(model->forwardEmbeds(embeds, mask, types), model(ids, mask, types)));
        CHECK(torch::equal(model->forwardEmbeds(embeds, mask), model(ids, mask)));
    }
}

TEST_CASE("explain: pieces merge into words, specials are tokens only, scores are finite") {
    const Predictor predictor(toyModel(), onCpu());
    const Attribution a = predictor.explain(issue("The tokenizer", "crashing"));
    std::vector<std::string> tokens;
    for (const TokenAttribution& t : a.tokens) {
        tokens.push_back(t.token);
        CHECK(std::isfinite(t.score));
    }
    CHECK_EQ(tokens, (std::vector<std::string>{"[CLS]", "the", "token", "##izer", "crash", "##ing",
                                               "[SEP]"}));
    std::vector<std::string> words;
    for (const WordAttribution& w : a.words) {
        words.push_back(w.word);
    }
    CHECK_EQ(words, (std::vector<std::string>{"the", "tokenizer", "crashing"}));
    CHECK_NEAR(a.words[1].score, a.tokens[2].score + a.tokens[3].score, 1e-6);
    CHECK_NEAR(a.words[2].score, a.tokens[4].score + a.tokens[5].score, 1e-6);
    CHECK(!a.truncated);
    // Not all zero: the gradient reached the embeddings.
    CHECK(std::any_of(a.tokens.begin(), a.tokens.end(),
                      [](const TokenAttribution& t) { return std::abs(t.score) > 1e-6F; }));
}

TEST_CASE("explain: the predicted class by default, any class on request, probabilities too") {
    const Predictor predictor(toyModel(), onCpu());
    const Issue question = issue("how login screen");
    const std::vector<float> probs = predictor.probabilities(question);
    const Attribution a = predictor.explain(question);
    CHECK_EQ(a.explainedClass, 2);
    CHECK_EQ(a.explainedClass,
             static_cast<int>(std::max_element(probs.begin(), probs.end()) - probs.begin()));
    CHECK_EQ(a.probabilities.size(), probs.size());
    for (std::size_t c = 0; c < probs.size(); ++c) {
        CHECK_NEAR(a.probabilities[c], probs[c], 1e-5);
    }
    const Attribution other = predictor.explain(question, 0);
    CHECK_EQ(other.explainedClass, 0);
    // Explaining another class changes the scores.
    CHECK(std::abs(other.tokens[1].score - a.tokens[1].score) > 1e-6F);
    CHECK_THROWS_WITH(predictor.explain(question, 3), DataError, "class 3 is not one of");
    CHECK_THROWS_WITH(predictor.explain(question, -2), DataError, "class -2");
}

TEST_CASE("explain: scores add up to the log-probability the words bring; specials score 0") {
    const Predictor predictor(toyModel(), onCpu());
    const std::string text = "the crash login screen";
    const Attribution a = predictor.explain(issue(text), 0);
    // The log-probability of "bug" with every word embedding but the specials' zeroed.
    const ModelFolder folder = openModelFolder(toyModel());
    BertClassifier model = loadClassifier(folder, defaultClassifierOptions(folder, kLabels));
    const Tokenizer tokenizer = Tokenizer::fromModelDir(toyModel());
    const Encoding e = Encoder(tokenizer, predictor.encoderOptions()).encode(text);
    const auto ids = torch::tensor(std::vector<std::int64_t>(e.inputIds.begin(), e.inputIds.end()))
                         .unsqueeze(0); // [1, T]
    const torch::NoGradGuard noGrad;
    auto baseline = model->bert->embeddings->word_embeddings(ids); // [1, T, H]
    baseline.slice(1, 1, ids.size(1) - 1).zero_();
    const double empty =
        torch::log_softmax(model->forwardEmbeds(baseline, torch::ones_like(ids)), -1)[0][0]
            .item<double>();
    const double gain = std::log(static_cast<double>(a.probabilities[0])) - empty;
    CHECK(gain > 0.5); // the words matter, so the sum below says something
    double sum = 0.0;
    for (const TokenAttribution& t : a.tokens) {
        sum += t.score;
    }
    CHECK_NEAR(sum, gain, 0.05 * gain);
    CHECK_EQ(a.tokens.front().score, 0.0F);
    CHECK_EQ(a.tokens.back().score, 0.0F);
}

TEST_CASE("explain: each position has its own score, even where a token repeats") {
    const Predictor predictor(toyModel(), onCpu());
    const Attribution a = predictor.explain(issue("crash menu crash file crash"));
    CHECK_EQ(a.words.size(), std::size_t{5});
    const float first = a.words[0].score;
    CHECK(std::abs(a.words[2].score - first) > 1e-7F || std::abs(a.words[4].score - first) > 1e-7F);
}

TEST_CASE("explain: a long text is truncated to the max length and says so") {
    const Predictor predictor(toyModel(), onCpu());
    std::string text;
    for (int i = 0; i < 30; ++i) {
        text += kFillers[static_cast<std::size_t>(i % 10)] + " ";
    }
    const Attribution a = predictor.explain(issue(text + "crash"));
    CHECK(a.truncated);
    CHECK_EQ(a.tokens.size(), std::size_t{kMaxLength});
    CHECK_EQ(a.tokens.front().token, std::string("[CLS]"));
    CHECK_EQ(a.tokens.back().token, std::string("[SEP]"));
    CHECK_EQ(a.words.size(), std::size_t{kMaxLength - 2});
}

TEST_CASE("explain: the word the model decides by has the largest attribution") {
    const Predictor predictor(toyModel(), onCpu());
    for (int cls = 0; cls < 3; ++cls) {
        const std::string trigger = kTriggers[static_cast<std::size_t>(cls)];
        for (const std::string& text :
             {"the " + trigger + " login screen", "menu file " + trigger, trigger + " user page"}) {
            const Attribution a = predictor.explain(issue(text));
            CHECK_EQ(a.explainedClass, cls);
            const auto top =
                std::max_element(a.words.begin(), a.words.end(), [](const auto& x, const auto& y) {
                    return std::abs(x.score) < std::abs(y.score);
                });
            if (top->word != trigger) {
                unit::fail("\"" + text + "\": \"" + top->word + "\" scores " +
                               std::to_string(top->score) + ", above \"" + trigger + "\"",
                           __FILE__, __LINE__);
                return;
            }
            CHECK(top->score > 0.0F); // it pushes towards its class
        }
    }
}
