// AtomicFile: temporary name (O_EXCL, so two writers never share one; the
// process id in it tells a killed writer's leftovers), fsync, the old file's
// permissions, rename, fsync of the folder. POSIX only, as the rest of core.
#include "core/io/atomic_file.h"

#include "core/io/errors.h"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include <csignal>

#include <fcntl.h>
#include <sys/stat.h>
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

// Whether a process with this id runs (or may: one we may not signal runs).
bool processRuns(long long pid) {
    if (pid <= 0 || pid != static_cast<pid_t>(pid)) {
        return false;
    }
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH;
}

// This machine, as 8 hex digits of its host name: a temporary on a shared folder
// (NFS, another container's process ids) is judged only by the machine that made it.
const std::string& hostTag() {
    static const std::string tag = [] {
        char name[256] = {};
        ::gethostname(name, sizeof name - 1);
        uint32_t hash = 2166136261u; // FNV-1a
        for (const char* c = name; *c != '\0'; ++c) {
            hash = (hash ^ static_cast<unsigned char>(*c)) * 16777619u;
        }
        char hex[9];
        std::snprintf(hex, sizeof hex, "%08x", hash);
        return std::string(hex);
    }();
    return tag;
}

} // namespace

std::string followLinks(const std::string& path) {
    namespace fs = std::filesystem;
    fs::path current(path);
    for (int hop = 0; hop < 40; ++hop) {
        std::error_code ec;
        if (!fs::is_symlink(current, ec)) {
            return current.string();
        }
        const fs::path next = fs::read_symlink(current, ec);
        if (ec) {
            throw IoError("cannot follow the link " + current.string() + ": " + ec.message());
        }
        current = next.is_absolute() ? next : current.parent_path() / next;
    }
    throw IoError("cannot write " + path + ": more than 40 symbolic links (a loop?)");
}

const std::string& temporaryHostTag() {
    return hostTag();
}

std::string temporarySibling(const std::string& target, const std::string& kind) {
    const std::filesystem::path path(target);
    std::random_device random;
    std::string name = ".";
    name += path.filename().string();
    name += kind;
    name += hostTag();
    name += "-";
    name += std::to_string(::getpid());
    name += "-";
    name += std::to_string(random());
    return (path.parent_path() / name).string();
}

std::vector<std::string> staleTemporaries(const std::string& target, const std::string& kind) {
    namespace fs = std::filesystem;
    const fs::path path(target);
    const std::string prefix = "." + path.filename().string() + kind;
    const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
    std::vector<std::string> stale;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) {
            continue;
        }
        // HOST-PID-RANDOM: only a writer on this machine that no longer runs
        // leaves its temporary.
        const std::string rest = name.substr(prefix.size());
        const std::string host = hostTag() + "-";
        if (rest.compare(0, host.size(), host) != 0) {
            continue;
        }
        const std::string numbers = rest.substr(host.size());
        const auto dash = numbers.find('-');
        const bool digits = dash != std::string::npos && dash > 0 && dash <= 9 &&
                            dash + 1 < numbers.size() &&
                            numbers.find_first_not_of("0123456789") == dash &&
                            numbers.find_first_not_of("0123456789", dash + 1) == std::string::npos;
        if (!digits) {
            continue;
        }
        if (!processRuns(std::stoll(numbers.substr(0, dash)))) {
            stale.push_back(it->path().string());
        }
    }
    return stale;
}

void removeStaleTemporaries(const std::string& target, const std::string& kind) {
    for (const auto& path : staleTemporaries(target, kind)) {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
}

void syncFile(const std::string& path) {
    if (!syncPath(path, O_RDONLY)) {
        throw IoError(systemError("flush to disk", path));
    }
}

void syncFolder(const std::string& path) {
    // Some file systems refuse fsync on a folder; the data itself is safe.
    syncPath(path.empty() ? "." : path, O_RDONLY | O_DIRECTORY);
}

AtomicFile::AtomicFile(const std::string& path) : m_path(followLinks(path)) {
    removeStaleTemporaries(m_path, kAtomicFileKind);
    // Hidden and in the same folder: rename() is atomic only within one file system.
    for (int attempt = 0; attempt < 100 && m_tempPath.empty(); ++attempt) {
        const std::string candidate = temporarySibling(m_path, kAtomicFileKind);
        const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            ::close(fd);
            m_tempPath = candidate;
        } else if (errno != EEXIST) {
            throw IoError(systemError("create a temporary file for", m_path));
        }
    }
    if (m_tempPath.empty()) {
        throw IoError("cannot create a temporary file for " + m_path + ": every name is taken");
    }
    m_out.open(m_tempPath, std::ios::binary | std::ios::trunc);
    if (!m_out) {
        std::error_code ignored;
        std::filesystem::remove(m_tempPath, ignored);
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
    const int error = errno; // what the failed write said, if it failed
    const bool written = m_out.good();
    m_out.close();
    if (!written || m_out.fail()) {
        throw IoError("cannot write " + m_path + ": " + writeFailure(error, m_tempPath));
    }
    // The replaced file's read, write and execute bits (never set-id bits; a new
    // file has the umask's, as any file),
    // set before the sync so that it covers them too.
    struct stat old {};
    if (::stat(m_path.c_str(), &old) == 0 && ::chmod(m_tempPath.c_str(), old.st_mode & 0777) != 0) {
        throw IoError(systemError("keep the permissions of", m_path));
    }
    if (!syncPath(m_tempPath, O_RDONLY)) {
        throw IoError(systemError("flush to disk", m_path));
    }
    if (::rename(m_tempPath.c_str(), m_path.c_str()) != 0) {
        throw IoError(systemError("replace", m_path));
    }
    m_committed = true;
    syncFolder(std::filesystem::path(m_path).parent_path().string());
}

void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
    AtomicFile file(path);
    write(file.stream());
    file.commit();
}

} // namespace issuebert
