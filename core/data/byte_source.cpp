// Chunked file reading for the streaming loaders.
#include "core/data/byte_source.h"

#include "core/io/errors.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace issuebert::data {

namespace {

// Bytes read at a time: large enough that the read calls cost nothing, small
// enough that peak memory stays with the parsed issues, not the raw file.
constexpr std::size_t kChunkBytes = std::size_t{1} << 20;

} // namespace

ByteSource::ByteSource(const std::string& path, const std::atomic<bool>* cancel, Progress progress)
    : m_path(path), m_cancel(cancel), m_progress(std::move(progress)) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw IoError("cannot read \"" + path + "\": it is a folder, not a file");
    }
    m_file = std::fopen(path.c_str(), "rb");
    if (m_file == nullptr) {
        throw IoError("cannot open \"" + path + "\": " + std::strerror(errno));
    }
    const auto size = std::filesystem::file_size(path, ec);
    m_size = ec ? 0 : static_cast<long long>(size);
    // A small file gets a buffer its size (a page at least), not a whole chunk.
    m_buffer.resize(ec ? kChunkBytes : std::clamp<std::size_t>(size + 1, 4096, kChunkBytes));
    pos = end = m_buffer.data();
    if (refill() && end - pos >= 3 && std::memcmp(pos, "\xEF\xBB\xBF", 3) == 0) {
        pos += 3;
    }
}

ByteSource::~ByteSource() {
    if (m_file != nullptr) {
        std::fclose(m_file);
    }
}

bool ByteSource::refill() {
    checkCancel();
    m_chunkStart = m_read;
    const std::size_t got = std::fread(m_buffer.data(), 1, m_buffer.size(), m_file);
    if (got == 0 && std::ferror(m_file) != 0) {
        throw IoError("cannot read \"" + m_path + "\": " + std::strerror(errno));
    }
    m_read += static_cast<long long>(got);
    pos = m_buffer.data();
    end = pos + got;
    if (m_progress && got > 0) {
        m_progress(m_read, m_size > m_read ? m_size : m_read);
    }
    return got > 0;
}

void ByteSource::checkCancel() const {
    if (m_cancel != nullptr && m_cancel->load(std::memory_order_relaxed)) {
        throw CancelledError();
    }
}

void ByteSource::finish() const {
    if (m_progress) {
        m_progress(m_read, m_read);
    }
}

} // namespace issuebert::data
