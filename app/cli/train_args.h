// The options of a training run as flags, shared by `train` and `cv`: their
// table and TrainOptions from --config and then the flags.
#pragma once

#include "app/cli/args.h"
#include "app/cli/usage.h"
#include "core/train/train_options.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace issuebert::cli {

// The sections of train's help that set a run, from "Data and model" to
// "Hardware" (not the dataset options).
std::vector<HelpSection> trainSections();

// Their options that set the recipe, which cv takes too: all but those naming
// the run's files, --train, --val, --out and --resume.
OptionTable trainRecipeOptions();

// A number option's value, fallback when not given; UsageError for a non-number.
double parseNumber(const Args& args, const std::string& name, double fallback);

// A seed option's value (a whole number >= 0); nullopt when not given,
// UsageError otherwise.
std::optional<std::uint64_t> seedOption(const Args& args, const std::string& name);

// --clean's steps; nullopt when not given, UsageError for an unknown word.
std::optional<TextCleanup> cleanupOption(const Args& args);

// TrainOptions from --config and then the flags; UsageError for bad values.
// --truncation's word as a Truncation; UsageError naming the choices otherwise.
Truncation truncationOption(const std::string& word);
TrainOptions optionsFromArgs(const Args& args);

} // namespace issuebert::cli
