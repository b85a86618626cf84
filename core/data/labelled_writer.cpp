// LabelledDatasetWriter: the target file inspected as the loader sees it, one
// record built in its format, byte-level edits written through AtomicFile, undo
// allowed only while the file still ends with what was appended.
#include "core/data/labelled_writer.h"

#include "core/data/byte_source.h"
#include "core/data/csv_reader.h"
#include "core/data/format_readers.h"
#include "core/data/loader.h"
#include "core/data/record.h"
#include "core/io/atomic_file.h"
#include "core/io/errors.h"
#include "core/text/utf8.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace issuebert {

namespace fs = std::filesystem;

namespace {

// Bytes read from the start of a file to find its line ending.
constexpr std::int64_t kHeadBytes = std::int64_t{1} << 20;
// Bytes copied per step when a file is rewritten.
constexpr std::int64_t kCopyBytes = std::int64_t{1} << 20;
// Bytes read per step when looking backwards for a file's last non-blank byte.
constexpr std::int64_t kTailStep = 64 * 1024;
// The UTF-8 byte-order mark some editors put first.
constexpr std::string_view kBom = "\xEF\xBB\xBF";

using Role = LabelledDatasetWriter::Role;

bool isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// A file opened for reading at any offset; IoError naming it otherwise.
class InputFile {
public:
    explicit InputFile(const std::string& path) : m_path(path) {
        m_file = std::fopen(path.c_str(), "rb");
        std::error_code ec;
        const auto size = fs::file_size(path, ec);
        if (m_file == nullptr || ec) {
            fail(m_file == nullptr ? errno : ec.value());
        }
        m_size = static_cast<std::int64_t>(size);
    }
    ~InputFile() { std::fclose(m_file); }
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;

    std::int64_t size() const { return m_size; }

    std::string read(std::int64_t pos, std::int64_t count) {
        std::string bytes(static_cast<std::size_t>(count), '\0');
        errno = 0;
        if (::fseeko(m_file, pos, SEEK_SET) != 0 ||
            std::fread(bytes.data(), 1, bytes.size(), m_file) != bytes.size()) {
            fail(errno);
        }
        return bytes;
    }

    char byteAt(std::int64_t pos) { return pos >= 0 ? read(pos, 1)[0] : '\0'; }

    // Position of the last non-blank byte before end, reading backwards; -1 when none.
    std::int64_t lastNonBlank(std::int64_t end) {
        while (end > 0) {
            const std::int64_t start = std::max<std::int64_t>(0, end - kTailStep);
            const std::string chunk = read(start, end - start);
            for (std::size_t i = chunk.size(); i-- > 0;) {
                if (!isBlank(chunk[i])) {
                    return start + static_cast<std::int64_t>(i);
                }
            }
            end = start;
        }
        return -1;
    }

    // Index of the first non-blank byte after a byte-order mark in [0, end); -1 when none.
    std::int64_t firstNonBlank(std::int64_t end) {
        const std::string bytes = read(0, end);
        std::size_t i = bytes.starts_with(kBom) ? kBom.size() : 0;
        while (i < bytes.size() && isBlank(bytes[i])) {
            ++i;
        }
        return i < bytes.size() ? static_cast<std::int64_t>(i) : -1;
    }

    // Nothing but blanks, perhaps after a byte-order mark: written as if new.
    bool isBlankFile() {
        const std::int64_t end = lastNonBlank(m_size);
        return end < 0 || (end < 3 && firstNonBlank(end + 1) < 0);
    }

    // How a JSON array's text ends: its last two non-blank bytes are '}' ']'
    // after a record, '[' ']' when it is empty (and that '[' opens the file).
    struct ArrayEnd {
        std::int64_t before = -1; // the byte before the closing ']'
        bool afterRecord = false;
        bool empty = false;
    };
    ArrayEnd arrayEnd() {
        ArrayEnd out;
        const std::int64_t close = lastNonBlank(m_size);
        if (byteAt(close) == ']') {
            out.before = lastNonBlank(close);
            const char c = byteAt(out.before);
            out.afterRecord = c == '}';
            out.empty = c == '[' && firstNonBlank(close) == out.before;
        }
        return out;
    }

private:
    [[noreturn]] void fail(int error) const {
        throw IoError("cannot read " + m_path + ": " +
                      (error != 0 ? std::strerror(error) : "it ended early"));
    }

    std::string m_path;
    std::FILE* m_file = nullptr;
    std::int64_t m_size = 0;
};

[[noreturn]] void failData(const std::string& message) {
    throw DataError(terminalSafe(message));
}

// A JSON string literal; bytes that are not UTF-8 become U+FFFD.
std::string jsonString(const std::string& text) {
    return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// RFC 4180, as the loader reads it: quoted when it holds a comma, quote or line
// break, or edge spaces (which some readers trim). Unlike a predictions export
// (csvCell) the text is the user's data, written as it is.
std::string csvField(const std::string& text) {
    const bool quote = text.find_first_of(",\"\r\n") != std::string::npos ||
                       (!text.empty() && (text.front() == ' ' || text.back() == ' '));
    if (!quote) {
        return text;
    }
    std::string out = "\"";
    for (const char c : text) {
        out += c == '"' ? "\"\"" : std::string(1, c);
    }
    return out + '"';
}

// "title body", as Issue::text() joins them for the model.
std::string joined(const std::string& title, const std::string& body) {
    if (title.empty() || body.empty()) {
        return title.empty() ? body : title;
    }
    return title + ' ' + body;
}

DataFormat formatForNewFile(const std::string& path) {
    const std::string ext = data::lowerAscii(fs::path(path).extension().string());
    if (ext == ".jsonl" || ext == ".ndjson") {
        return DataFormat::JsonLines;
    }
    if (ext == ".csv") {
        return DataFormat::Csv;
    }
    const bool fastText = ext == ".txt" || ext == ".ft" || ext == ".fasttext";
    return fastText ? DataFormat::FastText : DataFormat::JsonArray;
}

// The column names of a CSV file, as the loader reads its header.
std::vector<std::string> csvColumns(const std::string& path) {
    data::ByteSource source(path);
    data::CsvReader reader(source);
    return data::readCsvHeader(source, reader);
}

std::string joinNames(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& name : names) {
        out += (out.empty() ? "" : ", ") + name;
    }
    return out.empty() ? "(none)" : out;
}

bool isUtf8(const std::string& text) {
    std::string copy = text;
    Utf8Repair repair;
    sanitizeUtf8(copy, repair);
    return repair.invalid == 0;
}

} // namespace

void LabelledDatasetWriter::open(const std::string& path, DataFormat format) {
    m_open = false;
    m_edits.clear();
    m_path = path;
    m_format = format;
    m_fields.clear();
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        failData(path + " is a folder, not a dataset file");
    }
    m_exists = fs::exists(path, ec); // a link to nothing yet is a new file
    const fs::path folder = fs::absolute(path, ec).parent_path();
    if (!m_exists && !fs::is_directory(folder, ec)) {
        throw IoError("cannot create " + path + ": " + folder.string() + " is not a folder");
    }
    std::int64_t size = 0;
    bool blank = true;
    if (m_exists) {
        InputFile file(path);
        size = file.size();
        blank = file.isBlankFile();
    }
    if (blank) {
        m_format = format == DataFormat::Auto ? formatForNewFile(path) : format;
        useDefaults();
    } else {
        m_format = resolveFormat(path, format);
        inspectExisting(size);
    }
    m_open = true;
}

void LabelledDatasetWriter::useDefaults() {
    const bool machineHack = m_format == DataFormat::JsonArray;
    if (m_format == DataFormat::FastText) {
        m_fields = {{Role::Label, "label"}, {Role::Text, "text"}};
    } else if (machineHack) {
        m_fields = {{Role::Title, "Title"}, {Role::Body, "Body"}, {Role::Label, "Label"}};
    } else {
        m_fields = {{Role::Title, "title"}, {Role::Body, "body"}, {Role::Label, "label"}};
    }
    m_integerLabels = machineHack;
    m_quotedLabels = !machineHack;
    // RFC 4180's line ending, as IssueBERT's own CSV exports use.
    m_eol = m_format == DataFormat::Csv ? "\r\n" : "\n";
}

void LabelledDatasetWriter::inspectExisting(std::int64_t size) {
    InputFile file(m_path);
    const std::string head = file.read(0, std::min(size, kHeadBytes));
    const std::size_t newline = head.find('\n');
    m_eol =
        newline != std::string::npos && newline > 0 && head[newline - 1] == '\r' ? "\r\n" : "\n";
    if (m_format == DataFormat::FastText) {
        m_fields = {{Role::Label, "label"}, {Role::Text, "text"}};
        // Class numbers only if the records the loader samples hold numbers
        // and no names; a sampled line the loader cannot read is refused,
        // naming the file and the line.
        const FieldDetection::LabelValues labels = inspectDataset(m_path, m_format).labelValues;
        m_integerLabels = labels.names == 0 && labels.digitStrings > 0;
        return;
    }

    const bool arrayFile = m_format == DataFormat::JsonArray;
    const InputFile::ArrayEnd end = arrayFile ? file.arrayEnd() : InputFile::ArrayEnd{};
    if (end.empty) { // "[]": MachineHack's layout, as for a new file
        useDefaults();
        m_eol = "\n";
        return;
    }
    // The fields the loader would read; throws DataError naming the file for
    // anything it cannot load (a JSON object, a bad record, an empty CSV).
    const FieldDetection detection = inspectDataset(m_path, m_format);
    if (arrayFile && !end.afterRecord) { // past the records the loader samples
        failData(shownName() +
                 ": the file does not end with a record and the array's closing ']' (is it "
                 "truncated?)");
    }
    // The file's field names in order: for CSV every column, even repeated.
    assignRoles(detection.mapping,
                m_format == DataFormat::Csv ? csvColumns(m_path) : detection.fields);
    if (m_format != DataFormat::Csv) { // JSON records are written with these keys
        refuseKeysNotUtf8();
    }

    // How the labels are written, as the loader read them in the records it
    // samples (not by a reading of the bytes of our own, which could see
    // another field than the loader: a key with raw control characters).
    const auto& labels = detection.labelValues;
    if (labels.names > 0 || labels.numbers + labels.digitStrings == 0) {
        // Names, or nothing to go by: MachineHack's class numbers for a JSON array.
        m_integerLabels = labels.names == 0 && arrayFile;
        m_quotedLabels = !m_integerLabels;
    } else {
        m_integerLabels = true;
        m_quotedLabels = labels.digitStrings > labels.numbers;
    }
}

void LabelledDatasetWriter::assignRoles(const FieldMapping& mapping,
                                        const std::vector<std::string>& names) {
    std::vector<Field> all;
    for (const std::string& name : names) {
        all.push_back({Role::Other, name});
    }
    const std::pair<Role, const std::string*> roles[] = {{Role::Title, &mapping.title},
                                                         {Role::Body, &mapping.body},
                                                         {Role::Text, &mapping.text},
                                                         {Role::Label, &mapping.label}};
    bool hasText = false;
    bool hasLabel = false;
    for (const auto& [role, mapped] : roles) {
        const std::string& name = *mapped; // a plain reference: clang 14 cannot capture a binding
        // The name exactly, else without regard to case, as the loader matches fields.
        const auto free = [&](bool exact) {
            return std::find_if(all.begin(), all.end(), [&, exact](const Field& f) {
                return !name.empty() && f.role == Role::Other &&
                       (exact ? f.name == name : data::equalsIgnoringCase(f.name, name));
            });
        };
        auto it = free(true);
        it = it != all.end() ? it : free(false);
        if (it != all.end()) {
            it->role = role;
            (role == Role::Label ? hasLabel : hasText) = true;
        }
    }
    if (!hasText) {
        failData(shownName() + ": no title, body or text field among: " + joinNames(names) +
                 "; an issue cannot be added to it");
    }
    if (!hasLabel) {
        failData(shownName() + ": no label field among: " + joinNames(names) +
                 "; it is not a labelled dataset");
    }
    for (const Field& field : all) {
        if (field.role != Role::Other || m_format == DataFormat::Csv) {
            m_fields.push_back(field); // JSON records get the role fields only
        }
    }
}

void LabelledDatasetWriter::refuseKeysNotUtf8() const {
    for (const Field& field : m_fields) {
        if (field.role != Role::Other && !isUtf8(field.name)) {
            failData(shownName() + ": the field name " + quote(field.name) +
                     " is not valid UTF-8, so a record written with it would not be read back; "
                     "an issue cannot be added to it");
        }
    }
}

std::string LabelledDatasetWriter::labelText(const std::string& labelName,
                                             const std::vector<std::string>& labelNames) const {
    if (data::trimAscii(labelName).empty()) {
        failData(shownName() + ": the issue has no label to write");
    }
    const auto found = std::find(labelNames.begin(), labelNames.end(), labelName);
    const auto index = found - labelNames.begin();
    if (m_integerLabels && found == labelNames.end()) {
        std::string classes;
        for (std::size_t i = 0; i < labelNames.size(); ++i) {
            classes += (i == 0 ? "" : ", ") + std::to_string(i) + ' ' + labelNames[i];
        }
        failData(shownName() + " writes labels as class numbers (" +
                 (classes.empty() ? "none given" : classes) + "); \"" + labelName +
                 "\" is not one of those classes, so it cannot be added to this file");
    }
    // What the fastText reader ends a label at.
    if (m_format == DataFormat::FastText &&
        labelName.find_first_of(" \t\r\n\v\f") != std::string::npos) {
        failData(shownName() + ": the label \"" + labelName +
                 "\" has a space in it, which a fastText __label__ cannot hold");
    }
    return m_integerLabels ? std::to_string(index) : labelName;
}

std::string LabelledDatasetWriter::record(const std::string& title, const std::string& body,
                                          const std::string& label) const {
    const auto has = [&](Role role) {
        return std::any_of(m_fields.begin(), m_fields.end(),
                           [role](const Field& f) { return f.role == role; });
    };
    const std::string text = joined(title, body);
    if (m_format == DataFormat::FastText) {
        std::string line;
        for (std::size_t i = 0; i < text.size(); ++i) {
            const bool crlf = text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n';
            i += crlf ? 1 : 0;
            line += text[i] == '\n' || text[i] == '\r' ? ' ' : text[i];
        }
        return std::string(kFastTextLabelPrefix) + label + ' ' + line;
    }
    // Without a body field the whole text goes to the title, and the other way round.
    const std::string values[] = {has(Role::Body) ? title : text, has(Role::Title) ? body : text,
                                  text, label, std::string()};
    const bool csv = m_format == DataFormat::Csv;
    std::string out = csv ? "" : "{";
    for (std::size_t i = 0; i < m_fields.size(); ++i) {
        const Field& field = m_fields[i];
        const std::string& value = values[static_cast<int>(field.role)];
        out += i == 0 ? "" : ",";
        if (csv) {
            out += csvField(value);
        } else {
            const bool number = field.role == Role::Label && !m_quotedLabels;
            out += jsonString(field.name) + ':' + (number ? value : jsonString(value));
        }
    }
    return csv ? out : out + '}';
}

std::string LabelledDatasetWriter::firstContent(const std::string& rec) const {
    if (m_format == DataFormat::JsonArray) {
        return "[\n" + rec + "\n]\n";
    }
    std::string header;
    for (const Field& field : m_fields) {
        header += (header.empty() ? "" : ",") + csvField(field.name);
    }
    return (m_format == DataFormat::Csv ? header + m_eol : std::string()) + rec + m_eol;
}

LabelledDatasetWriter::Edit LabelledDatasetWriter::planEdit(const std::string& rec) const {
    Edit edit;
    std::error_code ec;
    const bool exists = fs::exists(m_path, ec);
    if (exists != m_exists) {
        failData(exists ? m_path + " was created by another program since it was chosen; choose "
                                   "it again"
                        : m_path + " no longer exists; choose it again");
    }
    if (!exists) {
        edit.created = true;
        edit.newTail = firstContent(rec);
        return edit;
    }
    InputFile file(m_path);
    const std::int64_t size = file.size();
    if (file.isBlankFile()) { // the whole content is written
        edit.oldTail = file.read(0, size);
        edit.newTail = firstContent(rec);
    } else if (m_format != DataFormat::JsonArray) {
        edit.keep = size;
        edit.newTail = (file.byteAt(size - 1) == '\n' ? std::string() : m_eol) + rec + m_eol;
    } else {
        // After the last record's '}' (or inside "[]"), keeping every byte before it.
        const InputFile::ArrayEnd end = file.arrayEnd();
        if (!end.afterRecord && !end.empty) {
            failData(shownName() +
                     ": the file no longer ends with a record and the array's closing ']'; was "
                     "it changed or truncated? Nothing was added");
        }
        edit.keep = end.before + 1;
        edit.oldTail = file.read(edit.keep, size - edit.keep);
        edit.newTail = end.empty ? "\n" + rec + "\n" + edit.oldTail.substr(edit.oldTail.find(']'))
                                 : ",\n" + rec + edit.oldTail;
    }
    return edit;
}

void LabelledDatasetWriter::replaceFile(std::int64_t keep, const std::string& tail) const {
    try {
        // A temporary beside the file, synced, then renamed over it; it keeps
        // the file's permissions, writes through a link, and is removed on failure.
        AtomicFile out(m_path);
        if (keep > 0) {
            InputFile source(m_path);
            for (std::int64_t done = 0; done < keep;) {
                const std::string chunk = source.read(done, std::min(kCopyBytes, keep - done));
                out.stream().write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
                done += static_cast<std::int64_t>(chunk.size());
            }
        }
        out.stream().write(tail.data(), static_cast<std::streamsize>(tail.size()));
        out.commit(); // "cannot write PATH: why" when the stream or the disk failed
    } catch (const IoError& e) {
        throw IoError(std::string(e.what()) + "; the file was not changed");
    }
}

void LabelledDatasetWriter::append(const std::string& title, const std::string& body,
                                   const std::string& labelName,
                                   const std::vector<std::string>& labelNames) {
    if (!m_open) {
        failData("no dataset file is chosen to add the issue to");
    }
    const std::string rec = record(title, body, labelText(labelName, labelNames));
    Edit edit = planEdit(rec);
    replaceFile(edit.keep, edit.newTail);
    m_exists = true;
    m_edits.push_back(std::move(edit));
}

void LabelledDatasetWriter::undoLast() {
    if (m_edits.empty()) {
        failData(shownName() + ": no added issue to undo");
    }
    const Edit& edit = m_edits.back();
    try {
        InputFile file(m_path);
        const auto expected = edit.keep + static_cast<std::int64_t>(edit.newTail.size());
        if (file.size() != expected ||
            file.read(edit.keep, static_cast<std::int64_t>(edit.newTail.size())) != edit.newTail) {
            failData(shownName() +
                     " was changed by something else after the issue was added; undo is "
                     "refused so that change is kept");
        }
    } catch (const IoError& e) {
        throw IoError(std::string("cannot undo the last addition: ") + e.what());
    }
    if (edit.created) {
        std::error_code ec;
        if (!fs::remove(m_path, ec)) {
            throw IoError("cannot remove " + m_path +
                          " to undo its creation: " + (ec ? ec.message() : "it is gone"));
        }
    } else {
        replaceFile(edit.keep, edit.oldTail);
    }
    m_exists = !edit.created;
    m_edits.pop_back();
}

std::string LabelledDatasetWriter::shownName() const {
    return fs::path(m_path).filename().string();
}

} // namespace issuebert
