// config.json: the fields IssueBERT reads, Hugging Face's defaults for absent
// ones, and a clear error naming file and field for anything it cannot honour.
#include "core/io/errors.h"
#include "core/model/bert_config.h"
#include "tests/support/unit.h"

#include <nlohmann/json.hpp>

using namespace issuebert;

namespace {

// The default model's config.json, as the Hub ships it.
constexpr const char* kMiniLm = R"({
  "_name_or_path": "nreimers/MiniLM-L6-H384-uncased",
  "architectures": ["BertModel"],
  "attention_probs_dropout_prob": 0.1,
  "gradient_checkpointing": false,
  "hidden_act": "gelu",
  "hidden_dropout_prob": 0.1,
  "hidden_size": 384,
  "initializer_range": 0.02,
  "intermediate_size": 1536,
  "layer_norm_eps": 1e-12,
  "max_position_embeddings": 512,
  "model_type": "bert",
  "num_attention_heads": 12,
  "num_hidden_layers": 6,
  "pad_token_id": 0,
  "position_embedding_type": "absolute",
  "transformers_version": "4.8.2",
  "type_vocab_size": 2,
  "use_cache": true,
  "vocab_size": 30522
})";

// kMiniLm with one field replaced (or added); value is JSON text.
std::string withField(const std::string& name, const std::string& value) {
    auto json = nlohmann::json::parse(kMiniLm);
    json[name] = nlohmann::json::parse(value);
    return json.dump();
}

BertConfig parse(const std::string& text) {
    return parseBertConfig(text, "/models/x/config.json");
}

} // namespace

TEST_CASE("config: the default model's config.json reads as its architecture") {
    const BertConfig config = parse(kMiniLm);
    CHECK_EQ(config.vocabSize, 30522);
    CHECK_EQ(config.hiddenSize, 384);
    CHECK_EQ(config.numHiddenLayers, 6);
    CHECK_EQ(config.numAttentionHeads, 12);
    CHECK_EQ(config.headSize(), 32);
    CHECK_EQ(config.intermediateSize, 1536);
    CHECK(config.hiddenAct == Activation::Gelu);
    CHECK_NEAR(config.layerNormEps, 1e-12, 1e-20);
    CHECK_EQ(config.architectures, std::vector<std::string>{"BertModel"});
    CHECK(config.labels.empty());
    CHECK_NEAR(config.effectiveClassifierDropout(), 0.1, 1e-12);
}

TEST_CASE("config: absent fields take Hugging Face's BertConfig defaults") {
    const BertConfig config = parse("{}");
    CHECK_EQ(config.vocabSize, 30522);
    CHECK_EQ(config.hiddenSize, 768);
    CHECK_EQ(config.numHiddenLayers, 12);
    CHECK_EQ(config.intermediateSize, 3072);
    CHECK_EQ(config.maxPositionEmbeddings, 512);
    CHECK_EQ(config.typeVocabSize, 2);
}

TEST_CASE("config: every supported activation is read, with its aliases") {
    CHECK(parse(withField("hidden_act", "\"gelu_new\"")).hiddenAct == Activation::GeluNew);
    CHECK(parse(withField("hidden_act", "\"gelu_pytorch_tanh\"")).hiddenAct == Activation::GeluNew);
    CHECK(parse(withField("hidden_act", "\"relu\"")).hiddenAct == Activation::Relu);
    CHECK(parse(withField("hidden_act", "\"gelu_python\"")).hiddenAct == Activation::Gelu);
}

TEST_CASE("config: id2label gives the labels in id order; classifier_dropout is read") {
    auto json = nlohmann::json::parse(kMiniLm);
    json["id2label"] = {{"2", "question"}, {"0", "bug"}, {"1", "feature"}};
    json["classifier_dropout"] = 0.3;
    const BertConfig config = parse(json.dump());
    CHECK_EQ(config.labels, (std::vector<std::string>{"bug", "feature", "question"}));
    CHECK_NEAR(config.effectiveClassifierDropout(), 0.3, 1e-12);
}

TEST_CASE("config: unsupported architectures are errors naming file and field") {
    CHECK_THROWS_WITH(parse(withField("position_embedding_type", "\"relative_key\"")), ModelError,
                      "/models/x/config.json: field \"position_embedding_type\": "
                      "\"relative_key\" is not supported");
    CHECK_THROWS_WITH(parse(withField("model_type", "\"roberta\"")), ModelError,
                      "field \"model_type\": \"roberta\" is not supported");
    CHECK_THROWS_WITH(parse(withField("hidden_act", "\"silu\"")), ModelError,
                      "field \"hidden_act\": \"silu\" is not supported");
    CHECK_THROWS_WITH(parse(withField("is_decoder", "true")), ModelError, "field \"is_decoder\"");
    CHECK_THROWS_WITH(parse(withField("add_cross_attention", "true")), ModelError,
                      "field \"add_cross_attention\"");
}

TEST_CASE("config: wrong types and impossible sizes name the field") {
    CHECK_THROWS_WITH(parse(withField("hidden_size", "\"384\"")), ModelError,
                      "field \"hidden_size\": expected an integer, found \"384\"");
    CHECK_THROWS_WITH(parse(withField("num_attention_heads", "7")), ModelError,
                      "field \"num_attention_heads\": 7 heads do not divide hidden_size 384");
    CHECK_THROWS_WITH(parse(withField("num_hidden_layers", "0")), ModelError,
                      "field \"num_hidden_layers\": must be at least 1");
    CHECK_THROWS_WITH(parse(withField("hidden_dropout_prob", "1.5")), ModelError,
                      "field \"hidden_dropout_prob\"");
    CHECK_THROWS_WITH(parse(withField("layer_norm_eps", "0")), ModelError,
                      "field \"layer_norm_eps\"");
    CHECK_THROWS_WITH(parse(withField("pad_token_id", "40000")), ModelError,
                      "field \"pad_token_id\": 40000 is not an id of the vocabulary");
    CHECK_THROWS_WITH(parse(withField("vocab_size", "1e12")), ModelError,
                      "field \"vocab_size\": expected an integer");
    CHECK_THROWS_WITH(parse(withField("id2label", R"({"0": "bug", "2": "question"})")), ModelError,
                      "field \"id2label\": the key \"2\" is not one of the ids 0 to 1");
    CHECK_THROWS_WITH(parse(withField("architectures", "\"BertModel\"")), ModelError,
                      "field \"architectures\"");
}

TEST_CASE("config: absurd sizes are an error before any weight is allocated") {
    CHECK_THROWS_WITH(parse(withField("hidden_size", "999999996")), ModelError,
                      "/models/x/config.json: the sizes describe a model of");
    CHECK_THROWS_WITH(parse(withField("num_hidden_layers", "100000")), ModelError,
                      "more than IssueBERT loads");
    CHECK_THROWS_WITH(parse(withField("vocab_size", "1000000000")), ModelError,
                      "check hidden_size, num_hidden_layers");
    CHECK_THROWS_WITH(parse(withField("hidden_size", "4294967296")), ModelError,
                      "field \"hidden_size\": the value 4294967296 is out of range");
    // bert-large's sizes are well inside the limit.
    auto large = nlohmann::json::parse(kMiniLm);
    large["hidden_size"] = 1024;
    large["num_hidden_layers"] = 24;
    large["num_attention_heads"] = 16;
    large["intermediate_size"] = 4096;
    CHECK_EQ(parse(large.dump()).numHiddenLayers, 24);
}

TEST_CASE("config: a file that is not a JSON object is an error naming it") {
    CHECK_THROWS_WITH(parse("{\"hidden_size\": 384,"), ModelError,
                      "/models/x/config.json: not valid JSON");
    CHECK_THROWS_WITH(parse("[1, 2]"), ModelError, "/models/x/config.json: expected a JSON object");
    CHECK_THROWS_WITH(loadBertConfig("/no/such/dir/config.json"), IoError,
                      "/no/such/dir/config.json: cannot open");
}

TEST_CASE("config: a saved config.json is BertForSequenceClassification with the labels") {
    const BertConfig config = parse(withField("hidden_act", "\"gelu_python\""));
    const auto saved =
        nlohmann::json::parse(bertConfigJson(config, {"bug", "feature", "question"}, "float16"));
    CHECK_EQ(saved["architectures"], nlohmann::json::array({"BertForSequenceClassification"}));
    CHECK_EQ(saved["id2label"]["1"], "feature");
    CHECK_EQ(saved["label2id"]["question"], 2);
    CHECK_EQ(saved["torch_dtype"], "float16");
    CHECK_EQ(saved["hidden_act"], "gelu_python"); // an equivalent spelling is kept
    CHECK_EQ(saved["_name_or_path"], "nreimers/MiniLM-L6-H384-uncased"); // unknown fields kept
    // And it reads back as the same model with the labels.
    const BertConfig back = parse(saved.dump());
    CHECK_EQ(back.hiddenSize, 384);
    CHECK_EQ(back.labels, (std::vector<std::string>{"bug", "feature", "question"}));
}
