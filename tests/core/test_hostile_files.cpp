// Hostile model and settings files (issue 12): JSON nested 300,000 levels deep
// in any file IssueBERT reads is a clean error naming the file, not a stack
// overflow; values quoted in messages are short and escaped; numbers are read
// only into types that hold them.
#include "core/io/errors.h"
#include "core/io/json_depth.h"
#include "core/io/json_file.h"
#include "core/model/bert_config.h"
#include "core/model/saved_settings.h"
#include "core/model/weights.h"
#include "core/text/tokenizer.h"
#include "core/train/train_options.h"
#include "core/train/trainer_state.h"

#include <filesystem>
#include <fstream>

#include "tests/support/unit.h"

using namespace issuebert;
namespace fs = std::filesystem;

namespace {

constexpr int kHostileDepth = 300'000;

std::string nestedArrays(int depth) {
    return std::string(static_cast<std::size_t>(depth), '[') +
           std::string(static_cast<std::size_t>(depth), ']');
}

std::string deepObjects(int depth) {
    std::string text;
    for (int i = 0; i < depth; ++i) {
        text += "{\"a\":";
    }
    return text + "1" + std::string(static_cast<std::size_t>(depth), '}');
}

const std::string kDeepMessage = "nested more than 100 levels deep";

} // namespace

TEST_CASE("hostile: nesting depth is counted outside strings and stops early") {
    CHECK_EQ(jsonNestingDepth(R"({"a": [1, {"b": [2]}], "c": "[[[[{{{"})"), 4);
    CHECK_EQ(jsonNestingDepth(R"(["\"[[[", "\\", [[]]])"), 3);
    CHECK_EQ(jsonNestingDepth("1"), 0);
    CHECK_EQ(jsonNestingDepth(nestedArrays(kHostileDepth)), kMaxJsonDepth + 1);
    CHECK(!jsonTooDeep(nestedArrays(kMaxJsonDepth)));
    CHECK(jsonTooDeep(nestedArrays(kMaxJsonDepth + 1)));
}

TEST_CASE("hostile: a config.json nested 300,000 deep is refused, naming the file") {
    const unit::TempDir dir;
    const std::string path =
        dir.write("config.json", "{\"hidden_size\": " + nestedArrays(kHostileDepth) + "}");
    CHECK_THROWS_WITH(loadBertConfig(path), ModelError, path + ": " + kDeepMessage);
    CHECK_THROWS_WITH(loadBertConfig(dir.write("c2.json", deepObjects(kHostileDepth))), ModelError,
                      kDeepMessage);
}

TEST_CASE("hostile: deep issuebert.json, tokenizer_config.json and training settings") {
    CHECK_THROWS_WITH(parseSavedSettings(deepObjects(kHostileDepth), "m/issuebert.json"),
                      ModelError, "m/issuebert.json: " + kDeepMessage);
    const unit::TempDir dir;
    fs::copy_file(unit::sourcePath("tests/fixtures/minilm/vocab.txt"), dir.path() / "vocab.txt");
    dir.write("tokenizer_config.json", "{\"do_lower_case\": " + nestedArrays(kHostileDepth) + "}");
    CHECK_THROWS_WITH(Tokenizer::fromModelDir(dir.path().string()), ModelError,
                      "tokenizer_config.json: " + kDeepMessage);
    CHECK_THROWS_WITH(trainOptionsFromJson(deepObjects(kHostileDepth), "run/config.json", {}),
                      DataError, "run/config.json: " + kDeepMessage);
}

TEST_CASE("hostile: a deep safetensors header and a deep shard index are refused") {
    const unit::TempDir dir;
    const std::string header = "{\"a\": " + nestedArrays(kHostileDepth) + "}";
    std::string file(8, '\0');
    const std::uint64_t length = header.size();
    for (int i = 0; i < 8; ++i) {
        file[static_cast<std::size_t>(i)] = static_cast<char>((length >> (8 * i)) & 0xFF);
    }
    const std::string tensors = dir.write("model.safetensors", file + header);
    CHECK_THROWS_WITH(loadCheckpointTensors(tensors), ModelError,
                      "model.safetensors: header is " + kDeepMessage);
    const std::string index = dir.write("model.safetensors.index.json",
                                        "{\"weight_map\": " + deepObjects(kHostileDepth) + "}");
    CHECK_THROWS_WITH(loadCheckpointTensors(index), ModelError, kDeepMessage);
}

TEST_CASE("hostile: values quoted in messages are short, escaped and never walked") {
    using nlohmann::json;
    CHECK_EQ(jsonSummary(json(7)), std::string("7"));
    CHECK_EQ(jsonSummary(json(nullptr)), std::string("null"));
    CHECK_EQ(jsonSummary(json("short")), std::string("\"short\""));
    CHECK_EQ(jsonSummary(json("\x1b[31mred")), std::string("\"\\u001b[31mred\""));
    const std::string shown = jsonSummary(json(std::string(1000, 'x')));
    CHECK(shown.size() < 50);
    CHECK_EQ(shown.substr(shown.size() - 4), std::string("...\""));
    CHECK_EQ(jsonSummary(json::array({1, 2, 3})), std::string("an array of 3 items"));
    CHECK_EQ(jsonSummary(json::object({{"a", 1}})), std::string("an object of 1 field"));
    // A wrong type in config.json is named by its kind, not printed whole.
    const unit::TempDir dir;
    std::string items = "1";
    for (int i = 1; i < 100000; ++i) {
        items += ",1";
    }
    const std::string path = dir.write("config.json", "{\"hidden_size\": [" + items + "]}");
    CHECK_THROWS_WITH(loadBertConfig(path), ModelError,
                      "field \"hidden_size\": expected an integer, found an array of 100000 items");
}

TEST_CASE("hostile: a number too large for any type is bad JSON, in a short message") {
    const unit::TempDir dir;
    const std::string digits(100000, '7');
    const std::string path = dir.write("config.json", "{\"hidden_size\": " + digits + "}");
    std::string message;
    try {
        loadBertConfig(path);
    } catch (const ModelError& e) {
        message = e.what();
    }
    CHECK(message.find(path + ": not valid JSON (number overflow") == 0);
    CHECK(message.size() < path.size() + 300);
    CHECK_THROWS_WITH(trainOptionsFromJson("{\"epochs\": " + digits + "}", "settings.json", {}),
                      DataError, "settings.json: not valid JSON (number overflow");
}

TEST_CASE("hostile: a vocabulary of millions of empty lines is refused before it is built") {
    const unit::TempDir dir;
    dir.write("vocab.txt",
              "[PAD]\n[UNK]\n[CLS]\n[SEP]\n" + std::string(std::size_t{20} << 20, '\n'));
    dir.write("tokenizer_config.json", "{}");
    CHECK_THROWS_WITH(
        Tokenizer::fromModelDir(dir.path().string()), ModelError,
        "vocab.txt: 20971524 lines; a WordPiece vocabulary has at most 1000000 tokens");
    // CR, LF and CRLF each end one line, as Python's text mode reads them.
    dir.write("vocab.txt", "[PAD]\r\n[UNK]\r[CLS]\n[SEP]\r\n" + std::string(1'000'000, '\r'));
    CHECK_THROWS_WITH(Tokenizer::fromModelDir(dir.path().string()), ModelError,
                      "vocab.txt: 1000004 lines");
}

TEST_CASE("hostile: a JSON settings file over 16 MiB is refused before it is read") {
    const unit::TempDir dir;
    const std::string padded = "{" + std::string(std::size_t{17} << 20, ' ') + "}";
    CHECK_THROWS_WITH(loadBertConfig(dir.write("config.json", padded)), ModelError,
                      "config.json: larger than 16 MiB; not the model's config.json");
    CHECK_THROWS_WITH(loadCheckpointTensors(dir.write("model.safetensors.index.json", padded)),
                      ModelError, "larger than 16 MiB; not a sharded checkpoint index");
}

TEST_CASE("hostile: trainer_state.json numbers are whole and fit their field, or refused") {
    TrainerState saved;
    saved.epoch = 2;
    saved.step = 412;
    saved.bestScore = 0.7659;
    saved.fingerprint = "9f86d081884c7d65";
    const std::string path = "run/last/trainer_state.json";
    const TrainerState read = parseTrainerState(trainerStateJson(saved), path);
    CHECK(read.epoch == 2);
    CHECK(read.step == 412);
    CHECK(read.bestScore == 0.7659);
    CHECK(read.fingerprint == saved.fingerprint);

    const auto with = [&](const char* key, const nlohmann::json& value) {
        nlohmann::json state = nlohmann::json::parse(trainerStateJson(saved));
        state[key] = value;
        return state.dump();
    };
    // 1e300 into an int was undefined behaviour (UBSan: outside the range of 'int').
    CHECK_THROWS_WITH(parseTrainerState(with("epoch", 1e300), path), ModelError,
                      path + ": field \"epoch\": expected a whole number, found 1e+300");
    // 2.5 was read as batch 2.
    CHECK_THROWS_WITH(parseTrainerState(with("batch", 2.5), path), ModelError,
                      path + ": field \"batch\": expected a whole number, found 2.5");
    // 2^64 - 1 was read as step -1.
    CHECK_THROWS_WITH(parseTrainerState(with("step", 18446744073709551615ULL), path), ModelError,
                      path + ": field \"step\": the value 18446744073709551615 is out of range");
    CHECK_THROWS_WITH(parseTrainerState(with("bad_evaluations", 3000000000LL), path), ModelError,
                      path + ": field \"bad_evaluations\": the value 3000000000 is out of range");
    CHECK_THROWS_WITH(parseTrainerState(with("best_score", "high"), path), ModelError,
                      path + ": field \"best_score\": expected a number, found \"high\"");
    CHECK_THROWS_WITH(parseTrainerState(with("fingerprint", 7), path), ModelError,
                      path + ": field \"fingerprint\": expected a string, found 7");
}
