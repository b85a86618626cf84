// cleanIssueText: one hand-written pass per step over the bytes (no std::regex:
// it recurses per character and overflows the stack on long hostile input).
// Only ASCII is matched, and cuts back off to a UTF-8 character boundary.
#include "core/text/issue_cleanup.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

namespace issuebert {

namespace {

// What replaces a shortened part: the model sees that something was cut.
constexpr std::string_view kCut = " ... ";
// A run of Python frames continues when the next starts within this many bytes
// (the frame's source line sits between).
constexpr std::size_t kPythonFrameGap = 240;
// Longest call site "(File.java:12)" a Java or JavaScript frame may have.
constexpr std::size_t kMaxCallSite = 400;

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool startsWith(std::string_view text, std::size_t at, std::string_view prefix) {
    return text.size() >= at && text.substr(at).substr(0, prefix.size()) == prefix;
}

// n, or less so that a cut there does not split a UTF-8 character.
std::size_t boundaryBefore(std::string_view text, std::size_t n) {
    n = std::min(n, text.size());
    while (n > 0 && n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0U) == 0x80U) {
        --n;
    }
    return n;
}

std::string removeComments(std::string_view text) {
    std::string out;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t open = text.find("<!--", at);
        if (open == std::string_view::npos) {
            break;
        }
        out.append(text.substr(at, open - at));
        const std::size_t close = text.find("-->", open + 4);
        if (close == std::string_view::npos) {
            // GitHub would hide the rest, unless the "<!--" sits in code:
            // never risk dropping the whole description.
            out.append(text.substr(open));
            at = text.size();
            break;
        }
        at = close + 3;
        out += ' ';
    }
    if (at < text.size()) {
        out.append(text.substr(at));
    }
    return out;
}

std::size_t lineEnd(std::string_view text, std::size_t at) {
    const std::size_t end = text.find('\n', at);
    return end == std::string_view::npos ? text.size() : end + 1;
}

std::string removeUntickedItems(std::string_view text) {
    std::string out;
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t end = lineEnd(text, at);
        std::size_t i = at;
        while (i < end && (text[i] == ' ' || text[i] == '\t')) {
            ++i;
        }
        const bool bullet = i < end && (text[i] == '-' || text[i] == '*' || text[i] == '+');
        if (!(bullet && startsWith(text, i + 1, " [ ]"))) {
            out.append(text.substr(at, end - at));
        }
        at = end;
    }
    return out;
}

// Length of the run of c starting at at.
std::size_t runLength(std::string_view text, std::size_t at, char c) {
    std::size_t n = 0;
    while (at + n < text.size() && text[at + n] == c) {
        ++n;
    }
    return n;
}

std::string shortenCode(std::string_view text) {
    std::string out;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t open = text.find_first_of("`~", at);
        if (open == std::string_view::npos) {
            break;
        }
        const char fence = text[open];
        const std::size_t n = runLength(text, open, fence);
        if (n < 3) {
            out.append(text.substr(at, open + n - at));
            at = open + n;
            continue;
        }
        // The closing fence: the next run of at least 3 of the same character.
        std::size_t close = open + n;
        std::size_t closeLength = 0;
        // ... at least as long as the opening one (CommonMark), so a nested
        // shorter fence stays inside.
        while ((close = text.find(std::string(3, fence), close)) != std::string_view::npos) {
            closeLength = runLength(text, close, fence);
            if (closeLength >= n) {
                break;
            }
            close += closeLength;
        }
        if (close == std::string_view::npos) {
            // Unclosed: not reliably code (flattened text loses its lines); keep it.
            out.append(text.substr(at));
            at = text.size();
            break;
        }
        out.append(text.substr(at, open + n - at));
        const std::string_view body = text.substr(open + n, close - open - n);
        if (body.size() > kCodeKeepBytes) {
            out.append(body.substr(0, boundaryBefore(body, kCodeKeepBytes)));
            out.append(kCut);
        } else {
            out.append(body);
        }
        out.append(text.substr(close, closeLength));
        at = close + closeLength;
    }
    if (at < text.size()) {
        out.append(text.substr(at));
    }
    return out;
}

// The end of a Java / JavaScript / C# frame "at a.b.C.d(File.java:12)",
// "at f (/x/y.js:1:2)" or "at a.B.c(Native Method)" starting at at; npos when
// none. The call site must name a line (":12") or be native: prose is not.
std::size_t jvmFrameEnd(std::string_view text, std::size_t at) {
    if (!startsWith(text, at, "at ") || (at > 0 && !isSpace(text[at - 1]))) {
        return std::string_view::npos;
    }
    std::size_t i = at + 3;
    const std::size_t nameStart = i;
    while (i < text.size() && !isSpace(text[i]) && text[i] != '(') {
        ++i;
    }
    if (i == nameStart) {
        return std::string_view::npos;
    }
    if (i < text.size() && text[i] == ' ') {
        ++i;
    }
    if (i >= text.size() || text[i] != '(') {
        return std::string_view::npos;
    }
    if (startsWith(text, i, "(Native Method)") || startsWith(text, i, "(Unknown Source)")) {
        return text.find(')', i) + 1;
    }
    // Bounded, so text full of "at a(" stays linear.
    const std::size_t close = text.substr(0, i + kMaxCallSite + 1).find(')', i);
    if (close == std::string_view::npos) {
        return std::string_view::npos;
    }
    const std::string_view site = text.substr(i, close - i);
    bool namesLine = false;
    for (std::size_t c = site.find(':'); c != std::string_view::npos; c = site.find(':', c + 1)) {
        namesLine = namesLine || (c + 1 < site.size() &&
                                  std::isdigit(static_cast<unsigned char>(site[c + 1])) != 0);
    }
    if (!namesLine || std::any_of(site.begin(), site.end(), isSpace)) {
        return std::string_view::npos;
    }
    return close + 1;
}

// The end of a Python frame 'File "x.py", line 3, in f' starting at at; npos when none.
std::size_t pythonFrameEnd(std::string_view text, std::size_t at) {
    if (!startsWith(text, at, "File \"")) {
        return std::string_view::npos;
    }
    const std::size_t quote = text.find('"', at + 6);
    if (quote == std::string_view::npos || quote - at > kMaxCallSite ||
        !startsWith(text, quote, "\", line ")) {
        return std::string_view::npos;
    }
    std::size_t i = quote + 8;
    const std::size_t digits = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
        ++i;
    }
    return i == digits ? std::string_view::npos : i;
}

std::string shortenTraces(std::string_view text) {
    std::string out;
    std::size_t at = 0;   // copied up to here
    std::size_t scan = 0; // looking for a run's first frame from here
    while (scan < text.size()) {
        std::size_t end = jvmFrameEnd(text, scan);
        const bool python = end == std::string_view::npos;
        if (python) {
            end = pythonFrameEnd(text, scan);
        }
        if (end == std::string_view::npos) {
            ++scan;
            continue;
        }
        // The run: frames of the same kind separated by whitespace (Java) or
        // by at most a source line (Python).
        std::vector<std::pair<std::size_t, std::size_t>> frames{{scan, end}};
        for (;;) {
            std::size_t next = frames.back().second;
            std::size_t found = std::string_view::npos;
            if (python) {
                const std::size_t limit = std::min(text.size(), next + kPythonFrameGap);
                const std::size_t candidate = text.substr(0, limit).find("File \"", next);
                // A new traceback (chained exceptions) starts a new run: the
                // exception line between them must stay.
                const std::string_view gap =
                    text.substr(next, candidate == std::string_view::npos ? 0 : candidate - next);
                if (candidate != std::string_view::npos &&
                    gap.find("Traceback") == std::string_view::npos &&
                    gap.find("\n\n") == std::string_view::npos) {
                    found = candidate;
                }
            } else {
                while (next < text.size() && isSpace(text[next])) {
                    ++next;
                }
                found = next;
            }
            if (found == std::string_view::npos) {
                break;
            }
            const std::size_t frameEnd =
                python ? pythonFrameEnd(text, found) : jvmFrameEnd(text, found);
            if (frameEnd == std::string_view::npos) {
                break;
            }
            frames.emplace_back(found, frameEnd);
        }
        if (frames.size() > static_cast<std::size_t>(kTraceKeepFrames) + 1) {
            const std::size_t cutFrom = frames[kTraceKeepFrames].first;
            out.append(text.substr(at, cutFrom - at));
            out.append(kCut);
            // Python keeps its last frame whole, with its source line: it is
            // the failing one.
            at = python ? frames.back().first : frames.back().second;
        }
        scan = frames.back().second;
    }
    out.append(text.substr(at));
    return out;
}

bool pathSeparator(char c) {
    return c == '/' || c == '\\';
}

// Characters that end a URL or path token.
bool tokenEnd(char c) {
    return isSpace(c) || std::strchr("\"'<>()[]{}`|,;", c) != nullptr;
}

std::string shortenUrlsAndPaths(std::string_view text) {
    std::string out;
    std::size_t at = 0;
    while (at < text.size()) {
        if (at > 0 && !tokenEnd(text[at - 1]) && text[at - 1] != '=') {
            out += text[at++];
            continue;
        }
        std::size_t end = at;
        while (end < text.size() && !tokenEnd(text[end])) {
            ++end;
        }
        const std::string_view token = text.substr(at, end - at);
        const std::size_t scheme = token.find("://");
        if (scheme != std::string_view::npos && scheme > 0 && scheme <= 10 &&
            (startsWith(token, 0, "http") || startsWith(token, 0, "ftp"))) {
            std::string_view host = token.substr(scheme + 3);
            host = host.substr(0, host.find_first_of("/?#"));
            if (startsWith(host, 0, "www.")) {
                host.remove_prefix(4);
            }
            out.append(host);
            at = end;
            continue;
        }
        const bool windows = token.size() > 3 &&
                             std::isalpha(static_cast<unsigned char>(token[0])) &&
                             token[1] == ':' && token[2] == '\\';
        const bool unix = startsWith(token, 0, "/") || startsWith(token, 0, "~/");
        if ((windows || unix) && std::count_if(token.begin(), token.end(), pathSeparator) >= 4) {
            // The last two parts name the file and its folder; the rest is the machine.
            std::size_t cut = token.size();
            for (int parts = 0; parts < 2; ++parts) {
                cut = token.find_last_of("/\\", cut - 1);
            }
            out.append(token.substr(cut + 1));
            at = end;
            continue;
        }
        // "url=https://..." or "--log=/var/...": the value after '=' is a
        // token of its own.
        const std::size_t equals = token.find('=');
        if (equals != std::string_view::npos && equals + 1 < token.size()) {
            out.append(token.substr(0, equals + 1));
            at += equals + 1;
            continue;
        }
        out.append(token.empty() ? text.substr(at, 1) : token);
        at = token.empty() ? at + 1 : end;
    }
    return out;
}

constexpr std::array<std::pair<std::string_view, unsigned>, 5> kStepWords = {{
    {"comments", kCleanComments},
    {"checklists", kCleanChecklists},
    {"code", kCleanCode},
    {"traces", kCleanTraces},
    {"urls", kCleanUrls},
}};

} // namespace

std::string cleanIssueText(std::string_view text, TextCleanup cleanup) {
    std::string out(text);
    if ((cleanup.steps & kCleanComments) != 0U) {
        out = removeComments(out);
    }
    if ((cleanup.steps & kCleanChecklists) != 0U) {
        out = removeUntickedItems(out);
    }
    if ((cleanup.steps & kCleanCode) != 0U) {
        out = shortenCode(out);
    }
    if ((cleanup.steps & kCleanTraces) != 0U) {
        out = shortenTraces(out);
    }
    if ((cleanup.steps & kCleanUrls) != 0U) {
        out = shortenUrlsAndPaths(out);
    }
    return out;
}

std::string cleanupName(TextCleanup cleanup) {
    if (cleanup.steps == 0U) {
        return "none";
    }
    if (cleanup.steps == kCleanAll) {
        return "all";
    }
    std::string words;
    for (const auto& [word, bit] : kStepWords) {
        if ((cleanup.steps & bit) != 0U) {
            words += (words.empty() ? "" : ",") + std::string(word);
        }
    }
    return words;
}

std::optional<TextCleanup> parseCleanup(std::string_view words) {
    TextCleanup cleanup;
    if (!words.empty() && words.back() == ',') {
        return std::nullopt;
    }
    if (words == "none") {
        return cleanup;
    }
    if (words == "all") {
        cleanup.steps = kCleanAll;
        return cleanup;
    }
    while (!words.empty()) {
        const std::size_t comma = words.find(',');
        const std::string_view word = words.substr(0, comma);
        const auto found = std::find_if(kStepWords.begin(), kStepWords.end(),
                                        [&](const auto& step) { return step.first == word; });
        if (found == kStepWords.end()) {
            return std::nullopt;
        }
        cleanup.steps |= found->second;
        words = comma == std::string_view::npos ? std::string_view{} : words.substr(comma + 1);
    }
    return cleanup.steps == 0U ? std::nullopt : std::optional<TextCleanup>(cleanup);
}

} // namespace issuebert
