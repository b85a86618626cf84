// issuebert-cli tokenize: shows how a model's tokenizer splits texts, one
// output line per text (each TEXT argument, or each line of --input FILE).
#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/io/errors.h"
#include "core/text/encoder.h"
#include "core/text/tokenizer.h"

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

namespace issuebert::cli {

namespace {

// What one text becomes: the pieces shown, and what the encoder did.
struct Shown {
    std::vector<std::int32_t> ids;
    int tokenCount = 0;
    bool truncated = false;
};

// Without --max-len: the WordPiece tokens. With it: what the model sees,
// [CLS] ... [SEP] after head truncation, without the padding.
Shown shape(const Tokenizer& tokenizer, const std::optional<Encoder>& encoder,
            const std::string& text) {
    Shown shown;
    if (encoder) {
        Encoding encoding = encoder->encode(text);
        shown.ids = std::move(encoding.inputIds);
        shown.tokenCount = encoding.tokenCount;
        shown.truncated = encoding.truncated;
    } else {
        shown.ids = tokenizer.encodeIds(text);
        shown.tokenCount = static_cast<int>(shown.ids.size());
    }
    return shown;
}

void print(const Tokenizer& tokenizer, const std::string& text, const Shown& shown, bool ids,
           bool json) {
    if (json) {
        nlohmann::ordered_json tokens = nlohmann::ordered_json::array();
        for (const std::int32_t id : shown.ids) {
            tokens.push_back(tokenizer.vocab().token(id));
        }
        const nlohmann::ordered_json line = {{"text", text},
                                             {"tokens", tokens},
                                             {"ids", shown.ids},
                                             {"truncated", shown.truncated},
                                             {"token_count", shown.tokenCount}};
        // Invalid UTF-8 in the input text is shown as U+FFFD rather than failing.
        std::cout << line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
                  << '\n';
        return;
    }
    for (std::size_t i = 0; i < shown.ids.size(); ++i) {
        if (i > 0) {
            std::cout << ' ';
        }
        if (ids) {
            std::cout << shown.ids[i];
        } else {
            std::cout << tokenizer.vocab().token(shown.ids[i]);
        }
    }
    std::cout << '\n';
}

} // namespace

int runTokenize(const std::vector<std::string>& words) {
    const Args args(words, {"model", "max-len", "input"}, {"ids", "json"});
    const auto model = args.value("model");
    if (!model) {
        throw UsageError("tokenize needs --model DIR (a folder with vocab.txt)");
    }
    const auto input = args.value("input");
    if (input && !args.positional().empty()) {
        throw UsageError("tokenize takes TEXT arguments or --input FILE, not both");
    }
    if (!input && args.positional().empty()) {
        throw UsageError("tokenize needs a TEXT argument or --input FILE");
    }
    const Tokenizer tokenizer = Tokenizer::fromModelDir(*model);
    std::optional<Encoder> encoder;
    if (args.value("max-len")) {
        EncoderOptions options;
        options.maxLength = args.intValue("max-len", 0, kMinMaxLength, kMaxMaxLength);
        options.padToMaxLength = false;
        encoder.emplace(tokenizer, options);
    }
    const bool ids = args.flag("ids");
    const bool json = args.flag("json");
    const auto one = [&](const std::string& text) {
        print(tokenizer, text, shape(tokenizer, encoder, text), ids, json);
    };

    if (!input) {
        for (const std::string& text : args.positional()) {
            one(text);
        }
        return kExitOk;
    }
    std::ifstream file;
    if (*input != "-") {
        file.open(*input, std::ios::binary);
        if (!file) {
            throw IoError(fileName(*input) + ": cannot open the input file " + *input);
        }
    }
    std::istream& in = *input == "-" ? std::cin : file;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back(); // CRLF files: the line break is not part of the text
        }
        one(line);
    }
    if (in.bad()) {
        throw IoError(fileName(*input) + ": read error in " + *input);
    }
    return kExitOk;
}

} // namespace issuebert::cli
