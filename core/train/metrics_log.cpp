// metrics.jsonl (see metrics_log.h).
#include "core/train/metrics_log.h"

#include "core/io/errors.h"
#include "core/io/json_depth.h"
#include "core/io/json_file.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>

namespace issuebert {

namespace fs = std::filesystem;

MetricsLog::MetricsLog(const std::string& path, long long keepBytes) : m_path(path) {
    std::error_code ec;
    if (fs::exists(path, ec) && static_cast<long long>(fs::file_size(path, ec)) > keepBytes) {
        fs::resize_file(path, static_cast<std::uintmax_t>(keepBytes), ec);
        if (ec) {
            throw IoError(path + ": cannot cut the log back to the checkpoint: " + ec.message());
        }
    }
    m_out.open(path, std::ios::app | std::ios::binary);
    if (!m_out) {
        throw IoError(path + ": cannot open the metrics log for writing");
    }
}

void MetricsLog::append(const std::string& jsonLine) {
    m_out << jsonLine << '\n';
    m_out.flush();
    if (!m_out) {
        throw IoError(m_path + ": cannot write the metrics log: " + writeFailure(errno, m_path));
    }
}

long long metricsLogSize(const std::string& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    return ec ? 0 : static_cast<long long>(size);
}

namespace {

using json = nlohmann::json;

// A line that is not a charted event; what says why.
struct BadLine {
    std::string what;
};

const json& required(const json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end()) {
        throw BadLine{"no \"" + std::string(key) + "\" key"};
    }
    return *it;
}

// A loss of NaN or infinity is written as null (eventJson).
double number(const json& object, const char* key, bool nullIsNaN = false) {
    const json& value = required(object, key);
    if (nullIsNaN && value.is_null()) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    if (!value.is_number()) {
        throw BadLine{"\"" + std::string(key) + "\" is not a number"};
    }
    return value.get<double>();
}

template <typename T>
T integer(const json& object, const char* key) {
    const json& value = required(object, key);
    if (!value.is_number_integer()) {
        throw BadLine{"\"" + std::string(key) + "\" is not a whole number"};
    }
    const std::optional<T> fitting = integerValue<T>(value);
    if (!fitting) {
        throw BadLine{"\"" + std::string(key) + "\" is out of range (" + jsonSummary(value) + ")"};
    }
    return *fitting;
}

LoggedEvent parseEvent(const json& object, const std::string& kind) {
    if (kind == "step") {
        StepEvent event;
        event.step = integer<long long>(object, "step");
        event.loss = number(object, "loss", true);
        return event;
    }
    if (kind == "eval") {
        EvalEvent event;
        event.step = integer<long long>(object, "step");
        event.loss = number(object, "loss", true);
        const json& metrics = required(object, "metrics");
        if (!metrics.is_object()) {
            throw BadLine{"\"metrics\" is not an object"};
        }
        event.metrics.accuracy = number(metrics, "accuracy");
        event.metrics.macroF1 = number(metrics, "macro_f1");
        const auto improved = object.find("improved");
        event.improved =
            improved != object.end() && improved->is_boolean() && improved->get<bool>();
        return event;
    }
    EpochEvent event;
    event.epoch = integer<int>(object, "epoch");
    return event;
}

// Appends line's event, if it is one the charts draw, to events.
void parseLine(std::string_view line, std::vector<LoggedEvent>& events) {
    if (jsonTooDeep(line)) {
        throw BadLine{"not a metrics line: " + jsonDepthMessage()};
    }
    json object;
    try {
        object = json::parse(line);
    } catch (const json::exception& e) { // out_of_range too: a number too large
        throw BadLine{"not valid JSON (" + jsonErrorText(e) + ")"};
    }
    if (!object.is_object()) {
        throw BadLine{"not a JSON object"};
    }
    const json& kind = required(object, "event");
    if (!kind.is_string()) {
        throw BadLine{"\"event\" is not a string"};
    }
    const auto& name = kind.get_ref<const std::string&>();
    if (name == "step" || name == "eval" || name == "epoch") {
        events.push_back(parseEvent(object, name));
    } // checkpoint, finished, message: nothing to chart
}

// Numbers the lines it is given and keeps their events.
class LogParser {
public:
    explicit LogParser(const std::string& path) : m_path(path) {}

    void line(std::string_view text) {
        ++m_lineNumber;
        if (text.size() > kMaxMetricsLineBytes) {
            fail("longer than " + std::to_string(kMaxMetricsLineBytes >> 20) +
                 " MiB: not a metrics line");
        }
        if (text.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos) {
            return; // blank
        }
        try {
            parseLine(text, m_events);
        } catch (const BadLine& bad) {
            fail(bad.what);
        }
    }
    std::vector<LoggedEvent> take() { return std::move(m_events); }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw DataError(m_path + ": line " + std::to_string(m_lineNumber) + ": " + what);
    }

    const std::string& m_path;
    long long m_lineNumber = 0;
    std::vector<LoggedEvent> m_events;
};

} // namespace

std::vector<LoggedEvent> parseMetricsLog(std::string_view text, const std::string& path) {
    LogParser parser(path);
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        parser.line(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    }
    return parser.take();
}

// Line by line, so a long log is never held whole, and a line past
// kMaxMetricsLineBytes is refused once that much of it is read.
std::vector<LoggedEvent> readMetricsLog(const std::string& path, long long maxBytes) {
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw IoError(path + ": cannot open: " +
                      (errno != 0 ? std::strerror(errno) : "the file cannot be read"));
    }
    LogParser parser(path);
    std::string pending; // the line read so far
    std::vector<char> buffer(std::size_t{1} << 16);
    long long left = maxBytes < 0 ? std::numeric_limits<long long>::max() : maxBytes;
    while (left > 0 && (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) ||
                        in.gcount() > 0)) {
        const auto got = std::min<long long>(in.gcount(), left);
        left -= got;
        std::string_view chunk(buffer.data(), static_cast<std::size_t>(got));
        for (std::size_t end = chunk.find('\n'); end != std::string_view::npos;
             end = chunk.find('\n')) {
            pending.append(chunk.substr(0, end));
            parser.line(pending);
            pending.clear();
            chunk.remove_prefix(end + 1);
        }
        pending.append(chunk);
        if (pending.size() > kMaxMetricsLineBytes) {
            parser.line(pending); // refused as too long
        }
    }
    if (in.bad()) {
        throw IoError(path + ": cannot read the file");
    }
    if (!pending.empty()) {
        parser.line(pending);
    }
    return parser.take();
}

} // namespace issuebert
