// metrics.jsonl: a run's event stream, one JSON object per line, appended and
// flushed as it happens so a crash loses at most the line being written; and
// read back for the charts of a past run. LibTorch-free.
#pragma once

#include "core/train/events.h"

#include <fstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace issuebert {

class MetricsLog {
public:
    // Opens path for appending after cutting it to keepBytes (a resumed run
    // drops what came after its checkpoint). Throws IoError naming path.
    MetricsLog(const std::string& path, long long keepBytes);
    void append(const std::string& jsonLine);

private:
    std::string m_path;
    std::ofstream m_out;
};

// The file's size in bytes; 0 when it does not exist.
long long metricsLogSize(const std::string& path);

// One charted line of a metrics.jsonl.
using LoggedEvent = std::variant<StepEvent, EvalEvent, EpochEvent>;

// Longest metrics.jsonl line read: real ones hold a few hundred bytes.
inline constexpr std::size_t kMaxMetricsLineBytes = std::size_t{1} << 20;

// The step, eval and epoch events of a metrics.jsonl, in order, with what the
// charts draw of them: step and loss (null: NaN, as eventJson writes a NaN
// loss), eval's metrics.accuracy, metrics.macro_f1 and improved, epoch's
// epoch; other keys are not checked. Blank lines and the other kinds
// (checkpoint, finished, message) are skipped. A line that is not a JSON
// object with a string "event" and those values throws DataError
// "PATH: line N: what"; a file that cannot be read throws IoError
// "PATH: cannot open: why". maxBytes >= 0 reads only the file's first maxBytes
// (what resume keeps of it: resumedMetricsBytes in trainer.h).
std::vector<LoggedEvent> readMetricsLog(const std::string& path, long long maxBytes = -1);
// The same over a log's text; path only names it in messages.
std::vector<LoggedEvent> parseMetricsLog(std::string_view text, const std::string& path);

} // namespace issuebert
