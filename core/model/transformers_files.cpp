// config.json and tokenizer_config.json for Hugging Face transformers.
#include "core/model/transformers_files.h"

#include "core/io/errors.h"
#include "core/io/json_depth.h"

#include <nlohmann/json.hpp>

namespace issuebert {

bool isNativeLayout(const ClassifierOptions& options) {
    return options.head == HeadKind::Linear && options.pooling == Pooling::Pooler;
}

std::string savedConfigJson(const BertConfig& config, const ClassifierOptions& options,
                            const std::string& dtypeName) {
    nlohmann::json root = nlohmann::json::parse(bertConfigJson(config, options.labels, dtypeName));
    root["issuebert_head"] = headName(options.head);
    root["issuebert_pooling"] = poolingName(options.pooling);
    // A fine-tune of an IssueBERT folder inherits its auto_map; only the layout
    // saved now decides.
    root.erase("auto_map");
    if (!isNativeLayout(options)) {
        const std::string module = kModelingModule;
        root["model_type"] = kIssueBertModelType;
        root["architectures"] = nlohmann::json::array({kIssueBertArchitecture});
        root["auto_map"] = {
            {"AutoConfig", module + ".IssueBertConfig"},
            {"AutoModelForSequenceClassification", module + "." + kIssueBertArchitecture}};
    }
    return root.dump(2) + "\n";
}

bool needsIssueBertTokenizer(const EncoderOptions& encoder) {
    return encoder.cleanup.steps != 0U || encoder.truncation == Truncation::HeadTail;
}

std::string savedTokenizerConfigJson(const std::string& sourceText, const EncoderOptions& encoder,
                                     const std::string& path) {
    // Ordered: the source's fields stay where they were.
    nlohmann::ordered_json root = jsonTooDeep(sourceText)
                                      ? nlohmann::ordered_json()
                                      : nlohmann::ordered_json::parse(sourceText, nullptr, false);
    if (!root.is_object()) {
        throw ModelError(path + ": not a JSON object; a saved model needs its tokenizer settings");
    }
    if (!root.contains("tokenizer_class") || root["tokenizer_class"].is_null() ||
        root["tokenizer_class"] == kIssueBertTokenizerClass) {
        root["tokenizer_class"] = "BertTokenizer";
    }
    root.erase("auto_map");
    root.erase("issuebert_text_cleanup");
    root.erase("issuebert_truncation");
    if (needsIssueBertTokenizer(encoder)) {
        const std::string module = kTokenizationModule;
        root["tokenizer_class"] = kIssueBertTokenizerClass;
        root["auto_map"] = {{"AutoTokenizer",
                             {module + ".IssueBertTokenizer", module + ".IssueBertTokenizerFast"}}};
        root["issuebert_text_cleanup"] = cleanupName(encoder.cleanup);
        root["issuebert_truncation"] = truncationName(encoder.truncation);
    }
    root["model_max_length"] = encoder.maxLength;
    root["truncation_side"] = "right";
    return root.dump(2) + "\n";
}

} // namespace issuebert
