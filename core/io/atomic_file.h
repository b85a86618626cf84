// Writes a file through a temporary name in the same folder, flushed to disk and
// then renamed, so a crash or a full disk never leaves a half-written file in place.
// A symbolic link is written through (its target is replaced, the link stays), the
// target keeps its permissions, and temporaries a killed process left are removed.
#pragma once

#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace issuebert {

// Usage: AtomicFile file(path); file.stream() << ...; file.commit();
// Until commit() the target is untouched; destroying an uncommitted AtomicFile
// (an exception on the way) removes the temporary file.
class AtomicFile {
public:
    // Creates the temporary file beside path (beside the file a symbolic link at
    // path leads to), after removing the temporaries of processes that no longer
    // run; throws IoError when it cannot.
    explicit AtomicFile(const std::string& path);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    std::ostream& stream() { return m_out; }
    const std::string& path() const { return m_path; } // the file replaced, links followed
    const std::string& tempPath() const { return m_tempPath; }

    // Flushes, syncs the data to disk, gives it the permissions of the file it
    // replaces and renames over it (then syncs the folder, so the rename itself
    // survives a crash). Throws IoError on failure, e.g. when the disk is full;
    // the target then keeps its old content.
    void commit();

private:
    std::string m_path;
    std::string m_tempPath;
    std::ofstream m_out;
    bool m_committed = false;
};

// Runs write on the stream of an AtomicFile for path and commits it.
void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write);

// path with a symbolic link in its last part followed, link after link (to a
// target that may not exist yet); IoError after 40 links.
std::string followLinks(const std::string& path);

// The kind (see below) of AtomicFile's temporaries: ".NAME.tmp-HOST-PID-RANDOM".
inline constexpr const char* kAtomicFileKind = ".tmp-";

// A name beside target that no one else uses: ".NAME" + kind + "HOST-PID-RANDOM",
// HOST a hash of this machine's name, PID this process's id. Nothing is created.
std::string temporarySibling(const std::string& target, const std::string& kind);

// The temporaries beside target of this kind (files or folders) that processes of
// this machine no longer running left behind (killed mid-write), and their
// removal (best effort).
std::vector<std::string> staleTemporaries(const std::string& target, const std::string& kind);
// HOST in those names: 8 hex digits of a hash of this machine's name.
const std::string& temporaryHostTag();
void removeStaleTemporaries(const std::string& target, const std::string& kind);

// fsync of a file (written by any descriptor) or of a folder's entries; IoError
// naming path when the file cannot be flushed (folders: best effort).
void syncFile(const std::string& path);
void syncFolder(const std::string& path);

} // namespace issuebert
