// Parity with Hugging Face transformers (fixtures by tests/reference/
// make_model_fixtures.py): (a) a tiny random BERT, (b) the default model,
// (c) a folder IssueBERT saved, opened by transformers; (d) save → load is exact.
#include "core/io/errors.h"
#include "core/io/paths.h"
#include "core/model/model_folder.h"
#include "core/model/model_save.h"
#include "core/model/safetensors.h"
#include "core/text/encoder.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

// Last: it replaces the CHECK macros LibTorch brings (glog's).
#include "tests/support/unit.h"

using namespace issuebert;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = unit::sourcePath("tests/fixtures/model");
// The default model's vocabulary and tokenizer files, committed.
const fs::path kMiniLmTokenizer = unit::sourcePath("tests/fixtures/minilm");
// (c): the folder, the logits C++ recorded, and the Python check's result.
const fs::path kSaved = kFixtures / "saved-by-issuebert";
const fs::path kSavedLogits = kFixtures / "saved_by_issuebert_logits.safetensors";
const fs::path kSavedCheck = kFixtures / "saved_by_issuebert_check.json";

using Tensors = std::map<std::string, torch::Tensor>;

Tensors readTensors(const fs::path& path) {
    const auto file = SafetensorsFile::open(path.string());
    Tensors out;
    for (const auto& info : file.tensors()) {
        out[info.name] = file.load(info);
    }
    return out;
}

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) {
    return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

const std::vector<std::string> kLabels{"bug", "feature", "question"};

BertClassifier loadTiny(HeadKind head = HeadKind::Linear, Pooling pooling = Pooling::Pooler) {
    const ModelFolder folder = openModelFolder((kFixtures / "tiny").string());
    return loadClassifier(folder, ClassifierOptions{head, pooling, kLabels});
}

ClassifierOutputs run(BertClassifier& model, const Tensors& inputs) {
    torch::NoGradGuard noGrad;
    return model->forwardAll(inputs.at("input_ids"), inputs.at("attention_mask"),
                             inputs.at("token_type_ids"));
}

// --- (c): a small classifier whose weights come from integer arithmetic only,
// so every platform and LibTorch version builds the same bits.

constexpr const char* kFixtureConfig = R"({
  "architectures": ["BertModel"],
  "hidden_act": "gelu",
  "hidden_size": 32,
  "intermediate_size": 37,
  "max_position_embeddings": 64,
  "model_type": "bert",
  "num_attention_heads": 4,
  "num_hidden_layers": 2,
  "vocab_size": 1024
})";
constexpr int kFixtureVocab = 1024;

void fillDeterministic(torch::nn::Module& module) {
    std::uint64_t state = 0x9E3779B97F4A7C15ULL;
    torch::NoGradGuard noGrad;
    for (const auto& item : module.named_parameters(/*recurse=*/true)) {
        const std::string& name = item.key();
        const bool norm = name.find("LayerNorm.weight") != std::string::npos;
        const bool bias = name.size() >= 4 && name.compare(name.size() - 4, 4, "bias") == 0;
        auto values = torch::empty(item.value().sizes(), torch::kFloat32);
        float* data = values.data_ptr<float>();
        for (std::int64_t i = 0; i < values.numel(); ++i) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            const int v = static_cast<int>((state >> 33) % 2001) - 1000; // [-1000, 1000]
            // One correctly rounded division each: the same float everywhere.
            data[i] = norm   ? static_cast<float>(10000 + v) / 10000.0F
                      : bias ? static_cast<float>(v) / 10000.0F
                             : static_cast<float>(v) / 5000.0F;
        }
        item.value().copy_(values);
    }
}

// A tokenizer folder for the fixture: the first 1,024 tokens of MiniLM's vocabulary.
void writeFixtureTokenizer(const fs::path& dir) {
    std::ifstream vocab(kMiniLmTokenizer / "vocab.txt");
    std::ofstream out(dir / "vocab.txt", std::ios::binary);
    std::string line;
    for (int i = 0; i < kFixtureVocab && std::getline(vocab, line); ++i) {
        out << line << '\n';
    }
    for (const char* name : {"tokenizer_config.json", "special_tokens_map.json"}) {
        fs::copy_file(kMiniLmTokenizer / name, dir / name);
    }
}

BertClassifier fixtureClassifier() {
    BertClassifier model(parseBertConfig(kFixtureConfig, "fixture config.json"),
                         ClassifierOptions{HeadKind::Linear, Pooling::Pooler, kLabels});
    fillDeterministic(*model);
    model->eval();
    return model;
}

SaveOptions fixtureSaveOptions() {
    SaveOptions options;
    options.encoder.maxLength = 64;
    options.baseModel = "issuebert-test-fixture";
    options.trainingJson = R"({"epochs": 3, "learning_rate": 2e-05, "batch_size": 16})";
    options.metricsJson = R"({"accuracy": 0.75, "macro_f1": 0.7})";
    return options;
}

// Four rows of lengths 9, 3, 16 and 1, padded; the third a pair.
Tensors fixtureInputs() {
    const std::vector<int> lengths{9, 3, 16, 1};
    auto ids = torch::zeros({4, 16}, torch::kLong);
    auto mask = torch::zeros({4, 16}, torch::kLong);
    auto types = torch::zeros({4, 16}, torch::kLong);
    for (int row = 0; row < 4; ++row) {
        for (int j = 0; j < lengths[row]; ++j) {
            ids[row][j] = j == 0 ? 101 : 104 + (row * 131 + j * 37) % (kFixtureVocab - 104);
            mask[row][j] = 1;
            types[row][j] = row == 2 && j >= 8 ? 1 : 0;
        }
    }
    return {{"input_ids", ids}, {"attention_mask", mask}, {"token_type_ids", types}};
}

// The checksum the Python check records (FNV-1a, 64 bits, hex).
std::string fnv1a64(const fs::path& path) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : readFile(path)) {
        h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return hex;
}

// issuebert.json without the version that wrote it, which changes with releases.
nlohmann::json settingsWithoutVersion(const fs::path& path) {
    auto json = nlohmann::json::parse(readFile(path));
    json.erase("issuebert_version");
    return json;
}

} // namespace

TEST_CASE("parity a: a tiny random BERT gives transformers' hidden states, pooler and logits") {
    const Tensors expected = readTensors(kFixtures / "tiny_reference.safetensors");
    BertClassifier model = loadTiny();
    const auto out = run(model, expected);
    CHECK_EQ(out.lastHiddenState.sizes(), expected.at("last_hidden_state").sizes());
    CHECK(maxAbsDiff(out.lastHiddenState, expected.at("last_hidden_state")) <= 1e-5);
    CHECK(maxAbsDiff(out.pooledOutput, expected.at("pooler_output")) <= 1e-5);
    CHECK(maxAbsDiff(out.logits, expected.at("logits")) <= 1e-5);
    // The reference is sensitive: logits far from zero and from each other.
    CHECK(expected.at("logits").abs().max().item<double>() > 0.1);
}

TEST_CASE(
    "parity a: logits alone ([CLS]-only last layer) equal transformers' and the full pass's") {
    const Tensors expected = readTensors(kFixtures / "tiny_reference.safetensors");
    for (const Pooling pooling : {Pooling::Pooler, Pooling::Cls, Pooling::Mean}) {
        BertClassifier model = loadTiny(HeadKind::Linear, pooling);
        const auto full = run(model, expected).logits;
        torch::NoGradGuard noGrad;
        const auto alone = model->forward(expected.at("input_ids"), expected.at("attention_mask"),
                                          expected.at("token_type_ids"));
        CHECK(maxAbsDiff(alone, full) <= 1e-6);
        if (pooling == Pooling::Pooler) {
            CHECK(maxAbsDiff(alone, expected.at("logits")) <= 1e-5);
        }
    }
    // Training differentiates through the short path: the same gradients.
    BertClassifier model = loadTiny();
    const auto& ids = expected.at("input_ids");
    const auto& mask = expected.at("attention_mask");
    const auto& types = expected.at("token_type_ids");
    const auto gradients = [&](const torch::Tensor& logits) {
        // Weighted so that every class's logit and every row count differently.
        (logits * torch::arange(logits.numel()).view_as(logits)).sum().backward();
        std::vector<torch::Tensor> out;
        for (const auto& p : model->parameters()) {
            out.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
        }
        model->zero_grad();
        return out;
    };
    const auto alone = gradients(model->forward(ids, mask, types));
    const auto full = gradients(model->forwardAll(ids, mask, types).logits);
    CHECK_EQ(alone.size(), full.size());
    double largest = 0.0;
    for (std::size_t i = 0; i < full.size(); ++i) {
        // Relative: the weighted sum makes some gradients large.
        const double scale = std::max(1.0, full[i].abs().max().item<double>());
        CHECK(maxAbsDiff(alone[i], full[i]) <= 1e-5 * scale);
        largest = std::max(largest, full[i].abs().max().item<double>());
    }
    CHECK(largest > 1e-3); // the gradients compared are not all zero
}

TEST_CASE("parity a: gelu_new and relu models match transformers too") {
    const Tensors expected = readTensors(kFixtures / "tiny_reference.safetensors");
    for (const auto& [activation, key] :
         {std::pair{Activation::GeluNew, "last_hidden_state_gelu_new"},
          std::pair{Activation::Relu, "last_hidden_state_relu"}}) {
        ModelFolder folder = openModelFolder((kFixtures / "tiny").string());
        folder.config.hiddenAct = activation;
        BertModel model = loadBertModel(folder);
        torch::NoGradGuard noGrad;
        const auto out = model(expected.at("input_ids"), expected.at("attention_mask"),
                               expected.at("token_type_ids"));
        CHECK(maxAbsDiff(out.lastHiddenState, expected.at(key)) <= 1e-5);
        // ...and the activation shows: gelu's result is outside the tolerance.
        CHECK(maxAbsDiff(out.lastHiddenState, expected.at("last_hidden_state")) > 1e-4);
    }
}

TEST_CASE("parity a: the tiny checkpoint loads completely, fp16 upcast, in eval mode") {
    const ModelFolder folder = openModelFolder((kFixtures / "tiny").string());
    LoadReport report;
    BertClassifier model =
        loadClassifier(folder, {HeadKind::Linear, Pooling::Pooler, kLabels}, &report);
    CHECK(report.complete());
    CHECK(report.messages().empty());
    CHECK(!model->is_training());
    CHECK(model->bert->embeddings->word_embeddings->weight.scalar_type() == torch::kFloat32);
    CHECK_EQ(folderLabels(folder), kLabels);
}

TEST_CASE("parity b: the default model's last hidden state for 10 issues is transformers'") {
    const fs::path dir = defaultModelDir();
    if (!fs::exists(dir / "model.safetensors")) {
        SKIP("the default model is not in " + dir.string() +
             " (./test.sh fetches it with scripts/fetch-model.sh)");
    }
    const auto file = SafetensorsFile::open((kFixtures / "minilm_reference.safetensors").string());
    const Tensors expected = readTensors(kFixtures / "minilm_reference.safetensors");
    BertModel model = loadBertModel(openModelFolder(dir.string()));
    torch::NoGradGuard noGrad;
    const auto out = model(expected.at("input_ids"), expected.at("attention_mask"),
                           expected.at("token_type_ids"));
    const double diff = maxAbsDiff(out.lastHiddenState, expected.at("last_hidden_state"));
    if (diff > 1e-4) {
        std::printf("max |difference| %.3g\n", diff);
    }
    CHECK(diff <= 1e-4);

    // Our tokenizer gives these ids from the texts, so the whole path is Python's.
    const auto texts = nlohmann::json::parse(file.metadata().at("texts"));
    const Tokenizer tokenizer = Tokenizer::fromModelDir(dir.string());
    EncoderOptions options;
    options.maxLength = std::stoi(file.metadata().at("max_length"));
    options.padToMaxLength = false;
    const Encoder encoder(tokenizer, options);
    CHECK_EQ(texts.size(), std::size_t{10});
    for (std::size_t row = 0; row < texts.size(); ++row) {
        const Encoding encoding = encoder.encode(texts[row].get<std::string>());
        const auto ids = expected.at("input_ids")[static_cast<std::int64_t>(row)];
        const auto length = expected.at("attention_mask")[static_cast<std::int64_t>(row)]
                                .sum()
                                .item<std::int64_t>();
        std::vector<std::int32_t> want;
        for (std::int64_t j = 0; j < length; ++j) {
            want.push_back(static_cast<std::int32_t>(ids[j].item<std::int64_t>()));
        }
        CHECK_EQ(encoding.inputIds, want);
    }
}

TEST_CASE("parity c: the committed saved-by-issuebert folder is what the save code writes now") {
    unit::TempDir temp;
    writeFixtureTokenizer(temp.path());
    BertClassifier model = fixtureClassifier();
    if (std::getenv("ISSUEBERT_UPDATE_FIXTURES") != nullptr) {
        saveModelFolder(*model, temp.path().string(), kSaved.string(), fixtureSaveOptions());
        const Tensors inputs = fixtureInputs();
        torch::NoGradGuard noGrad;
        const auto logits =
            model(inputs.at("input_ids"), inputs.at("attention_mask"), inputs.at("token_type_ids"));
        saveSafetensors(kSavedLogits.string(), {{"input_ids", inputs.at("input_ids")},
                                                {"attention_mask", inputs.at("attention_mask")},
                                                {"token_type_ids", inputs.at("token_type_ids")},
                                                {"logits", logits}});
        std::printf("wrote %s; now run make_model_fixtures.py --check-saved\n", kSaved.c_str());
    }
    const fs::path out = temp.path() / "saved";
    saveModelFolder(*model, temp.path().string(), out.string(), fixtureSaveOptions());
    std::vector<std::string> written;
    for (const auto& entry : fs::directory_iterator(out)) {
        written.push_back(entry.path().filename().string());
    }
    std::sort(written.begin(), written.end());
    CHECK_EQ(written, (std::vector<std::string>{"config.json", "issuebert.json",
                                                "model.safetensors", "special_tokens_map.json",
                                                "tokenizer_config.json", "vocab.txt"}));
    for (const std::string& name : written) {
        if (name == "issuebert.json") {
            CHECK_EQ(settingsWithoutVersion(out / name), settingsWithoutVersion(kSaved / name));
        } else if (readFile(out / name) != readFile(kSaved / name)) {
            unit::fail(name + " differs from the committed fixture: re-run the steps in "
                              "tests/reference/make_model_fixtures.py",
                       __FILE__, __LINE__);
            return;
        }
    }
}

TEST_CASE("parity c: transformers opened IssueBERT's folder unchanged and agreed on the logits") {
    const auto check = nlohmann::json::parse(readFile(kSavedCheck));
    CHECK_EQ(check["ok"], true);
    CHECK(check["max_abs_diff"].get<double>() <= 1e-5);
    CHECK_EQ(check["labels"], nlohmann::json(kLabels));
    // The check is about these very files: every one of them, unchanged since.
    std::size_t folderFiles = 0;
    for (const auto& entry : fs::directory_iterator(kSaved)) {
        folderFiles += entry.is_regular_file() ? 1 : 0;
    }
    const auto& sums = check["checksums_fnv1a64"];
    CHECK_EQ(sums.size(), folderFiles + 1);
    for (const auto& [name, sum] : sums.items()) {
        CHECK_EQ(fnv1a64(kFixtures / name), sum.get<std::string>());
    }
}

TEST_CASE("parity c: the recorded logits are what the committed folder computes") {
    const Tensors recorded = readTensors(kSavedLogits);
    const ModelFolder folder = openModelFolder(kSaved.string());
    CHECK(folder.saved.has_value());
    BertClassifier model = loadClassifier(folder, defaultClassifierOptions(folder, kLabels));
    torch::NoGradGuard noGrad;
    const auto logits = model(recorded.at("input_ids"), recorded.at("attention_mask"),
                              recorded.at("token_type_ids"));
    CHECK(maxAbsDiff(logits, recorded.at("logits")) <= 1e-6);
}

TEST_CASE("parity d: save then load in fp32 gives back every weight bit for bit") {
    for (const auto& [head, pooling] :
         {std::pair{HeadKind::Linear, Pooling::Pooler}, std::pair{HeadKind::Mlp, Pooling::Cls},
          std::pair{HeadKind::Linear, Pooling::Mean}}) {
        unit::TempDir temp;
        BertClassifier model = loadTiny(head, pooling);
        writeFixtureTokenizer(temp.path());
        const fs::path out = temp.path() / "model";
        saveModelFolder(*model, temp.path().string(), out.string(), SaveOptions{});
        const ModelFolder folder = openModelFolder(out.string());
        const ClassifierOptions options = defaultClassifierOptions(folder, folderLabels(folder));
        CHECK(options.head == head);
        CHECK(options.pooling == pooling);
        LoadReport report;
        BertClassifier back = loadClassifier(folder, options, &report);
        CHECK(report.complete());
        const auto original = model->named_parameters();
        for (const auto& item : back->named_parameters()) {
            CHECK(torch::equal(item.value(), original[item.key()]));
        }
        const Tensors inputs = readTensors(kFixtures / "tiny_reference.safetensors");
        CHECK(torch::equal(run(back, inputs).logits, run(model, inputs).logits));
    }
}

TEST_CASE("parity d: fp16 and bf16 saves halve the weights file and round each weight once") {
    unit::TempDir temp;
    BertClassifier model = loadTiny();
    writeFixtureTokenizer(temp.path());
    std::map<SaveDtype, std::uintmax_t> sizes;
    for (const SaveDtype dtype : {SaveDtype::Float32, SaveDtype::Float16, SaveDtype::BFloat16}) {
        const fs::path out = temp.path() / saveDtypeName(dtype);
        SaveOptions options;
        options.dtype = dtype;
        saveModelFolder(*model, temp.path().string(), out.string(), options);
        sizes[dtype] = fs::file_size(out / "model.safetensors");
        const auto config = nlohmann::json::parse(readFile(out / "config.json"));
        CHECK_EQ(config["torch_dtype"], saveDtypeName(dtype));
        if (dtype == SaveDtype::Float32) {
            continue;
        }
        const torch::Dtype half = dtype == SaveDtype::Float16 ? torch::kHalf : torch::kBFloat16;
        const ModelFolder folder = openModelFolder(out.string());
        BertClassifier back = loadClassifier(folder, defaultClassifierOptions(folder, kLabels));
        const auto original = model->named_parameters();
        for (const auto& item : back->named_parameters()) {
            CHECK(item.value().scalar_type() == torch::kFloat32);
            CHECK(torch::equal(item.value(), original[item.key()].to(half).to(torch::kFloat32)));
        }
    }
    const double ratio16 = static_cast<double>(sizes[SaveDtype::Float16]) /
                           static_cast<double>(sizes[SaveDtype::Float32]);
    const double ratioBf16 = static_cast<double>(sizes[SaveDtype::BFloat16]) /
                             static_cast<double>(sizes[SaveDtype::Float32]);
    CHECK(ratio16 > 0.49 && ratio16 < 0.51);
    CHECK(ratioBf16 > 0.49 && ratioBf16 < 0.51);
}
