// The small files of a model folder on arbitrary bytes: config.json,
// issuebert.json, tokenizer_config.json and vocab.txt (the first byte picks
// which). Each may be refused with an IssueBERT error; none may crash, hang,
// exhaust memory or be accepted as a config the model code cannot use.
#include "core/io/errors.h"
#include "core/io/json_file.h"
#include "core/model/bert_config.h"
#include "core/model/saved_settings.h"
#include "core/text/tokenizer.h"

#include "support.h"

#include <filesystem>
#include <fstream>

using namespace issuebert;

namespace {

// The first lines of the MiniLM vocabulary (the specials and the first
// pieces): loading all 30,522 would slow every run a hundredfold.
const std::string& smallVocab() {
    static const std::string text = [] {
        std::ifstream in(ISSUEBERT_FUZZ_SOURCE_DIR "/tests/fixtures/minilm/vocab.txt");
        std::string all, line;
        for (int i = 0; i < 3000 && std::getline(in, line); ++i) {
            all += line + '\n';
        }
        return all;
    }();
    return text;
}

// A model folder whose one file is the input; the other is the fixture's
// tokenizer_config.json or the small vocabulary.
std::string folderWith(const char* name, std::string_view bytes) {
    const auto dir = std::filesystem::path(fuzz::workDir()) / "model";
    std::filesystem::create_directories(dir);
    const bool vocab = std::string_view(name) == "vocab.txt";
    fuzz::writeFile((dir / "vocab.txt").string(), vocab ? bytes : smallVocab());
    if (vocab) {
        std::filesystem::copy_file(
            ISSUEBERT_FUZZ_SOURCE_DIR "/tests/fixtures/minilm/tokenizer_config.json",
            dir / "tokenizer_config.json", std::filesystem::copy_options::overwrite_existing);
    } else {
        fuzz::writeFile((dir / "tokenizer_config.json").string(), bytes);
    }
    return dir.string();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        switch (data[0] % 5) {
        case 0: {
            const BertConfig config = parseBertConfig(text, "config.json");
            validateBertConfig(config, "config.json"); // what the loader does next
            break;
        }
        case 1:
            (void)parseSavedSettings(text, "issuebert.json");
            break;
        case 2:
            (void)parseJsonObject(text, "special_tokens_map.json");
            break;
        case 3:
            (void)Tokenizer::fromModelDir(folderWith("tokenizer_config.json", text));
            break;
        default: {
            const Tokenizer tok = Tokenizer::fromModelDir(folderWith("vocab.txt", text));
            for (const std::int32_t id : tok.encodeIds("Crash on start [CLS] 🐛 ##x")) {
                fuzz::check(id >= 0 && id < tok.vocab().size(),
                            "a token id outside the vocabulary");
            }
            break;
        }
        }
    } catch (const Error&) {
    }
    return 0;
}
