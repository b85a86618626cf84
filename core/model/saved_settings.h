// issuebert.json: what a saved fine-tune needs beyond the Hugging Face files —
// head, pooling, input settings, labels, training settings and metrics.
// LibTorch-free.
#pragma once

#include "core/model/classifier_options.h"
#include "core/text/encoder.h"

#include <optional>
#include <string>
#include <vector>

namespace issuebert {

// issuebert.json's format version; a newer one is refused.
inline constexpr int kSavedSettingsFormat = 1;

struct SavedSettings {
    HeadKind head = HeadKind::Linear;
    Pooling pooling = Pooling::Pooler;
    std::vector<std::string> labels; // class names in id order
    EncoderOptions encoder;          // max length, truncation, title/body pairs
    std::string dtype = "float32";   // of model.safetensors
    std::string baseModel;           // the model the fine-tune started from (id or folder)
    // Free JSON objects the trainer fills (hyperparameters; best metrics).
    std::string trainingJson = "{}";
    std::string metricsJson = "{}";
};

// The dtype model.safetensors is written in: fp32 keeps every bit; fp16 and
// bf16 halve the file (a bert-base fine-tune ≈ 220 MB instead of 440 MB).
enum class SaveDtype { Float32, Float16, BFloat16 };

// "float32" / "float16" / "bfloat16", as config.json's torch_dtype spells them.
const char* saveDtypeName(SaveDtype dtype);
// Accepts fp32 / fp16 / bf16 and the long names above.
std::optional<SaveDtype> parseSaveDtype(const std::string& word);

// "head" / "head_tail".
const char* truncationName(Truncation truncation);
// Its inverse; nullopt for any other word.
std::optional<Truncation> parseTruncation(const std::string& word);

// The file's text. Throws ModelError when trainingJson or metricsJson is not a
// JSON object.
std::string savedSettingsJson(const SavedSettings& settings);
// Throws ModelError naming path and the field when a value is missing or wrong.
SavedSettings parseSavedSettings(const std::string& text, const std::string& path);
// modelDir/issuebert.json, or nullopt when the folder has none (any Hugging
// Face folder). Throws as parseSavedSettings, IoError when unreadable.
std::optional<SavedSettings> readSavedSettings(const std::string& modelDir);

} // namespace issuebert
