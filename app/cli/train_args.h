// The options of a training run as flags, shared by `train` and `cv`: their
// names and TrainOptions from --config and then the flags.
#pragma once

#include "app/cli/args.h"
#include "core/train/train_options.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>

namespace issuebert::cli {

// Every value option of a training run (not the dataset options).
std::set<std::string> trainValueOptions();

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
