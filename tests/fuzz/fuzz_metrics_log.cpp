// A past run's metrics.jsonl, as the Train page's charts read it, on arbitrary
// bytes: read from the file and from the text, with the same events or the
// same refusal (a DataError naming the file and the line); the events read,
// written again as metrics.jsonl lines, read back the same.
#include "core/io/errors.h"
#include "core/train/events.h"
#include "core/train/metrics_log.h"

#include "support.h"

#include <cmath>
#include <string>
#include <variant>
#include <vector>

using namespace issuebert;

namespace {

// Equal, or both not a number (a NaN loss is written as null and read as NaN).
bool same(double a, double b) {
    return a == b || (std::isnan(a) && std::isnan(b));
}

bool same(const LoggedEvent& a, const LoggedEvent& b) {
    if (a.index() != b.index()) {
        return false;
    }
    if (const auto* step = std::get_if<StepEvent>(&a)) {
        const auto& other = std::get<StepEvent>(b);
        return step->step == other.step && same(step->loss, other.loss);
    }
    if (const auto* eval = std::get_if<EvalEvent>(&a)) {
        const auto& other = std::get<EvalEvent>(b);
        return eval->step == other.step && same(eval->loss, other.loss) &&
               same(eval->metrics.accuracy, other.metrics.accuracy) &&
               same(eval->metrics.macroF1, other.metrics.macroF1) &&
               eval->improved == other.improved;
    }
    return std::get<EpochEvent>(a).epoch == std::get<EpochEvent>(b).epoch;
}

bool same(const std::vector<LoggedEvent>& a, const std::vector<LoggedEvent>& b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!same(a[i], b[i])) {
            return false;
        }
    }
    return true;
}

// The events as metrics.jsonl lines.
std::string written(const std::vector<LoggedEvent>& events) {
    std::string log;
    for (const LoggedEvent& event : events) {
        log += std::visit([](const auto& e) { return eventJson(e); }, event) + "\n";
    }
    return log;
}

// The events read, or the refusal's message; anything else escapes and crashes.
std::variant<std::vector<LoggedEvent>, std::string> outcome(auto read) {
    try {
        return read();
    } catch (const DataError& e) {
        return std::string(e.what());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const std::string path = fuzz::writeInput(bytes, ".jsonl");
    const auto fromFile = outcome([&path] { return readMetricsLog(path); });
    const auto fromText = outcome([&] { return parseMetricsLog(bytes, path); });
    fuzz::check(fromFile.index() == fromText.index(),
                "the file and its text do not agree on whether the log is readable");
    if (const auto* message = std::get_if<std::string>(&fromFile)) {
        fuzz::check(*message == std::get<std::string>(fromText),
                    "the file and its text are refused with different messages");
        fuzz::check(message->rfind(path + ": line ", 0) == 0,
                    "a refusal does not name the file and the line");
        return 0;
    }
    const auto& events = std::get<std::vector<LoggedEvent>>(fromFile);
    fuzz::check(same(events, std::get<std::vector<LoggedEvent>>(fromText)),
                "the file and its text read as different events");
    fuzz::check(same(parseMetricsLog(written(events), "again"), events),
                "the events do not read back as written");
    return 0;
}
