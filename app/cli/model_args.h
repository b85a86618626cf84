// What evaluate, predict and explain share: the model's options (--model,
// --device, --precision, --batch-size; train parses the last three alike), the
// issues of --data, and the forward passes over them with progress on stderr.
#pragma once

#include "app/cli/args.h"
#include "app/cli/usage.h"
#include "core/data/dataset.h"
#include "core/eval/predictor.h"

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

namespace issuebert::cli {

// An option's value; UsageError "COMMAND: --NAME WHAT is required" without one.
std::string requiredValue(const Args& args, const std::string& command, const std::string& name,
                          const std::string& what);

// A word option into target (left as it is when not given) through parse,
// which returns an empty optional for a word it does not know; UsageError
// "--NAME: "WORD" is not one of CHOICES" then.
template <typename T, typename Parse>
void parseChoice(const Args& args, const std::string& name, T& target, Parse parse,
                 const std::string& choices) {
    if (const auto text = args.value(name)) {
        const auto value = parse(*text);
        if (!value) {
            throw UsageError("--" + name + ": \"" + *text + "\" is not one of " + choices);
        }
        target = *value;
    }
}

// --device and --precision into device and precision (left as they are when
// not given); UsageError naming the choices for any other word.
void hardwareOptions(const Args& args, DeviceChoice& device, Precision& precision);

// PredictorOptions from --device, --precision and, when batched, --batch-size.
PredictorOptions predictorOptions(const Args& args, bool batched);

// The issues of --data, read with the dataset options; cancel stops the
// reading. An empty file is bad input: there is nothing to score.
Dataset loadIssues(const Args& args, const std::atomic<bool>* cancel);

// The predictor over issues, with progress on stderr (a line redrawn on a
// terminal, a line every few seconds when piped). CancelledError once cancel
// is set, even after the last batch: a stopped command writes nothing.
Predictions predictAll(const Predictor& predictor, const std::vector<Issue>& issues,
                       const std::atomic<bool>* cancel);

double secondsSince(std::chrono::steady_clock::time_point start);

// --batch-size, as evaluate and predict read it (predictorOptions, batched).
OptionTable batchOptionTable();

// --device and --precision, as evaluate, predict and explain read them.
OptionTable hardwareOptionTable();

// The section evaluate and predict close with: the dataset options, by name.
HelpSection datasetFieldsSection();

// The last line of their help.
inline constexpr const char* kPredictorExitCodes =
    "\nExit codes: 0 done, 1 internal fault, 2 bad input, 130 stopped by Ctrl-C.\n";

} // namespace issuebert::cli
