// What loading a checkpoint into a model matched, worded as Hugging Face words
// it. LibTorch-free, so the ui can show it.
#pragma once

#include <string>
#include <vector>

namespace issuebert {

struct LoadReport {
    std::string checkpoint;                                  // the weights file
    std::string modelName = "BertForSequenceClassification"; // what was loaded into
    // Model weights the checkpoint lacks: they keep their fresh initialisation
    // (a new classifier head is expected here).
    std::vector<std::string> missing;
    // Checkpoint weights the model does not use (e.g. pre-training heads, cls.*).
    std::vector<std::string> unexpected;
    // Head weights whose shape differs (another class count): newly initialised.
    std::vector<std::string> resized;

    bool complete() const { return missing.empty() && unexpected.empty() && resized.empty(); }
    // Hugging Face's messages ("Some weights of the model checkpoint at ... were
    // not used ...", "Some weights of ... were not initialized ..."), one per
    // non-empty list; empty when everything matched.
    std::vector<std::string> messages() const;
};

} // namespace issuebert
