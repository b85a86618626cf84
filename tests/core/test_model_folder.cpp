// Model folders: finding models in the Hugging Face and IssueBERT caches,
// matching checkpoint keys (bert. prefix, gamma/beta), reporting missing and
// unused weights as transformers does, saving a complete folder, inspecting.
#include "core/io/atomic_file.h"
#include "core/io/errors.h"
#include "core/model/key_mapping.h"
#include "core/model/model_folder.h"
#include "core/model/model_info.h"
#include "core/model/model_save.h"
#include "core/model/safetensors.h"
#include "core/model/transformers_files.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <vector>

// Last: it replaces the CHECK macros LibTorch brings (glog's).
#include "tests/support/unit.h"

using namespace issuebert;
namespace fs = std::filesystem;

namespace {

// Sets (or unsets) environment variables for one test and restores them after.
class EnvGuard {
public:
    void set(const char* name, const std::optional<std::string>& value) {
        const char* old = std::getenv(name);
        m_saved.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
        apply(name, value);
    }
    ~EnvGuard() {
        for (auto it = m_saved.rbegin(); it != m_saved.rend(); ++it) {
            apply(it->first.c_str(), it->second);
        }
    }

private:
    static void apply(const char* name, const std::optional<std::string>& value) {
        if (value) {
            setenv(name, value->c_str(), 1);
        } else {
            unsetenv(name);
        }
    }
    std::vector<std::pair<std::string, std::optional<std::string>>> m_saved;
};

// Every cache variable pointed into root, so the real caches never answer.
void isolateCaches(EnvGuard& env, const fs::path& root) {
    env.set("HF_HUB_CACHE", std::nullopt);
    env.set("HF_HOME", std::nullopt);
    env.set("XDG_CACHE_HOME", (root / "xdg").string());
    env.set("HOME", (root / "home").string());
}

void touch(const fs::path& file, const std::string& content = "{}") {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << content;
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

constexpr const char* kTinyConfig = R"({"architectures": ["BertForMaskedLM"], "hidden_size": 8,
  "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 12,
  "max_position_embeddings": 16, "vocab_size": 40, "model_type": "bert"})";

// A folder with kTinyConfig and model.safetensors holding tensors.
fs::path writeModel(const fs::path& dir,
                    const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                    const std::string& config = kTinyConfig) {
    touch(dir / "config.json", config);
    saveSafetensors((dir / "model.safetensors").string(), tensors);
    return dir;
}

// A fresh BertModel's weights under their Hugging Face names, renamed by rename.
std::vector<std::pair<std::string, torch::Tensor>>
encoderWeights(const std::function<std::string(const std::string&)>& rename = {}) {
    BertModel model(parseBertConfig(kTinyConfig, "config.json"));
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& item : model->named_parameters()) {
        out.emplace_back(rename ? rename(item.key()) : item.key(), item.value().detach().clone());
    }
    return out;
}

void writeVocab(const fs::path& dir) {
    std::ofstream out(dir / "vocab.txt");
    for (const char* token : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "bug", "fix"}) {
        out << token << '\n';
    }
}

const std::vector<std::string> kLabels{"bug", "feature", "question"};

} // namespace

TEST_CASE("locate: a model id is found in HF_HUB_CACHE at the revision refs/main names") {
    unit::TempDir temp;
    EnvGuard env;
    isolateCaches(env, temp.path());
    const fs::path repo = temp.path() / "hub" / "models--sentence-transformers--all-MiniLM-L6-v2";
    touch(repo / "snapshots" / "aaa111" / "config.json");
    touch(repo / "snapshots" / "bbb222" / "config.json");
    touch(repo / "refs" / "main", "aaa111\n");
    env.set("HF_HUB_CACHE", (temp.path() / "hub").string());
    const ModelLocation found = locateModel("sentence-transformers/all-MiniLM-L6-v2");
    CHECK_EQ(found.path, (repo / "snapshots" / "aaa111").string());
    CHECK(found.source == ModelSource::HfCache);
    CHECK_EQ(std::string(modelSourceName(found.source)), "hf-cache");
}

TEST_CASE("locate: without refs/main the newest snapshot with a config.json is taken") {
    unit::TempDir temp;
    EnvGuard env;
    isolateCaches(env, temp.path());
    const fs::path repo = temp.path() / "hfhome" / "hub" / "models--bert-base-uncased";
    touch(repo / "snapshots" / "old" / "config.json");
    touch(repo / "snapshots" / "new" / "config.json");
    fs::create_directories(repo / "snapshots" / "newest-but-empty");
    const auto now = fs::file_time_type::clock::now();
    fs::last_write_time(repo / "snapshots" / "old", now - std::chrono::hours(2));
    fs::last_write_time(repo / "snapshots" / "new", now - std::chrono::hours(1));
    touch(repo / "refs" / "main", "gone\n"); // a revision whose snapshot is absent
    env.set("HF_HOME", (temp.path() / "hfhome").string());
    CHECK_EQ(locateModel("bert-base-uncased").path, (repo / "snapshots" / "new").string());
}

TEST_CASE("locate: ~/.cache/huggingface/hub, then IssueBERT's cache, then a clear error") {
    unit::TempDir temp;
    EnvGuard env;
    isolateCaches(env, temp.path());
    env.set("XDG_CACHE_HOME", std::nullopt); // the default: $HOME/.cache
    const fs::path home = temp.path() / "home";
    touch(home / ".cache" / "huggingface" / "hub" / "models--org--a" / "snapshots" / "r" /
          "config.json");
    CHECK(locateModel("org/a").source == ModelSource::HfCache);

    touch(home / ".cache" / "issuebert" / "models" / "all-MiniLM-L6-v2" / "config.json");
    const ModelLocation own = locateModel("sentence-transformers/all-MiniLM-L6-v2");
    CHECK(own.source == ModelSource::IssueBertCache);
    CHECK_EQ(own.path, (home / ".cache" / "issuebert" / "models" / "all-MiniLM-L6-v2").string());

    CHECK_THROWS_WITH(locateModel("org/unknown"), ModelError,
                      "org/unknown: no such model folder, and no model of that id in the "
                      "Hugging Face cache (" +
                          (home / ".cache" / "huggingface" / "hub").string() + ")");
    CHECK_THROWS_WITH(locateModel("../etc"), ModelError, "../etc: no such model folder");
    CHECK_THROWS_WITH(locateModel("/no/such/folder"), ModelError, "no such model folder");
}

TEST_CASE("locate: an existing folder is used as it is") {
    unit::TempDir temp;
    const ModelLocation found = locateModel(temp.path().string());
    CHECK_EQ(found.path, temp.path().string());
    CHECK(found.source == ModelSource::Folder);
    CHECK(isModelId("bert-base-uncased"));
    CHECK(isModelId("org/name.v2_x"));
    CHECK(!isModelId("a/b/c"));
    CHECK(!isModelId(".hidden"));
    CHECK(!isModelId("org/.."));
}

TEST_CASE("keys: a checkpoint without the bert. prefix loads, the new head is information") {
    unit::TempDir temp;
    const auto weights = encoderWeights();
    const fs::path dir = writeModel(temp.path() / "m", weights);
    LoadReport report;
    BertClassifier model = loadClassifier(openModelFolder(dir.string()),
                                          {HeadKind::Linear, Pooling::Pooler, kLabels}, &report);
    CHECK_EQ(report.missing, (std::vector<std::string>{"classifier.bias", "classifier.weight"}));
    CHECK(report.unexpected.empty());
    const auto params = model->named_parameters();
    for (const auto& [name, tensor] : weights) {
        CHECK(torch::equal(params["bert." + name], tensor));
    }
    const auto messages = report.messages();
    CHECK_EQ(messages.size(), std::size_t{1});
    CHECK(messages[0].find("Some weights of BertForSequenceClassification were not initialized "
                           "from the model checkpoint at " +
                           (dir / "model.safetensors").string() +
                           " and are newly initialized: ['classifier.bias', "
                           "'classifier.weight']") == 0);
}

TEST_CASE("keys: legacy gamma/beta and the bert. prefix map; pre-training heads are unused") {
    unit::TempDir temp;
    auto weights = encoderWeights([](const std::string& key) {
        std::string out = "bert." + key;
        const auto tail = [&](const std::string& suffix) {
            return out.size() > suffix.size() &&
                   out.compare(out.size() - suffix.size(), suffix.size(), suffix) == 0;
        };
        if (tail("LayerNorm.weight")) {
            out.replace(out.size() - 6, 6, "gamma");
        } else if (tail("LayerNorm.bias")) {
            out.replace(out.size() - 4, 4, "beta");
        }
        return out;
    });
    weights.emplace_back("cls.predictions.bias", torch::zeros({40}));
    weights.emplace_back("bert.embeddings.position_ids", torch::arange(16).unsqueeze(0));
    const fs::path dir = writeModel(temp.path() / "m", weights);
    LoadReport report;
    BertClassifier model = loadClassifier(openModelFolder(dir.string()),
                                          {HeadKind::Mlp, Pooling::Cls, kLabels}, &report);
    CHECK_EQ(canonicalKey("bert.embeddings.LayerNorm.gamma"), "bert.embeddings.LayerNorm.weight");
    CHECK_EQ(weights[3].first, "bert.embeddings.LayerNorm.gamma");
    CHECK(torch::equal(model->bert->embeddings->LayerNorm->weight, weights[3].second));
    CHECK_EQ(weights[4].first, "bert.embeddings.LayerNorm.beta");
    CHECK(torch::equal(model->bert->embeddings->LayerNorm->bias, weights[4].second));
    // position_ids is a buffer transformers recreates: not reported.
    CHECK_EQ(report.unexpected, std::vector<std::string>{"cls.predictions.bias"});
    CHECK_EQ(report.missing.size(), std::size_t{6}); // the MLP head: 3 Linear layers
    CHECK(report.messages()[0].find("Some weights of the model checkpoint at ") == 0);
    CHECK(report.messages()[0].find("were not used when initializing "
                                    "BertForSequenceClassification: ['cls.predictions.bias']") !=
          std::string::npos);
}

TEST_CASE("keys: a fine-tune with another class count gets a new head, reported as resized") {
    unit::TempDir temp;
    auto weights = encoderWeights([](const std::string& key) { return "bert." + key; });
    weights.emplace_back("classifier.weight", torch::ones({2, 8}));
    weights.emplace_back("classifier.bias", torch::ones({2}));
    const fs::path dir = writeModel(temp.path() / "m", weights);
    LoadReport report;
    BertClassifier model = loadClassifier(openModelFolder(dir.string()),
                                          {HeadKind::Linear, Pooling::Pooler, kLabels}, &report);
    CHECK_EQ(report.resized, (std::vector<std::string>{"classifier.bias", "classifier.weight"}));
    CHECK_EQ(model->classifier->weight.size(0), 3);
    CHECK(report.messages()[0].find("because the shapes did not match") != std::string::npos);
}

TEST_CASE("keys: a checkpoint that is not this config's model is an error naming file and key") {
    unit::TempDir temp;
    auto weights = encoderWeights();
    weights.erase(weights.begin() + 5); // one encoder weight gone
    const fs::path dir = writeModel(temp.path() / "lacking", weights);
    CHECK_THROWS_WITH(
        loadClassifier(openModelFolder(dir.string()), {HeadKind::Linear, Pooling::Pooler, kLabels}),
        ModelError, (dir / "model.safetensors").string() + ": the checkpoint lacks 1 weights");

    auto wide = encoderWeights();
    wide[0].second = torch::zeros({40, 16});
    const fs::path other = writeModel(temp.path() / "wide", wide);
    CHECK_THROWS_WITH(loadClassifier(openModelFolder(other.string()),
                                     {HeadKind::Linear, Pooling::Pooler, kLabels}),
                      ModelError,
                      "\"embeddings.word_embeddings.weight\" has shape [40, 16] in the "
                      "checkpoint, [40, 8] in the model");
    CHECK_THROWS_WITH(openModelFolder(temp.path().string()), ModelError,
                      "not a model folder (config.json is missing)");
}

TEST_CASE("save: every Hugging Face file, id2label/label2id and issuebert.json are written") {
    unit::TempDir temp;
    writeVocab(temp.path());
    BertClassifier model(parseBertConfig(kTinyConfig, "config.json"),
                         ClassifierOptions{HeadKind::Mlp, Pooling::Mean, kLabels});
    SaveOptions options;
    options.dtype = SaveDtype::BFloat16;
    options.encoder.maxLength = 256;
    options.encoder.truncation = Truncation::HeadTail;
    options.encoder.cleanup.steps = kCleanComments | kCleanUrls;
    options.baseModel = "sentence-transformers/all-MiniLM-L6-v2";
    options.trainingJson = R"({"epochs": 4, "learning_rate": 3e-05})";
    options.metricsJson = R"({"macro_f1": 0.81})";
    const fs::path out = temp.path() / "runs" / "best";
    saveModelFolder(*model, temp.path().string(), out.string(), options);

    for (const char* name :
         {"config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json",
          "special_tokens_map.json", "issuebert.json"}) {
        CHECK(fs::is_regular_file(out / name));
    }
    const auto config = nlohmann::json::parse(readFile(out / "config.json"));
    CHECK_EQ(config["architectures"][0], "IssueBertForSequenceClassification");
    CHECK_EQ(config["id2label"],
             nlohmann::json({{"0", "bug"}, {"1", "feature"}, {"2", "question"}}));
    CHECK_EQ(config["label2id"], nlohmann::json({{"bug", 0}, {"feature", 1}, {"question", 2}}));
    CHECK_EQ(config["torch_dtype"], "bfloat16");
    CHECK_EQ(readFile(out / "vocab.txt"), readFile(temp.path() / "vocab.txt"));
    // Trained with a clean-up: the tokenizer brings its own, and names it.
    const auto tokenizer = nlohmann::json::parse(readFile(out / "tokenizer_config.json"));
    CHECK_EQ(tokenizer["tokenizer_class"], "IssueBertTokenizer");
    CHECK_EQ(tokenizer["issuebert_text_cleanup"], "comments,urls");
    CHECK_EQ(tokenizer["issuebert_truncation"], "head_tail");
    CHECK_EQ(tokenizer["auto_map"]["AutoTokenizer"][1],
             "tokenization_issuebert.IssueBertTokenizerFast");
    CHECK_EQ(tokenizer["model_max_length"], 256);
    CHECK_EQ(readFile(out / "tokenization_issuebert.py"), std::string(tokenizationIssueBertPy()));
    CHECK(readFile(out / "tokenization_issuebert.py").find("def clean_issue_text") !=
          std::string::npos);

    // Without a clean-up but with head+tail truncation, which BERT's
    // tokenizer cannot do: still IssueBERT's tokenizer.
    options.encoder.cleanup = TextCleanup{};
    const fs::path headTail = temp.path() / "head-tail";
    saveModelFolder(*model, out.string(), headTail.string(), options);
    const auto headTailTokenizer =
        nlohmann::json::parse(readFile(headTail / "tokenizer_config.json"));
    CHECK_EQ(headTailTokenizer["tokenizer_class"], "IssueBertTokenizer");
    CHECK_EQ(headTailTokenizer["issuebert_text_cleanup"], "none");
    CHECK_EQ(headTailTokenizer["issuebert_truncation"], "head_tail");
    CHECK(fs::exists(headTail / "tokenization_issuebert.py"));

    // Saved again from that folder without a clean-up and with head
    // truncation: plain BERT again.
    options.encoder.truncation = Truncation::Head;
    const fs::path plain = temp.path() / "plain";
    saveModelFolder(*model, out.string(), plain.string(), options);
    const auto plainTokenizer = nlohmann::json::parse(readFile(plain / "tokenizer_config.json"));
    CHECK_EQ(plainTokenizer["tokenizer_class"], "BertTokenizer");
    CHECK(!plainTokenizer.contains("auto_map"));
    CHECK(!plainTokenizer.contains("issuebert_text_cleanup"));
    CHECK(!plainTokenizer.contains("issuebert_truncation"));
    CHECK(!fs::exists(plain / "tokenization_issuebert.py"));
    options.encoder.cleanup.steps = kCleanComments | kCleanUrls;
    options.encoder.truncation = Truncation::HeadTail;

    const auto saved = nlohmann::json::parse(readFile(out / "issuebert.json"));
    CHECK_EQ(saved["head"], "mlp");
    CHECK_EQ(saved["pooling"], "mean");
    CHECK_EQ(saved["max_length"], 256);
    CHECK_EQ(saved["truncation"], "head_tail");
    CHECK_EQ(saved["text_cleanup"], "comments,urls");
    // The Predictor reads the clean-up back, so prediction cleans as training did.
    CHECK(readSavedSettings(out.string())->encoder.cleanup == options.encoder.cleanup);
    auto broken = saved;
    broken["text_cleanup"] = "comments,typo";
    CHECK_THROWS_WITH(parseSavedSettings(broken.dump(), "m/issuebert.json"), ModelError,
                      "m/issuebert.json: field \"text_cleanup\": \"comments,typo\" is not none");
    broken.erase("text_cleanup"); // a model saved before clean-up existed: none
    CHECK(parseSavedSettings(broken.dump(), "m/issuebert.json").encoder.cleanup == TextCleanup{});
    CHECK_EQ(saved["labels"], nlohmann::json(kLabels));
    CHECK_EQ(saved["training"]["epochs"], 4);
    CHECK_EQ(saved["metrics"]["macro_f1"], 0.81);
    CHECK_EQ(saved["base_model"], "sentence-transformers/all-MiniLM-L6-v2");

    const auto file = SafetensorsFile::open((out / "model.safetensors").string());
    CHECK_EQ(file.metadata().at("format"), "pt");
    CHECK(file.find("bert.encoder.layer.0.attention.self.query.weight") != nullptr);
    CHECK(file.find("classifier.6.weight") != nullptr);
    // Nothing but the folder is left beside it.
    CHECK_EQ(std::distance(fs::directory_iterator(out.parent_path()), fs::directory_iterator()), 1);
}

TEST_CASE("save: an existing model folder is replaced whole; anything else is refused") {
    unit::TempDir temp;
    writeVocab(temp.path());
    BertClassifier model(parseBertConfig(kTinyConfig, "config.json"),
                         ClassifierOptions{HeadKind::Linear, Pooling::Pooler, {"a", "b"}});
    const fs::path out = temp.path() / "model";
    saveModelFolder(*model, temp.path().string(), out.string(), {});
    touch(out / "stale.txt", "from an older save");
    saveModelFolder(*model, temp.path().string(), out.string(), {});
    CHECK(!fs::exists(out / "stale.txt"));
    CHECK(fs::exists(out / "model.safetensors"));
    CHECK_EQ(std::distance(fs::directory_iterator(temp.path()), fs::directory_iterator()), 2);

    const fs::path notModel = temp.path() / "photos";
    touch(notModel / "cat.jpg", "meow");
    CHECK_THROWS_WITH(saveModelFolder(*model, temp.path().string(), notModel.string(), {}), IoError,
                      "exists and is not a model folder");
    CHECK(fs::exists(notModel / "cat.jpg"));

    unit::TempDir empty;
    CHECK_THROWS_WITH(
        saveModelFolder(*model, empty.path().string(), (empty.path() / "m").string(), {}),
        ModelError, "vocab.txt: missing");
    CHECK(fs::is_empty(empty.path())); // the half-written folder is gone
}

TEST_CASE("save: what a killed save left is cleaned up, and a model it moved aside comes back") {
    unit::TempDir temp;
    writeVocab(temp.path());
    BertClassifier model(parseBertConfig(kTinyConfig, "config.json"),
                         ClassifierOptions{HeadKind::Linear, Pooling::Pooler, {"a", "b"}});
    const fs::path out = temp.path() / "model";
    saveModelFolder(*model, temp.path().string(), out.string(), {});
    std::ifstream saved(out / "issuebert.json");
    const std::string settings{std::istreambuf_iterator<char>(saved), {}};
    // Killed between its two renames: the old model aside, nothing in its place,
    // and a half-written new folder, both named with this machine's tag and a
    // process id that cannot run (above Linux's PID_MAX_LIMIT).
    const std::string tag = temporaryHostTag() + "-4194305-";
    fs::rename(out, temp.path() / (".model.old-" + tag + "1"));
    touch(temp.path() / (".model.tmp-" + tag + "2") / "config.json", "{");
    saveModelFolder(*model, temp.path().string(), (temp.path() / "other").string(), {});
    CHECK(!fs::exists(out)); // another folder's save leaves this one's leftovers alone
    // The next save of the folder brings the old model back before it writes;
    // this one then fails (no vocabulary), so what stays is the old model itself.
    unit::TempDir noVocab;
    CHECK_THROWS_WITH(saveModelFolder(*model, noVocab.path().string(), out.string(), {}),
                      ModelError, "vocab.txt: missing");
    std::ifstream restored(out / "issuebert.json");
    CHECK_EQ(std::string(std::istreambuf_iterator<char>(restored), {}), settings);
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(temp.path())) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    CHECK_EQ(names, (std::vector<std::string>{"model", "other", "vocab.txt"}));
}

TEST_CASE("info: inspectModel reports size, shape, labels, dtype and where it was found") {
    unit::TempDir temp;
    const ModelInfo info = inspectModel(unit::sourcePath("tests/fixtures/model/tiny").string());
    CHECK_EQ(info.architecture, "BertForSequenceClassification");
    CHECK_EQ(info.hiddenSize, 32);
    CHECK_EQ(info.layers, 2);
    CHECK_EQ(info.heads, 4);
    CHECK_EQ(info.vocabSize, 30522);
    CHECK_EQ(info.labels, kLabels);
    CHECK_EQ(info.dtype, "float16");
    CHECK_EQ(info.source, "folder");
    CHECK_EQ(info.weightsFile, "model.safetensors");
    BertClassifier model(parseBertConfig(kTinyConfig, "c"),
                         ClassifierOptions{HeadKind::Linear, Pooling::Pooler, kLabels});
    const ModelFolder folder =
        openModelFolder(unit::sourcePath("tests/fixtures/model/tiny").string());
    BertClassifier tiny = loadClassifier(folder, {HeadKind::Linear, Pooling::Pooler, kLabels});
    CHECK_EQ(info.parameterCount, parameterCount(*tiny));

    // A checkpoint with extra tensors counts only what the model uses.
    auto weights = encoderWeights();
    weights.emplace_back("cls.predictions.bias", torch::zeros({40}));
    writeModel(temp.path() / "m", weights);
    BertModel bare(parseBertConfig(kTinyConfig, "c"));
    CHECK_EQ(inspectModel((temp.path() / "m").string()).parameterCount, parameterCount(*bare));
    CHECK_THROWS_WITH(inspectModel((temp.path() / "none").string()), ModelError,
                      "no such model folder");
}

TEST_CASE("model: parameter names are Hugging Face's and the pooling default fits the model") {
    const BertConfig config = parseBertConfig(kTinyConfig, "c");
    BertModel model(config);
    std::vector<std::string> names;
    for (const auto& item : model->named_parameters()) {
        names.push_back(item.key());
    }
    CHECK_EQ(names, bertParameterNames(config));
    CHECK_EQ(names[0], "embeddings.word_embeddings.weight");
    CHECK_EQ(names[5], "encoder.layer.0.attention.self.query.weight");

    unit::TempDir temp;
    const fs::path masked = writeModel(temp.path() / "mlm", encoderWeights());
    CHECK(suggestedPooling(openModelFolder(masked.string())) == Pooling::Pooler);
    touch(masked / "modules.json", "[]");
    CHECK(suggestedPooling(openModelFolder(masked.string())) == Pooling::Mean);
    auto noPooler = encoderWeights();
    noPooler.resize(noPooler.size() - 2);
    const fs::path bare = writeModel(temp.path() / "bare", noPooler);
    CHECK(suggestedPooling(openModelFolder(bare.string())) == Pooling::Mean);
    const fs::path st = writeModel(temp.path() / "st", encoderWeights(),
                                   R"({"architectures": ["BertModel"], "hidden_size": 8,
      "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 12,
      "max_position_embeddings": 16, "vocab_size": 40})");
    CHECK(suggestedPooling(openModelFolder(st.string())) == Pooling::Mean);
}

TEST_CASE("model: padding changes nothing for the real tokens, and dropout only trains") {
    BertClassifier model(parseBertConfig(kTinyConfig, "c"),
                         ClassifierOptions{HeadKind::Linear, Pooling::Mean, kLabels});
    model->eval();
    torch::NoGradGuard noGrad;
    const auto ids = torch::tensor({{2, 5, 6, 3}}, torch::kLong);
    const auto padded = torch::tensor({{2, 5, 6, 3, 0, 0, 0}}, torch::kLong);
    const auto short_ = model->forwardAll(ids, torch::ones({1, 4}, torch::kLong));
    const auto long_ =
        model->forwardAll(padded, torch::tensor({{1, 1, 1, 1, 0, 0, 0}}, torch::kLong));
    CHECK((short_.logits - long_.logits).abs().max().item<double>() < 1e-6);
    CHECK(
        (short_.lastHiddenState - long_.lastHiddenState.slice(1, 0, 4)).abs().max().item<double>() <
        1e-6);
    CHECK(torch::equal(model(ids, torch::ones({1, 4})), model(ids, torch::ones({1, 4}))));
    model->train();
    CHECK(!torch::equal(model(ids, torch::ones({1, 4})), model(ids, torch::ones({1, 4}))));
    CHECK_THROWS_WITH(model(torch::zeros({1, 17}, torch::kLong), torch::ones({1, 17})), ModelError,
                      "17 tokens exceed the model's max_position_embeddings of 16");
    const int vocab = parseBertConfig(kTinyConfig, "c").vocabSize;
    CHECK_THROWS_WITH(model(torch::tensor({{2, vocab, 3}}, torch::kLong), torch::ones({1, 3})),
                      ModelError,
                      "token id " + std::to_string(vocab) + " is outside the model's vocab_size");
    CHECK_THROWS_WITH(
        model->forwardAll(ids, torch::ones({1, 4}), torch::full({1, 4}, 2, torch::kLong)),
        ModelError, "token type id 2 is outside the model's type_vocab_size of 2");
}
