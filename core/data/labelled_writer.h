// Appends newly labelled issues to a dataset file in the file's own format,
// field names and label style, atomically, with undo of this session's
// additions. Beside the loaders, so it reads a file exactly as they do: the
// same format detection, field detection, CSV header rules and label reading.
#pragma once

#include "core/data/format.h"

#include <cstdint>
#include <string>
#include <vector>

namespace issuebert {

struct FieldMapping;

// Usage: writer.open(path); writer.append(title, body, "bug", labelNames); writer.undoLast();
// Every write copies the file to a temporary beside it, syncs it and renames it
// over the original (AtomicFile: the target keeps its permissions, a symbolic
// link is written through), so a full disk or a crash leaves the old file
// whole. A JSON array gains ",\n{...}" after its last record; the bytes of the
// existing records are copied as they are, never re-serialised. Text is UTF-8
// (bytes that are not become U+FFFD in JSON). Errors throw DataError (the file
// or the label cannot take the issue) or IoError (the file cannot be read or
// written), naming the file; the file is then unchanged. Each call reads and
// writes the whole file, so the app runs it off the GUI thread. Not
// thread-safe; one writer per file.
class LabelledDatasetWriter {
public:
    // What a field of the written records holds.
    enum class Role { Title, Body, Text, Label, Other };
    struct Field {
        Role role = Role::Other;
        std::string name; // as the file spells it
    };

    // Looks at path: its format (format, or by extension, then content, as the
    // loader decides), the fields the loader would read, how labels are written
    // (integers or names) and the line ending. A missing or blank file is fine:
    // the first append creates it (a JSON array of Title, Body and integer Label
    // unless the extension is .jsonl, .ndjson, .csv, .txt, .ft or .fasttext).
    // Throws DataError for a file the loader cannot read or that has no title,
    // body or text field or no label field; IoError when it cannot be read.
    // Clears the undo history of the previous file; after an error the writer is closed.
    void open(const std::string& path, DataFormat format = DataFormat::Auto);

    // Adds one issue at the end of the file. labelNames are the classes in id
    // order: for a file with integer labels the label written is the index of
    // labelName among them (a name that is not there is a DataError, as the
    // file cannot express it); otherwise the name is written as given.
    // Files with one text field get "title body", fastText lines as well, with
    // line breaks turned into spaces.
    void append(const std::string& title, const std::string& body, const std::string& labelName,
                const std::vector<std::string>& labelNames);

    // Removes the last record this writer appended, restoring the file's bytes
    // from before it (a file the first append created is removed). Refused with
    // a DataError when the file no longer ends with exactly what was appended
    // (someone else changed it), so their change is never lost.
    void undoLast();
    bool canUndo() const { return !m_edits.empty(); }
    // Records appended since open() and not undone.
    int appendedCount() const { return static_cast<int>(m_edits.size()); }

    bool isOpen() const { return m_open; }
    const std::string& path() const { return m_path; }
    DataFormat format() const { return m_format; }
    // False while the file does not exist yet (the first append creates it).
    bool fileExists() const { return m_exists; }
    // True when labels are written as class indices (MachineHack's 0, 1, 2).
    bool integerLabels() const { return m_integerLabels; }
    // The fields a record gets, in the file's order (for CSV every column).
    const std::vector<Field>& fields() const { return m_fields; }

private:
    // One append as bytes: the file keeps its first `keep` bytes, and what
    // followed them (oldTail) was replaced by newTail.
    struct Edit {
        std::int64_t keep = 0;
        std::string oldTail;
        std::string newTail;
        bool created = false; // the file did not exist before
    };

    void useDefaults();
    void inspectExisting(std::int64_t size);
    void assignRoles(const FieldMapping& mapping, const std::vector<std::string>& names);
    // DataError when a key the records are written with is not valid UTF-8:
    // written back it would be another key.
    void refuseKeysNotUtf8() const;
    std::string labelText(const std::string& labelName,
                          const std::vector<std::string>& labelNames) const;
    std::string record(const std::string& title, const std::string& body,
                       const std::string& label) const;
    // A new or blank file's whole content with its first record.
    std::string firstContent(const std::string& rec) const;
    Edit planEdit(const std::string& rec) const;
    void replaceFile(std::int64_t keep, const std::string& tail) const;
    std::string shownName() const;

    std::string m_path;
    bool m_open = false;
    bool m_exists = false; // as this writer last left it
    DataFormat m_format = DataFormat::Auto;
    std::vector<Field> m_fields;
    bool m_integerLabels = false;
    bool m_quotedLabels = false; // JSON labels are strings ("1" or "bug"), not numbers
    std::string m_eol = "\n";
    std::vector<Edit> m_edits;
};

} // namespace issuebert
