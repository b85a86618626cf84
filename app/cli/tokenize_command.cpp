// issuebert-cli tokenize: shows how a model's tokenizer splits texts, one
// output line per text (each TEXT argument, or each line of --input FILE).
#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/train_args.h"
#include "core/io/errors.h"
#include "core/model/saved_settings.h"
#include "core/text/encoder.h"
#include "core/text/issue_cleanup.h"
#include "core/text/tokenizer.h"

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace issuebert::cli {

namespace {

constexpr const char* kTokenizeHead =
    R"(usage: issuebert-cli tokenize --model DIR [options] (TEXT... | --input FILE)

Tokenize texts with a model's WordPiece vocabulary, exactly as Hugging Face's
BertTokenizer does; one output line per text (each TEXT argument, or each line
of FILE; "-" reads standard input).

)";

const Usage kTokenizeUsage = {
    kTokenizeHead,
    {{"Options:",
      {{"model", "DIR", "a Hugging Face model folder with vocab.txt"},
       {"input", "FILE", "the texts, one per line (\"-\": standard input)"},
       {"max-len", "N",
        "show what the model sees: [CLS] tokens [SEP], truncated to N\n"
        "tokens (8 to 512)"},
       {"truncation", "head|head_tail",
        "how --max-len cuts a long text; default: the truncation a\n"
        "fine-tuned model was trained with, else head"},
       {"clean", "none|all|STEPS",
        "clean the text first, as training does (steps: comments,\n"
        "checklists, code, traces, urls; see `train --help`); default:\n"
        "the clean-up a fine-tuned model was trained with, else none"},
       {"ids", nullptr, "print token ids instead of tokens"},
       {"json", nullptr,
        "one JSON object per text: text, cleaned (the text the model\n"
        "sees, when clean-up changed it), tokens, ids, truncated,\n"
        "token_count"},
       kHelpOption}}},
    "",
    17}; // the help column: its option names are short

// Longest input line tokenized: far above any issue, and it keeps a file
// without line breaks from being read whole into memory.
constexpr std::size_t kMaxLineBytes = std::size_t{16} << 20;

// Reads line `number` of in without its line break; false at the end. Throws
// DataError naming the input for a line over kMaxLineBytes.
bool readLine(std::istream& in, std::string& line, const std::string& name, long long number) {
    line.clear();
    std::streambuf& buffer = *in.rdbuf();
    int c = buffer.sbumpc();
    if (c == std::char_traits<char>::eof()) {
        return false;
    }
    for (; c != std::char_traits<char>::eof() && c != '\n'; c = buffer.sbumpc()) {
        if (line.size() == kMaxLineBytes) {
            throw DataError(atLine(name, number,
                                   "the line is longer than " +
                                       std::to_string(kMaxLineBytes >> 20) +
                                       " MiB; tokenize takes one text per line"));
        }
        line.push_back(static_cast<char>(c));
    }
    if (!line.empty() && line.back() == '\r') {
        line.pop_back(); // CRLF files: the line break is not part of the text
    }
    return true;
}

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

void print(const Tokenizer& tokenizer, const std::string& text, const std::string& cleaned,
           const Shown& shown, bool ids, bool json) {
    if (json) {
        nlohmann::ordered_json tokens = nlohmann::ordered_json::array();
        for (const std::int32_t id : shown.ids) {
            tokens.push_back(tokenizer.vocab().token(id));
        }
        nlohmann::ordered_json line = {{"text", text}};
        if (cleaned != text) {
            line["cleaned"] = cleaned;
        }
        line["tokens"] = tokens;
        line["ids"] = shown.ids;
        line["truncated"] = shown.truncated;
        line["token_count"] = shown.tokenCount;
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

int runTokenize(const Args& args) {
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
    const auto saved = readSavedSettings(*model);
    std::optional<Encoder> encoder;
    if (args.value("max-len")) {
        EncoderOptions options;
        options.maxLength = args.intValue("max-len", 0, kMinMaxLength, kMaxMaxLength);
        options.padToMaxLength = false;
        if (const auto truncation = args.value("truncation")) {
            options.truncation = truncationOption(*truncation);
        } else if (saved) {
            options.truncation = saved->encoder.truncation;
        }
        encoder.emplace(tokenizer, options);
    } else if (args.value("truncation")) {
        throw UsageError("--truncation needs --max-len N (without it nothing is cut)");
    }
    TextCleanup cleanup;
    if (const auto asked = cleanupOption(args)) {
        cleanup = *asked;
    } else if (saved) {
        cleanup = saved->encoder.cleanup;
    }
    const bool ids = args.flag("ids");
    const bool json = args.flag("json");
    const auto one = [&](const std::string& text) {
        const std::string cleaned = cleanIssueText(text, cleanup);
        print(tokenizer, text, cleaned, shape(tokenizer, encoder, cleaned), ids, json);
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
    const std::string name = *input == "-" ? "standard input" : *input;
    std::string line;
    for (long long number = 1; readLine(in, line, name, number); ++number) {
        one(line);
    }
    return kExitOk;
}

} // namespace

const Command kTokenizeCommand = {"tokenize", kTokenizeUsage, runTokenize};

} // namespace issuebert::cli
