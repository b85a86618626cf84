// A model's facts for display (the ui's model picker, `issuebert-cli model
// info`) without building it. LibTorch-free.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace issuebert {

struct ModelInfo {
    std::string architecture;        // config.json's architectures[0], e.g. "BertModel"
    std::int64_t parameterCount = 0; // elements of the weights the model uses
    int hiddenSize = 0;
    int layers = 0;
    int heads = 0;
    int intermediateSize = 0;
    int vocabSize = 0;
    int maxPositions = 0;
    std::vector<std::string> labels; // id2label in id order; empty for a pretrained model
    std::string path;                // the folder the model was found in
    std::string source;              // "folder", "hf-cache" or "issuebert-cache"
    std::string weightsFile;         // "model.safetensors" or "pytorch_model.bin"
    std::string dtype;               // the weights' dtype: "float32", "float16", "bfloat16"
    std::int64_t weightsBytes = 0;   // size of the weights file
    std::string head;                // issuebert.json's head and pooling; empty otherwise
    std::string pooling;
};

// Finds dirOrId (a folder, or a model id in the Hugging Face or IssueBERT
// cache) and reads config.json and the weights' header. Throws ModelError when
// the model cannot be found or read, naming the file and what is wrong.
ModelInfo inspectModel(const std::string& dirOrId);

} // namespace issuebert
