// What makes a saved model compute in Hugging Face transformers what it computes
// in IssueBERT: config.json's classifier fields, tokenizer_config.json's input
// settings, and modeling_issuebert.py for the layouts transformers lacks.
// LibTorch-free.
#pragma once

#include "core/model/bert_config.h"
#include "core/model/classifier_options.h"
#include "core/model/saved_settings.h"
#include "core/text/encoder.h"

#include <string>
#include <string_view>

namespace issuebert {

// The modeling file's module name (saved as modeling_issuebert.py) and the
// class config.json's architectures and auto_map name in it.
inline constexpr const char* kModelingModule = "modeling_issuebert";
inline constexpr const char* kIssueBertArchitecture = "IssueBertForSequenceClassification";
// config.json's model_type for folders that need modeling_issuebert.py: one
// transformers does not know, so that loading without trust_remote_code fails
// instead of running BertForSequenceClassification on the weights.
inline constexpr const char* kIssueBertModelType = "issuebert";

// Whether transformers' own BertForSequenceClassification computes this
// classifier exactly: the linear head on the pooler's output.
bool isNativeLayout(const ClassifierOptions& options);

// config.json of a saved model: bertConfigJson's, plus issuebert_head and
// issuebert_pooling; other layouts than the native one also get model_type
// "issuebert", IssueBertForSequenceClassification as the architecture and an
// auto_map to modeling_issuebert.py.
std::string savedConfigJson(const BertConfig& config, const ClassifierOptions& options,
                            const std::string& dtypeName);

// The tokenizer file's module name (saved as tokenization_issuebert.py) and
// its slow class, which tokenizer_config.json names for cleaned models.
inline constexpr const char* kTokenizationModule = "tokenization_issuebert";
inline constexpr const char* kIssueBertTokenizerClass = "IssueBertTokenizer";

// Whether a model trained with encoder needs tokenization_issuebert.py: a
// text clean-up or head+tail truncation, which BERT's own tokenizer lacks.
bool needsIssueBertTokenizer(const EncoderOptions& encoder);

// tokenizer_config.json of a saved model: sourceText's fields (a JSON object;
// `path` names it in errors) with model_max_length = the trained max length,
// truncation_side "right" (head truncation) and tokenizer_class BertTokenizer
// when absent, so AutoTokenizer needs no config.json. A model that
// needsIssueBertTokenizer gets tokenizer_class IssueBertTokenizer, an
// auto_map to tokenization_issuebert.py, issuebert_text_cleanup (its steps)
// and issuebert_truncation ("head" / "head_tail"), so the tokenizer cleans and
// cuts as training did and refuses to load without trust_remote_code; one
// without loses any such fields its source had. Throws ModelError for invalid JSON.
std::string savedTokenizerConfigJson(const std::string& sourceText, const EncoderOptions& encoder,
                                     const std::string& path);

// core/model/modeling_issuebert.py's text, embedded at build time.
std::string_view modelingIssueBertPy();
// core/model/tokenization_issuebert.py's text, embedded at build time.
std::string_view tokenizationIssueBertPy();

} // namespace issuebert
