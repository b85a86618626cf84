// issuebert.json reading and writing.
#include "core/model/saved_settings.h"

#include "core/io/errors.h"
#include "core/io/json_file.h"
#include "core/version.h"

#include <filesystem>

namespace issuebert {

namespace {

using nlohmann::json;

json objectOf(const std::string& text, const char* what) {
    json value = json::parse(text, nullptr, false);
    if (!value.is_object()) {
        throw ModelError(std::string("issuebert.json: the ") + what + " are not a JSON object");
    }
    return value;
}

const json& require(const json& root, const char* name, const std::string& path) {
    const auto it = root.find(name);
    if (it == root.end()) {
        throwFieldError(path, name, "missing");
    }
    return *it;
}

std::string stringOf(const json& root, const char* name, const std::string& path) {
    const json& value = require(root, name, path);
    if (!value.is_string()) {
        throwFieldError(path, name, "expected a string, found " + jsonSummary(value));
    }
    return value.get<std::string>();
}

} // namespace

const char* saveDtypeName(SaveDtype dtype) {
    switch (dtype) {
    case SaveDtype::Float32:
        return "float32";
    case SaveDtype::Float16:
        return "float16";
    case SaveDtype::BFloat16:
        return "bfloat16";
    }
    return "float32";
}

std::optional<SaveDtype> parseSaveDtype(const std::string& word) {
    if (word == "fp32" || word == "float32") {
        return SaveDtype::Float32;
    }
    if (word == "fp16" || word == "float16") {
        return SaveDtype::Float16;
    }
    if (word == "bf16" || word == "bfloat16") {
        return SaveDtype::BFloat16;
    }
    return std::nullopt;
}

const char* truncationName(Truncation truncation) {
    return truncation == Truncation::HeadTail ? "head_tail" : "head";
}

std::optional<Truncation> parseTruncation(const std::string& word) {
    if (word == "head") {
        return Truncation::Head;
    }
    if (word == "head_tail") {
        return Truncation::HeadTail;
    }
    return std::nullopt;
}

std::string savedSettingsJson(const SavedSettings& settings) {
    json root;
    root["format"] = kSavedSettingsFormat;
    root["issuebert_version"] = kVersion;
    root["head"] = headName(settings.head);
    root["pooling"] = poolingName(settings.pooling);
    root["labels"] = settings.labels;
    root["max_length"] = settings.encoder.maxLength;
    root["truncation"] = truncationName(settings.encoder.truncation);
    root["pair_title_body"] = settings.encoder.pairTitleBody;
    root["text_cleanup"] = cleanupName(settings.encoder.cleanup);
    root["dtype"] = settings.dtype;
    root["base_model"] = settings.baseModel;
    root["training"] = objectOf(settings.trainingJson, "training settings");
    root["metrics"] = objectOf(settings.metricsJson, "metrics");
    return root.dump(2) + "\n";
}

SavedSettings parseSavedSettings(const std::string& text, const std::string& path) {
    const json root = parseJsonObject(text, path);
    const json& format = require(root, "format", path);
    if (!format.is_number_integer() || format.get<long long>() < 1 ||
        format.get<long long>() > kSavedSettingsFormat) {
        throwFieldError(path, "format",
                        jsonSummary(format) + " is not a format this IssueBERT reads (1 to " +
                            std::to_string(kSavedSettingsFormat) + ")");
    }
    SavedSettings settings;
    const std::string head = stringOf(root, "head", path);
    const auto headKind = parseHeadKind(head);
    if (!headKind) {
        throwFieldError(path, "head", "\"" + head + "\" is not linear or mlp");
    }
    settings.head = *headKind;
    const std::string pooling = stringOf(root, "pooling", path);
    const auto poolingKind = parsePooling(pooling);
    if (!poolingKind) {
        throwFieldError(path, "pooling", "\"" + pooling + "\" is not pooler, cls or mean");
    }
    settings.pooling = *poolingKind;
    const json& labels = require(root, "labels", path);
    if (!labels.is_array()) {
        throwFieldError(path, "labels", "expected a list of class names");
    }
    for (const json& label : labels) {
        if (!label.is_string()) {
            throwFieldError(path, "labels", "expected a list of class names");
        }
        settings.labels.push_back(label.get<std::string>());
    }
    const json& maxLength = require(root, "max_length", path);
    if (!maxLength.is_number_integer() || maxLength.get<long long>() < kMinMaxLength ||
        maxLength.get<long long>() > kMaxMaxLength) {
        throwFieldError(path, "max_length",
                        jsonSummary(maxLength) + " is not between " +
                            std::to_string(kMinMaxLength) + " and " +
                            std::to_string(kMaxMaxLength));
    }
    settings.encoder.maxLength = maxLength.get<int>();
    const std::string truncation = stringOf(root, "truncation", path);
    const auto parsed = parseTruncation(truncation);
    if (!parsed) {
        throwFieldError(path, "truncation", "\"" + truncation + "\" is not head or head_tail");
    }
    settings.encoder.truncation = *parsed;
    if (const auto pair = root.find("pair_title_body"); pair != root.end() && pair->is_boolean()) {
        settings.encoder.pairTitleBody = pair->get<bool>();
    }
    // Models saved before text clean-up existed read their text as it is.
    if (root.contains("text_cleanup")) {
        const std::string words = stringOf(root, "text_cleanup", path);
        const auto cleanup = parseCleanup(words);
        if (!cleanup) {
            throwFieldError(path, "text_cleanup",
                            "\"" + words +
                                "\" is not none, all or a list of comments, checklists, code, "
                                "traces, urls");
        }
        settings.encoder.cleanup = *cleanup;
    }
    settings.dtype = root.contains("dtype") ? stringOf(root, "dtype", path) : "float32";
    settings.baseModel = root.contains("base_model") ? stringOf(root, "base_model", path) : "";
    for (const auto& [name, target] : {std::pair{"training", &settings.trainingJson},
                                       std::pair{"metrics", &settings.metricsJson}}) {
        if (const auto it = root.find(name); it != root.end()) {
            if (!it->is_object()) {
                throwFieldError(path, name, "expected a JSON object");
            }
            *target = it->dump();
        }
    }
    return settings;
}

std::optional<SavedSettings> readSavedSettings(const std::string& modelDir) {
    const auto path = std::filesystem::path(modelDir) / "issuebert.json";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return std::nullopt;
    }
    return parseSavedSettings(readWholeFile(path.string(), "IssueBERT's settings"), path.string());
}

} // namespace issuebert
