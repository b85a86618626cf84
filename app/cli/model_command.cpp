// `issuebert-cli model info (DIR | ID)`: what a model is and where it was found,
// read from config.json and the weights' header without building the model.
#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/model/model_info.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

namespace issuebert::cli {

namespace {

constexpr const char* kModelHead =
    R"(usage: issuebert-cli model info (DIR | ID) [--json]

Show a BERT model: architecture, parameter count, vocabulary, hidden size,
layers and heads, its labels if it was fine-tuned, and where it was found.

DIR is a Hugging Face model folder (config.json and model.safetensors or
pytorch_model.bin). ID is a model id such as
sentence-transformers/all-MiniLM-L6-v2, looked up in the Hugging Face cache
($HF_HUB_CACHE, $HF_HOME/hub, ~/.cache/huggingface/hub) and in IssueBERT's
cache (~/.cache/issuebert/models/NAME).

)";

const Usage kModelUsage = {kModelHead,
                           {{"Options:",
                             {{"json", nullptr,
                               "one JSON object: path, source, architecture, parameters,\n"
                               "vocab_size, hidden_size, layers, heads, intermediate_size,\n"
                               "max_positions, weights_file, weights_bytes, dtype, labels, head,\n"
                               "pooling"},
                              kHelpOption}}},
                           "",
                           12}; // the help column: its option names are short

// 22713216 → "22,713,216".
std::string grouped(std::int64_t value) {
    std::string digits = std::to_string(value);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
        digits.insert(static_cast<std::size_t>(i), ",");
    }
    return digits;
}

// 22713216 → "22.7M"; 4.4e8 bytes → "440.0 M".
std::string shortNumber(double value) {
    char text[32];
    if (value >= 1e9) {
        std::snprintf(text, sizeof text, "%.1fG", value / 1e9);
    } else if (value >= 1e6) {
        std::snprintf(text, sizeof text, "%.1fM", value / 1e6);
    } else if (value >= 1e3) {
        std::snprintf(text, sizeof text, "%.1fk", value / 1e3);
    } else {
        std::snprintf(text, sizeof text, "%.0f", value);
    }
    return text;
}

void printJson(const ModelInfo& info) {
    nlohmann::json out;
    out["path"] = info.path;
    out["source"] = info.source;
    out["architecture"] = info.architecture;
    out["parameters"] = info.parameterCount;
    out["vocab_size"] = info.vocabSize;
    out["hidden_size"] = info.hiddenSize;
    out["layers"] = info.layers;
    out["heads"] = info.heads;
    out["intermediate_size"] = info.intermediateSize;
    out["max_positions"] = info.maxPositions;
    out["weights_file"] = info.weightsFile;
    out["weights_bytes"] = info.weightsBytes;
    out["dtype"] = info.dtype;
    out["labels"] = info.labels;
    out["head"] = info.head.empty() ? nlohmann::json(nullptr) : nlohmann::json(info.head);
    out["pooling"] = info.pooling.empty() ? nlohmann::json(nullptr) : nlohmann::json(info.pooling);
    // A path from the command line need not be UTF-8: replace, never throw.
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void printHuman(const ModelInfo& info) {
    std::ostringstream out;
    out << "Model            " << info.path << " (" << info.source << ")\n";
    out << "Architecture     " << info.architecture << '\n';
    out << "Parameters       " << grouped(info.parameterCount) << " ("
        << shortNumber(static_cast<double>(info.parameterCount)) << ")\n";
    out << "Vocabulary       " << grouped(info.vocabSize) << " tokens\n";
    out << "Shape            hidden " << info.hiddenSize << ", " << info.layers << " layers, "
        << info.heads << " heads, intermediate " << info.intermediateSize << ", "
        << info.maxPositions << " positions\n";
    out << "Weights          " << info.weightsFile << ", " << info.dtype << ", "
        << shortNumber(static_cast<double>(info.weightsBytes)) << "B\n";
    std::string labels;
    for (const std::string& label : info.labels) {
        labels += (labels.empty() ? "" : ", ") + label;
    }
    out << "Labels           " << (labels.empty() ? "none (not fine-tuned)" : labels) << '\n';
    if (!info.head.empty()) {
        out << "Head             " << info.head << ", pooling " << info.pooling << '\n';
    }
    std::cout << out.str();
}

int runModel(const Args& args) {
    const auto& positional = args.positional();
    if (positional.empty() || positional[0] != "info") {
        throw UsageError("model: expected the subcommand \"info\"");
    }
    if (positional.size() != 2) {
        throw UsageError(positional.size() < 2 ? "model info: no DIR or ID given"
                                               : "model info: one DIR or ID only");
    }
    const ModelInfo info = inspectModel(positional[1]);
    if (args.flag("json")) {
        printJson(info);
    } else {
        printHuman(info);
    }
    return kExitOk;
}

} // namespace

const Command kModelCommand = {"model", kModelUsage, runModel};

} // namespace issuebert::cli
