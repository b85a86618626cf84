// Message builders for the typed errors.
#include "core/io/errors.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace issuebert {

std::string writeFailure(int error, const std::string& path) {
    constexpr unsigned long long kNearlyFull = 1ULL << 20;
    struct statvfs disk {};
    const std::string folder = std::filesystem::path(path).parent_path().string();
    const bool full =
        error == ENOSPC || error == EDQUOT ||
        (::statvfs(folder.empty() ? "." : folder.c_str(), &disk) == 0 &&
         static_cast<unsigned long long>(disk.f_bavail) * disk.f_frsize < kNearlyFull);
    if (full) {
        return "No space left on device (the disk is full: free some space and try again)";
    }
    return error != 0 ? std::strerror(error) : "the write failed";
}

std::string fileName(const std::string& path) {
    const std::string name = std::filesystem::path(path).filename().string();
    return name.empty() ? path : name;
}

std::string atLine(const std::string& path, long long line, const std::string& what) {
    return fileName(path) + ": line " + std::to_string(line) + ": " + what;
}

std::string atRecord(const std::string& path, long long record, const std::string& what) {
    return fileName(path) + ": record " + std::to_string(record) + ": " + what;
}

namespace {

// The length of the valid UTF-8 character at text[at], 0 if the bytes there are not one.
std::size_t utf8Length(std::string_view text, std::size_t at) {
    const auto lead = static_cast<unsigned char>(text[at]);
    std::size_t length = 0;
    char32_t least = 0;
    char32_t code = 0;
    if (lead < 0x80) {
        return 1;
    } else if ((lead & 0xE0) == 0xC0) {
        length = 2, least = 0x80, code = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3, least = 0x800, code = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4, least = 0x10000, code = lead & 0x07;
    } else {
        return 0;
    }
    if (text.size() - at < length) {
        return 0;
    }
    for (std::size_t i = 1; i < length; ++i) {
        const auto next = static_cast<unsigned char>(text[at + i]);
        if ((next & 0xC0) != 0x80) {
            return 0;
        }
        code = (code << 6) | (next & 0x3F);
    }
    const bool valid = code >= least && code <= 0x10FFFF && (code < 0xD800 || code > 0xDFFF);
    const bool c1Control = code >= 0x80 && code <= 0x9F;
    return valid && !c1Control ? length : 0;
}

void appendEscaped(std::string& out, unsigned char byte) {
    static const char* const hex = "0123456789abcdef";
    out += "\\x";
    out += hex[byte >> 4];
    out += hex[byte & 15];
}

// text with every byte that is not printable UTF-8 escaped; keep lists the
// control characters left as they are.
std::string escaped(std::string_view text, std::string_view keep) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const auto byte = static_cast<unsigned char>(text[at]);
        const std::size_t length = utf8Length(text, at);
        const bool control = byte < 0x20 || byte == 0x7f;
        if (length == 0 || (control && keep.find(text[at]) == std::string_view::npos)) {
            appendEscaped(out, byte);
            ++at;
        } else {
            out.append(text.substr(at, length));
            at += length;
        }
    }
    return out;
}

} // namespace

std::string quote(std::string_view text, std::size_t longest) {
    std::size_t cut = std::min(text.size(), longest);
    // Not inside a UTF-8 character: back over at most three continuation bytes
    // (more are no character, and are escaped one by one).
    for (int back = 0; back < 3 && cut < text.size() && cut > 0 &&
                       (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80;
         ++back) {
        --cut;
    }
    return "'" + escaped(text.substr(0, cut), {}) + (cut < text.size() ? "...'" : "'");
}

std::string terminalSafe(std::string_view message) {
    return escaped(message, "\n\t");
}

} // namespace issuebert
