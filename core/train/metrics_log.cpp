// metrics.jsonl (see metrics_log.h).
#include "core/train/metrics_log.h"

#include "core/io/errors.h"

#include <filesystem>

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

} // namespace issuebert
