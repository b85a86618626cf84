// Writes a file through a temporary name in the same folder, flushed to disk and
// then renamed, so a crash or a full disk never leaves a half-written file in place.
#pragma once

#include <fstream>
#include <functional>
#include <string>

namespace issuebert {

// Usage: AtomicFile file(path); file.stream() << ...; file.commit();
// Until commit() the target is untouched; destroying an uncommitted AtomicFile
// (an exception on the way) removes the temporary file.
class AtomicFile {
public:
    // Creates the temporary file beside path; throws IoError when it cannot.
    explicit AtomicFile(const std::string& path);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    std::ostream& stream() { return m_out; }
    const std::string& path() const { return m_path; }
    const std::string& tempPath() const { return m_tempPath; }

    // Flushes, syncs the data to disk and renames over path (then syncs the
    // folder, so the rename itself survives a crash). Throws IoError on failure,
    // e.g. when the disk is full; the target then keeps its old content.
    void commit();

private:
    std::string m_path;
    std::string m_tempPath;
    std::ofstream m_out;
    bool m_committed = false;
};

// Runs write on the stream of an AtomicFile for path and commits it.
void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write);

} // namespace issuebert
