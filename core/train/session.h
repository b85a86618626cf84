// A run's set-up, shared by a fresh run and a resume: the data checked,
// split and tokenized once, the model built on its device, class weights.
#pragma once

#include "core/data/dataset.h"
#include "core/model/classifier.h"
#include "core/model/model_folder.h"
#include "core/text/encoder.h"
#include "core/train/events.h"
#include "core/train/train_options.h"
#include "core/train/trainer.h"

#include <torch/torch.h>

#include <atomic>
#include <string>
#include <vector>

namespace issuebert {

// Everything a run needs once set up: data tokenized, model on its device.
struct Session {
    ModelFolder folder;
    std::vector<std::string> labels;
    std::vector<Encoding> train, validation;
    std::vector<int> trainLabels, validationLabels;
    std::vector<int> trainLengths;
    int maxLength = 0;        // the encoder's: options' or, for auto, the one chosen from the data
    double valFraction = 0.0; // of the training data split off: options' or auto's choice
    std::string fingerprint;
    torch::Device device = torch::kCPU;
    bool bf16 = false;
    BertClassifier model{nullptr};
    torch::Tensor classWeights; // [C] or undefined
};

// Checks and tokenizes data, splits off validation, loads the model from
// modelSource (the base model, or last/ when resuming) onto the chosen
// device. Throws DataError / ModelError before anything is trained.
Session setUpSession(const TrainOptions& options, const TrainData& data,
                     const std::string& modelSource, TrainingListener& listener,
                     const std::atomic<bool>* cancel);

} // namespace issuebert
