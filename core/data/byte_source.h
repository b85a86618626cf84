// Internal to the loaders: a file read in fixed-size chunks, so a parse never
// holds more than one chunk of raw bytes. Reports progress and honours cancel.
#pragma once

#include <atomic>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace issuebert::data {

class ByteSource {
public:
    using Progress = std::function<void(long long, long long)>;

    // Opens path; throws IoError when it cannot be opened or is a folder.
    // A UTF-8 byte-order mark at the start is skipped.
    ByteSource(const std::string& path, const std::atomic<bool>* cancel = nullptr,
               Progress progress = {});
    ~ByteSource();
    ByteSource(const ByteSource&) = delete;
    ByteSource& operator=(const ByteSource&) = delete;

    const std::string& path() const { return m_path; }
    long long size() const { return m_size; }

    // The unread part of the current chunk. Readers scan [pos, end) directly and
    // call refill() when pos reaches end.
    const char* pos = nullptr;
    const char* end = nullptr;

    // Reads the next chunk; false at the end of the file. Checks cancel (throws
    // CancelledError) and reports progress.
    bool refill();
    // The next byte without consuming it, or -1 at the end of the file.
    int peek() {
        if (pos == end && !refill()) {
            return -1;
        }
        return static_cast<unsigned char>(*pos);
    }
    // Absolute offset in the file of a pointer into the current chunk.
    long long offsetOf(const char* p) const { return m_chunkStart + (p - m_buffer.data()); }
    // Throws CancelledError when cancel was requested.
    void checkCancel() const;
    // Final progress report (bytes read = total).
    void finish() const;

private:
    std::string m_path;
    std::FILE* m_file = nullptr;
    std::vector<char> m_buffer;
    long long m_size = 0;
    long long m_chunkStart = 0; // file offset of m_buffer[0]
    long long m_read = 0;       // bytes read so far
    const std::atomic<bool>* m_cancel = nullptr;
    Progress m_progress;
};

} // namespace issuebert::data
