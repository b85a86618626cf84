// The training run on the console: the line formats and the listener that picks
// between a redrawn progress line, plain lines and JSON lines.
#include "app/cli/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <utility>

namespace issuebert::cli {

namespace {

// At most ten redraws a second: more only costs the terminal time.
constexpr double kRedrawSeconds = 0.1;
// Weight of the running average in the shown loss: about the last ten steps.
constexpr double kLossSmoothing = 0.9;
// The bar's inner width: below the minimum it is left out, above the maximum it stops growing.
constexpr int kMinBar = 10;
constexpr int kMaxBar = 30;
// Columns when nothing says how wide the terminal is.
constexpr int kDefaultWidth = 80;
// Durations beyond this many seconds (about 11 years) are shown as unknown.
constexpr double kMaxDuration = 3.6e8;

std::string fixed(double value, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

// 1.80e-05: learning rates span orders of magnitude.
std::string scientific(double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.2e", value);
    return buffer;
}

// 412 samples/s, 8.5 samples/s: three figures are plenty.
std::string rate(double samplesPerSecond) {
    return fixed(samplesPerSecond, samplesPerSecond >= 100.0 ? 0 : 1) + " samples/s";
}

// [=====>    ] with inner width columns.
std::string bar(long long done, long long total, int width) {
    const double fraction =
        total > 0 ? std::clamp(static_cast<double>(done) / static_cast<double>(total), 0.0, 1.0)
                  : 0.0;
    const int filled = static_cast<int>(fraction * width);
    std::string inner(static_cast<std::size_t>(filled), '=');
    if (filled < width) {
        inner += '>';
        inner.append(static_cast<std::size_t>(width - filled - 1), ' ');
    }
    return "[" + inner + "]";
}

std::string epochOf(int epoch, int epochs) {
    return "epoch " + std::to_string(epoch) + "/" + std::to_string(epochs);
}

const char* outcomeWords(RunOutcome outcome) {
    switch (outcome) {
    case RunOutcome::Finished:
        return "training finished";
    case RunOutcome::EarlyStopped:
        return "training stopped early";
    case RunOutcome::Cancelled:
        return "training cancelled";
    case RunOutcome::Failed:
        return "training failed";
    }
    return "training ended";
}

} // namespace

ProgressMode detectProgressMode(bool json) {
    if (json) {
        return ProgressMode::Json;
    }
    return isatty(STDERR_FILENO) ? ProgressMode::Terminal : ProgressMode::Plain;
}

int terminalWidth(int fd) {
    // $COLUMNS first: the user's word beats the terminal's.
    if (const char* columns = std::getenv("COLUMNS")) {
        char* end = nullptr;
        const long value = std::strtol(columns, &end, 10);
        if (end != columns && *end == '\0' && value > 0 && value < 10000) {
            return static_cast<int>(value);
        }
    }
    winsize size{};
    if (ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
        return size.ws_col;
    }
    return kDefaultWidth;
}

std::string formatDuration(double seconds) {
    if (!(seconds >= 0.0 && seconds < kMaxDuration)) {
        return "-:--:--";
    }
    const long long total = std::llround(seconds);
    const long long minutes = total / 60 % 60;
    const long long secs = total % 60;
    return std::to_string(total / 3600) + (minutes < 10 ? ":0" : ":") + std::to_string(minutes) +
           (secs < 10 ? ":0" : ":") + std::to_string(secs);
}

std::string progressLine(const StepEvent& event, double smoothedLoss, int width) {
    const std::size_t columns = static_cast<std::size_t>(std::max(width, 20) - 1);
    const std::string head = epochOf(event.epoch, event.epochs);
    const std::string count =
        " " + std::to_string(event.batch) + "/" + std::to_string(event.batches);
    const std::string loss = " loss " + fixed(smoothedLoss, 4);
    const std::string lr = " lr " + scientific(event.learningRate);
    const std::string speed = " " + rate(event.samplesPerSecond);
    const std::string eta = " ETA " + formatDuration(event.etaSeconds);
    // The least useful parts go first when the bar would not fit.
    const std::string tails[] = {count + loss + lr + speed + eta, count + loss + lr + eta,
                                 count + loss + eta};
    std::string tail;
    long long barWidth = 0;
    for (const std::string& candidate : tails) {
        tail = candidate;
        // " [" and "]" around the bar.
        barWidth =
            static_cast<long long>(columns) - static_cast<long long>(head.size() + tail.size()) - 3;
        if (barWidth >= kMinBar) {
            break;
        }
    }
    std::string line = head;
    if (barWidth >= kMinBar) {
        line += " " + bar(event.batch, event.batches,
                          static_cast<int>(std::min<long long>(barWidth, kMaxBar)));
    }
    line += tail;
    if (line.size() > columns) {
        line.resize(columns);
    }
    return line;
}

std::string stepLine(const StepEvent& event, double smoothedLoss) {
    return epochOf(event.epoch, event.epochs) + " batch " + std::to_string(event.batch) + "/" +
           std::to_string(event.batches) + " step " + std::to_string(event.step) + "/" +
           std::to_string(event.totalSteps) + " loss " + fixed(smoothedLoss, 4) + " lr " +
           scientific(event.learningRate) + " " + rate(event.samplesPerSecond) + " elapsed " +
           formatDuration(event.elapsedSeconds) + " ETA " + formatDuration(event.etaSeconds);
}

std::string evalLine(const EvalEvent& event) {
    std::string line = "eval epoch " + std::to_string(event.epoch) + " step " +
                       std::to_string(event.step) + ": accuracy " +
                       fixed(event.metrics.accuracy, 4) + " macro-F1 " +
                       fixed(event.metrics.macroF1, 4) + " loss " + fixed(event.loss, 4);
    if (event.improved) {
        line += " (best)";
    } else if (event.badEvaluations > 0) {
        line += " (no better for " + std::to_string(event.badEvaluations) +
                (event.badEvaluations == 1 ? " evaluation)" : " evaluations)");
    }
    return line;
}

std::string epochLine(const EpochEvent& event) {
    return epochOf(event.epoch, event.epochs) + " done in " + formatDuration(event.seconds) +
           ": train loss " + fixed(event.trainLoss, 4) + ", padding " +
           fixed(event.paddingFraction * 100.0, 1) + "%";
}

std::string checkpointLine(const CheckpointEvent& event) {
    return std::string(event.kind == CheckpointKind::Best ? "saved the best model"
                                                          : "saved the latest state") +
           " (step " + std::to_string(event.step) + ") to " + event.path;
}

std::string finishedLine(const FinishedEvent& event) {
    std::string line =
        std::string(outcomeWords(event.outcome)) + " after " + std::to_string(event.steps) +
        (event.steps == 1 ? " step in " : " steps in ") + formatDuration(event.elapsedSeconds);
    if (!event.message.empty()) {
        line += ": " + event.message;
    }
    if (!event.bestPath.empty()) {
        line += "\nbest model: " + event.bestPath + " (epoch " + std::to_string(event.bestEpoch) +
                (event.bestScore >= 0.0 ? ", score " + fixed(event.bestScore, 4)
                                        : std::string(", no validation")) +
                ")";
    }
    return line;
}

TerminalListener::TerminalListener(std::ostream& out, ProgressOptions options)
    : m_out(out), m_options(std::move(options)) {}

TerminalListener::~TerminalListener() {
    clearProgress();
    m_out.flush();
}

double TerminalListener::now() const {
    if (m_options.clock) {
        return m_options.clock();
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void TerminalListener::clearProgress() {
    if (m_drawnLength > 0) {
        m_out << '\r' << std::string(m_drawnLength, ' ') << '\r';
        m_drawnLength = 0;
    }
}

void TerminalListener::printLine(const std::string& text) {
    if (m_options.mode == ProgressMode::Terminal) {
        clearProgress();
    }
    m_out << text << '\n';
    m_out.flush();
}

void TerminalListener::writeJson(const std::string& line) {
    m_out << line << '\n';
    // Flushed per line: whoever reads the pipe follows the run as it goes.
    m_out.flush();
}

void TerminalListener::onMessage(const std::string& text) {
    if (m_options.mode == ProgressMode::Json) {
        writeJson(messageJson(text));
        return;
    }
    printLine(text);
}

void TerminalListener::onStep(const StepEvent& event) {
    m_lossAverage = kLossSmoothing * m_lossAverage + (1.0 - kLossSmoothing) * event.loss;
    ++m_lossSteps;
    // Divided by 1 - beta^n so the first steps are not pulled towards 0.
    m_smoothedLoss =
        m_lossAverage / (1.0 - std::pow(kLossSmoothing, static_cast<double>(m_lossSteps)));
    if (m_options.mode == ProgressMode::Json) {
        writeJson(eventJson(event));
        return;
    }
    const double time = now();
    const double interval =
        m_options.mode == ProgressMode::Terminal ? kRedrawSeconds : m_options.plainIntervalSeconds;
    if (m_drawnOnce && time - m_lastDraw < interval) {
        return;
    }
    m_drawnOnce = true;
    m_lastDraw = time;
    if (m_options.mode == ProgressMode::Plain) {
        printLine(stepLine(event, m_smoothedLoss));
        return;
    }
    const int width = m_options.width > 0 ? m_options.width : terminalWidth(STDERR_FILENO);
    const std::string line = progressLine(event, m_smoothedLoss, width);
    m_out << '\r' << line;
    if (line.size() < m_drawnLength) {
        // Blank what a longer previous line left behind.
        m_out << std::string(m_drawnLength - line.size(), ' ');
    }
    m_drawnLength = std::max(line.size(), m_drawnLength);
    m_out.flush();
}

void TerminalListener::onEvaluation(const EvalEvent& event) {
    if (m_options.mode == ProgressMode::Json) {
        writeJson(eventJson(event));
        return;
    }
    printLine(evalLine(event));
}

void TerminalListener::onEpochEnd(const EpochEvent& event) {
    if (m_options.mode == ProgressMode::Json) {
        writeJson(eventJson(event));
        return;
    }
    printLine(epochLine(event));
}

void TerminalListener::onCheckpoint(const CheckpointEvent& event) {
    if (m_options.mode == ProgressMode::Json) {
        writeJson(eventJson(event));
        return;
    }
    printLine(checkpointLine(event));
}

void TerminalListener::onFinished(const FinishedEvent& event) {
    if (m_options.mode == ProgressMode::Json) {
        writeJson(eventJson(event));
        return;
    }
    printLine(finishedLine(event));
}

} // namespace issuebert::cli
