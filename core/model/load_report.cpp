// Hugging Face's wording for missing and unused checkpoint weights.
#include "core/model/load_report.h"

namespace issuebert {

namespace {

// ['a', 'b'] as Python prints a list of names.
std::string pythonList(const std::vector<std::string>& names) {
    std::string out = "[";
    for (std::size_t i = 0; i < names.size(); ++i) {
        out += (i > 0 ? ", '" : "'") + names[i] + "'";
    }
    return out + "]";
}

} // namespace

std::vector<std::string> LoadReport::messages() const {
    std::vector<std::string> out;
    if (!unexpected.empty()) {
        out.push_back("Some weights of the model checkpoint at " + checkpoint +
                      " were not used when initializing " + modelName + ": " +
                      pythonList(unexpected) + "\n- This IS expected if you are initializing " +
                      modelName +
                      " from the checkpoint of a model trained on another task or with another "
                      "architecture (e.g. initializing a BertForSequenceClassification model "
                      "from a BertForPreTraining model).");
    }
    if (!missing.empty()) {
        out.push_back("Some weights of " + modelName +
                      " were not initialized from the model checkpoint at " + checkpoint +
                      " and are newly initialized: " + pythonList(missing) +
                      "\nYou should probably TRAIN this model on a down-stream task to be able "
                      "to use it for predictions and inference.");
    }
    if (!resized.empty()) {
        out.push_back(
            "Some weights of " + modelName + " were not initialized from the model checkpoint at " +
            checkpoint +
            " and are newly initialized because the shapes did not match: " + pythonList(resized) +
            "\nYou should probably TRAIN this model on a down-stream task to be able "
            "to use it for predictions and inference.");
    }
    return out;
}

} // namespace issuebert
