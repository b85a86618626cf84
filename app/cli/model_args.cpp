// The model, data and progress parts of evaluate, predict and explain (see model_args.h).
#include "app/cli/model_args.h"

#include "app/cli/dataset_args.h"
#include "app/cli/format.h"
#include "core/data/loader.h"
#include "core/io/errors.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <iterator>

namespace issuebert::cli {

namespace {

// Seconds between progress lines when stderr is not a terminal.
constexpr double kPlainProgressSeconds = 5.0;
// Fewer issues than this show no progress lines when stderr is not a terminal.
constexpr std::size_t kPlainProgressMinIssues = 1000;
// Seconds between redraws of the progress line on a terminal.
constexpr double kTerminalProgressSeconds = 0.1;

// Progress of the forward passes on stderr: a line redrawn in place on a
// terminal, a line every few seconds otherwise.
class PredictProgress {
public:
    PredictProgress() : m_terminal(isatty(STDERR_FILENO) != 0) {}
    ~PredictProgress() { clear(); }
    PredictProgress(const PredictProgress&) = delete;
    PredictProgress& operator=(const PredictProgress&) = delete;

    void operator()(std::size_t done, std::size_t total) {
        const double now = secondsSince(m_start);
        // Piped: a first line at once (the work has begun), then now and then.
        const bool due = m_terminal ? now - m_last >= kTerminalProgressSeconds
                                    : !m_shown || now - m_last >= kPlainProgressSeconds;
        if (!due || total < (m_terminal ? 1 : kPlainProgressMinIssues)) {
            return;
        }
        m_shown = true;
        m_last = now;
        const double rate = now > 0.0 ? static_cast<double>(done) / now : 0.0;
        const std::string line =
            "predicting " + grouped(static_cast<long long>(done)) + "/" +
            grouped(static_cast<long long>(total)) + " issues (" +
            fixed(100.0 * static_cast<double>(done) / static_cast<double>(total), 0) + "%), " +
            fixed(rate, 0) + " issues/s";
        if (m_terminal) {
            std::cerr << '\r' << line << "\033[K" << std::flush;
            m_drawn = true;
        } else {
            std::cerr << line << '\n' << std::flush;
        }
    }

    void clear() {
        if (m_drawn) {
            std::cerr << "\r\033[K" << std::flush;
            m_drawn = false;
        }
    }

private:
    bool m_terminal;
    bool m_drawn = false; // a terminal line to clear
    bool m_shown = false; // a line was printed
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
    double m_last = 0.0;
};

} // namespace

std::string requiredValue(const Args& args, const std::string& command, const std::string& name,
                          const std::string& what) {
    const auto value = args.value(name);
    if (!value || value->empty()) {
        throw UsageError(command + ": --" + name + " " + what + " is required");
    }
    return *value;
}

void hardwareOptions(const Args& args, DeviceChoice& device, Precision& precision) {
    parseChoice(args, "device", device, parseDeviceChoice, "auto, cpu, cuda");
    parseChoice(args, "precision", precision, parsePrecision, "auto, fp32, bf16");
}

PredictorOptions predictorOptions(const Args& args, bool batched) {
    PredictorOptions options;
    if (batched) {
        options.batchSize = args.intValue("batch-size", options.batchSize, 1, 4096);
    }
    hardwareOptions(args, options.device, options.precision);
    return options;
}

Dataset loadIssues(const Args& args, const std::atomic<bool>* cancel) {
    const std::string path = *args.value("data");
    LoadOptions options = datasetLoadOptions(args);
    options.cancel = cancel;
    Dataset dataset = loadDataset(path, options);
    if (dataset.issues.empty()) {
        throw DataError(path + ": no issues in the file");
    }
    return dataset;
}

Predictions predictAll(const Predictor& predictor, const std::vector<Issue>& issues,
                       const std::atomic<bool>* cancel) {
    PredictProgress progress;
    Predictions predictions = predictor.predict(
        issues, [&progress](std::size_t done, std::size_t total) { progress(done, total); },
        cancel);
    progress.clear();
    // A Ctrl-C after the last batch still means "stop": nothing is written.
    if (cancel != nullptr && cancel->load()) {
        throw CancelledError();
    }
    return predictions;
}

OptionTable batchOptionTable() {
    return {{"batch-size", "N", "issues per forward pass (default 64)"}};
}

OptionTable hardwareOptionTable() {
    return {{"device", "auto|cpu|cuda", "(default auto: CUDA when present)"},
            {"precision", "auto|fp32|bf16",
             "(default auto: bf16 autocast on CUDA and on\n"
             "processors with AVX512-BF16 or AMX, fp32 elsewhere)"}};
}

HelpSection datasetFieldsSection() {
    return {"Dataset fields:", datasetOptionTable(), Layout::Listed,
            "as for `issuebert-cli data stats`"};
}

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace issuebert::cli
