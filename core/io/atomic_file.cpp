// AtomicFile: temporary name (O_EXCL, so two writers never share one), fsync,
// rename, fsync of the folder. POSIX only, as the rest of core.
#include "core/io/atomic_file.h"

#include "core/io/errors.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include <fcntl.h>
#include <unistd.h>

namespace issuebert {
namespace {

std::string systemError(const std::string& what, const std::string& path) {
    return "cannot " + what + " " + path + ": " + std::strerror(errno);
}

// fsync on a fresh descriptor: it flushes the file, whichever descriptor wrote it.
bool syncPath(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

} // namespace

AtomicFile::AtomicFile(const std::string& path) : m_path(path) {
    const std::filesystem::path target(path);
    const std::filesystem::path folder =
        target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    std::random_device random;
    // Hidden and in the same folder: rename() is atomic only within one file system.
    for (int attempt = 0; attempt < 100 && m_tempPath.empty(); ++attempt) {
        std::string name = ".";
        name += target.filename().string();
        name += ".tmp-";
        name += std::to_string(random());
        const std::string candidate = (folder / name).string();
        const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            ::close(fd);
            m_tempPath = candidate;
        } else if (errno != EEXIST) {
            throw IoError(systemError("create a temporary file for", path));
        }
    }
    if (m_tempPath.empty()) {
        throw IoError("cannot create a temporary file for " + path + ": every name is taken");
    }
    m_out.open(m_tempPath, std::ios::binary | std::ios::trunc);
    if (!m_out) {
        std::filesystem::remove(m_tempPath);
        throw IoError("cannot open " + m_tempPath + " for writing");
    }
}

AtomicFile::~AtomicFile() {
    if (!m_committed) {
        m_out.close();
        std::error_code ignored;
        std::filesystem::remove(m_tempPath, ignored);
    }
}

void AtomicFile::commit() {
    m_out.flush();
    const bool written = m_out.good();
    m_out.close();
    if (!written || m_out.fail()) {
        throw IoError("cannot write " + m_path + " (is the disk full?)");
    }
    if (!syncPath(m_tempPath, O_RDONLY)) {
        throw IoError(systemError("flush to disk", m_path));
    }
    if (::rename(m_tempPath.c_str(), m_path.c_str()) != 0) {
        throw IoError(systemError("replace", m_path));
    }
    m_committed = true;
    const std::filesystem::path parent = std::filesystem::path(m_path).parent_path();
    // Best effort: some file systems refuse fsync on a folder; the data itself is safe.
    syncPath(parent.empty() ? "." : parent.string(), O_RDONLY | O_DIRECTORY);
}

void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
    AtomicFile file(path);
    write(file.stream());
    file.commit();
}

} // namespace issuebert
