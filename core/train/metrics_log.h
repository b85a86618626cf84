// metrics.jsonl: a run's event stream, one JSON object per line, appended and
// flushed as it happens so a crash loses at most the line being written.
#pragma once

#include <fstream>
#include <string>

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

} // namespace issuebert
