// Appending labelled issues to dataset files: the old bytes kept, the file's own
// fields and label style, every format read back (also by the loader), and undo.
// Refusals and failures: test_labelled_writer_refusals.cpp.
#include "core/data/labelled_writer.h"

#include "core/data/loader.h"
#include "core/io/errors.h"
#include "tests/support/labelled_files.h"
#include "tests/support/unit.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace issuebert;
using namespace labelled_files;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// The test row's file (name, content) written into dir and opened by writer:
// its path, or empty when it could not be written.
std::string openRowFile(const unit::TempDir& dir, LabelledDatasetWriter& writer,
                        const std::string& name, const std::string& content) {
    const fs::path path = dir.path() / name;
    if (!writeBytes(path, content)) {
        return {};
    }
    writer.open(path.string());
    return path.string();
}

// The records of a JSON array; empty when the text is not one.
json parseArray(const std::string& bytes) {
    json doc = json::parse(bytes, nullptr, false);
    return !doc.is_discarded() && doc.is_array() ? doc : json::array();
}

// A record's field; null when it has none.
json valueAt(const json& record, const std::string& key) {
    const auto it = record.find(key);
    return it != record.end() ? *it : json();
}

// An RFC 4180 reader of its own, so the writer's quoting is checked independently.
std::vector<std::vector<std::string>> parseCsv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted && c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
            field += c;
            ++i;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && c == ',') {
            row.push_back(field);
            field.clear();
        } else if (!quoted && (c == '\r' || c == '\n')) {
            i += c == '\r' && i + 1 < text.size() && text[i + 1] == '\n' ? 1 : 0;
            row.push_back(field);
            field.clear();
            rows.push_back(row);
            row.clear();
        } else {
            field += c;
        }
    }
    return rows;
}

// bytes without the blanks around them, split at line breaks.
std::vector<std::string> trimmedLines(const std::string& bytes) {
    const char* const blanks = " \t\n\v\f\r";
    const auto first = bytes.find_first_not_of(blanks);
    const std::string trimmed =
        first == std::string::npos
            ? std::string()
            : bytes.substr(first, bytes.find_last_not_of(blanks) + 1 - first);
    std::vector<std::string> lines;
    std::istringstream in(trimmed);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

// The fields a record gets as "role name", to compare all at once.
std::vector<std::string> fieldsOf(const LabelledDatasetWriter& writer) {
    const char* const roles[] = {"title", "body", "text", "label", "other"};
    std::vector<std::string> out;
    for (const LabelledDatasetWriter::Field& f : writer.fields()) {
        out.push_back(std::string(roles[static_cast<int>(f.role)]) + " " + f.name);
    }
    return out;
}

} // namespace

TEST_CASE("labelled writer: a MachineHack file keeps its bytes and gets a class number") {
    const unit::TempDir dir;
    const fs::path path = dir.path() / "train.json";
    const std::string original =
        "[{\"Title\":\"App crashes\",\"Body\":\"Stack trace \\u00fc\",\"Label\":0},"
        "{\"Title\":\"Add dark mode\",\"Body\":\"Please\",\"Label\":1}]";
    CHECK(writeBytes(path, original));
    LabelledDatasetWriter writer;
    writer.open(path.string());
    CHECK_EQ(writer.format(), DataFormat::JsonArray);
    CHECK(writer.integerLabels());
    // What the UI's summary shows as "JSON array: Title, Body, Label (class number)".
    CHECK_EQ(fieldsOf(writer),
             (std::vector<std::string>{"title Title", "body Body", "label Label"}));

    const std::string title = "Why \"quotes\", commas? \\ back";
    const std::string body = "line one\nline two\ttab \xc3\xbc"
                             "n\xc3\xaf"
                             "code "
                             "\xf0\x9f\x90\x9b"; // a bug emoji, outside the BMP
    writer.append(title, body, "question", kClasses);
    const std::string bytes = readBytes(path);
    CHECK(bytes.starts_with(original.substr(0, original.size() - 1))); // every byte up to the ']'
    CHECK(bytes.find("},\n{\"Title\":\"Why \\\"quotes\\\"") !=
          std::string::npos); // the file's key order
    const json records = parseArray(bytes);
    CHECK_EQ(records.size(), std::size_t{3});
    const json& added = records.back();
    CHECK_EQ(valueAt(added, "Title"), json(title));
    CHECK_EQ(valueAt(added, "Body"), json(body));
    CHECK(valueAt(added, "Label").is_number()); // 2, not "2"
    CHECK_EQ(valueAt(added, "Label"), json(2));
    CHECK_EQ(writer.appendedCount(), 1);
    CHECK(writer.canUndo());
    CHECK_EQ(otherFiles(dir.path(), "train.json"), std::vector<std::string>());
}

TEST_CASE("labelled writer: empty arrays and trailing whitespace") {
    const unit::TempDir dir;
    for (const std::string& empty : {std::string("[]"), std::string(" [ \n]\n")}) {
        const fs::path path = dir.path() / "empty.json";
        CHECK(writeBytes(path, empty));
        LabelledDatasetWriter writer;
        writer.open(path.string());
        writer.append("t", "b", "bug", kClasses);
        const json records = parseArray(readBytes(path));
        CHECK_EQ(records.size(), std::size_t{1});
        CHECK_EQ(valueAt(records[0], "Label"), json(0));
        CHECK_EQ(valueAt(records[0], "Title"), json("t"));
    }

    const fs::path path = dir.path() / "pretty.json";
    const std::string record = "[\n  {\"title\": \"a\", \"body\": \"b\", \"label\": 2}";
    const std::string tail = "\n]\n\n  \t";
    CHECK(writeBytes(path, record + tail));
    LabelledDatasetWriter writer;
    writer.open(path.string());
    writer.append("c", "d", "feature", kClasses);
    const std::string bytes = readBytes(path);
    CHECK(bytes.starts_with(record));
    CHECK(bytes.ends_with(tail)); // the file's own ending stays
    const json records = parseArray(bytes);
    CHECK_EQ(records.size(), std::size_t{2});
    // The file's own lower-case keys, its integer label.
    CHECK_EQ(records[1], (json{{"title", "c"}, {"body", "d"}, {"label", 1}}));
}

TEST_CASE("labelled writer: JSON Lines keep their fields and label names") {
    const unit::TempDir dir;
    const fs::path path = dir.path() / "issues.jsonl";
    const std::string first =
        "{\"id\": 7, \"title\": \"Crash\", \"body\": \"x\", \"label\": \"bug\"}";
    const std::string second =
        "{\"id\": 8, \"title\": \"Idea\", \"body\": \"y\", \"label\": \"enhancement\"}";
    CHECK(writeBytes(path, first + "\n" + second)); // no line break at the end
    LabelledDatasetWriter writer;
    writer.open(path.string());
    CHECK_EQ(writer.format(), DataFormat::JsonLines);
    CHECK(!writer.integerLabels());
    writer.append("New", "b\nc", "wontfix", kClasses); // names are written as given
    const std::string bytes = readBytes(path);
    CHECK(bytes.ends_with('\n'));
    const std::vector<std::string> lines = trimmedLines(bytes);
    CHECK_EQ(lines.size(), std::size_t{3});
    CHECK_EQ(lines[0], first);
    CHECK_EQ(lines[1], second);
    const json added = json::parse(lines[2], nullptr, false);
    CHECK_EQ(added, (json{{"title", "New"}, {"body", "b\nc"}, {"label", "wontfix"}}));
}

// How a file writes its labels is taken from the loader's own reading of them.
// Found by fuzz_labelled_writer: a key with a raw control character, which the
// writer's own byte-level tally looked for as Qt escapes it ("La\u0016bel"),
// so class numbers were taken for names and "bug" was written as one,
// renaming every class ("1", "2", "bug"). The other two rows failed against a
// first fix that counted the detection sample's values without the loader's
// label rules: a label cell holding a NUL byte (which loading drops), and
// 1.0 and 2.0 as pandas writes them. The fastText row: found by the fuzzer
// in the writer's own reading of fastText labels, which kept the NUL and
// counted blank lines among the 200 records it samples.
namespace {

void checkLabelsReadAsTheLoaderReadsThem(const std::string& name, const std::string& content) {
    const unit::TempDir dir;
    LabelledDatasetWriter writer;
    const std::string path = openRowFile(dir, writer, name, content);
    CHECK(!path.empty());
    CHECK(writer.integerLabels());
    writer.append("t", "u", "bug", kClasses);
    const Dataset dataset = loadDataset(path);
    CHECK_EQ(dataset.size(), std::size_t{3});
    std::vector<std::string> labels;
    for (const Issue& issue : dataset.issues) {
        labels.push_back(dataset.labels.name(issue.label));
    }
    CHECK_EQ(labels, (std::vector<std::string>{"feature", "question", "bug"}));
}

} // namespace

TEST_CASE("labelled writer: labels are read as the loader reads them (raw control character in "
          "the key)") {
    checkLabelsReadAsTheLoaderReadsThem("raw-key.jsonl",
                                        "{\"title\":\"a\",\"body\":\"b\",\"La\x16"
                                        "bel\":1}\n{\"title\":\"c\",\"body\":\"d\",\"La\x16"
                                        "bel\":2}\n");
}

TEST_CASE("labelled writer: labels are read as the loader reads them (NUL in a label cell)") {
    checkLabelsReadAsTheLoaderReadsThem("nul.csv",
                                        std::string("title,body,label\r\na,b,1\r\nc,d,2") +
                                            std::string(1, '\0') + "\r\n");
}

TEST_CASE("labelled writer: labels are read as the loader reads them (NUL in a fastText label)") {
    checkLabelsReadAsTheLoaderReadsThem("nul.txt", std::string("__label__1 a\n__label__") +
                                                       std::string(1, '\0') + "2 b\n");
}

TEST_CASE("labelled writer: labels are read as the loader reads them (fastText labels after 250 "
          "blank lines)") {
    checkLabelsReadAsTheLoaderReadsThem("blank.txt",
                                        std::string(250, '\n') + "__label__1 a\n__label__2 b\n");
}

TEST_CASE("labelled writer: labels are read as the loader reads them (whole numbers as 1.0)") {
    checkLabelsReadAsTheLoaderReadsThem("pandas.json",
                                        "[{\"Title\":\"a\",\"Body\":\"b\",\"Label\":1.0},\n"
                                        "{\"Title\":\"c\",\"Body\":\"d\",\"Label\":2.0}]\n");
}

TEST_CASE("labelled writer: CSV quoting round-trips") {
    const unit::TempDir dir;
    const fs::path path = dir.path() / "issues.csv";
    const std::string original = "id,Title,Body,Label\r\n1,Crash,\"a, b\",bug\r\n";
    CHECK(writeBytes(path, original));
    LabelledDatasetWriter writer;
    writer.open(path.string());
    CHECK_EQ(writer.format(), DataFormat::Csv);
    const std::string title = "He said \"hi\", then left";
    const std::string body = "line1\r\nline2\nline3, end \" ";
    writer.append(title, body, "feature", kClasses);
    const std::string bytes = readBytes(path);
    CHECK(bytes.starts_with(original));
    CHECK(bytes.ends_with(",feature\r\n")); // the file's CRLF
    const std::vector<std::vector<std::string>> rows = parseCsv(bytes);
    CHECK_EQ(rows.size(), std::size_t{3});
    CHECK_EQ(rows[2], (std::vector<std::string>{"", title, body, "feature"}));

    // LF, no line break at the end, class numbers.
    const fs::path numbered = dir.path() / "numbered.csv";
    CHECK(writeBytes(numbered, "title,body,label\na,b,0\nc,d,1"));
    writer.open(numbered.string());
    CHECK(writer.integerLabels());
    writer.append("e", "f", "question", kClasses);
    CHECK_EQ(readBytes(numbered), std::string("title,body,label\na,b,0\nc,d,1\ne,f,2\n"));
}

TEST_CASE("labelled writer: fastText lines hold one issue each") {
    const unit::TempDir dir;
    const fs::path path = dir.path() / "train.txt";
    const std::string original = "__label__bug crash on start\n__label__feature add x\n";
    CHECK(writeBytes(path, original));
    LabelledDatasetWriter writer;
    writer.open(path.string());
    CHECK_EQ(writer.format(), DataFormat::FastText);
    writer.append("Title", "two\r\nlines\nhere", "question", kClasses);
    CHECK_EQ(readBytes(path), original + "__label__question Title two lines here\n");
    const std::string error =
        thrown<DataError>([&] { writer.append("t", "b", "good first issue", kClasses); });
    CHECK_EQ(lacks(error, {"space"}), std::string());
    CHECK_EQ(writer.appendedCount(), 1);
}

TEST_CASE("labelled writer: new files take the format of their extension") {
    const unit::TempDir dir;
    const fs::path jsonFile = dir.path() / "new.json";
    LabelledDatasetWriter writer;
    writer.open(jsonFile.string());
    CHECK(!fs::exists(jsonFile)); // nothing is written before the first issue
    CHECK(!writer.fileExists());  // the UI's summary says "(a new file)"
    writer.append("t", "b", "feature", kClasses);
    writer.append("u", "c", "bug", kClasses);
    const json records = parseArray(readBytes(jsonFile));
    CHECK_EQ(records.size(), std::size_t{2});
    CHECK_EQ(records[0], (json{{"Title", "t"}, {"Body", "b"}, {"Label", 1}}));
    CHECK_EQ(valueAt(records[1], "Label"), json(0));

    const std::vector<std::pair<std::string, std::string>> expected = {
        {"new.jsonl", "{\"title\":\"t\",\"body\":\"b\",\"label\":\"bug\"}"
                      "\n"},
        {"new.csv", "title,body,label\r\nt,b,bug\r\n"},
        {"new.txt", "__label__bug t b\n"},
    };
    for (const auto& [name, bytes] : expected) {
        writer.open((dir.path() / name).string());
        writer.append("t", "b", "bug", kClasses);
        CHECK_EQ(readBytes(dir.path() / name), bytes);
    }
}

TEST_CASE("labelled writer: a blank file is written as a new one") {
    const unit::TempDir dir;
    const fs::path path = dir.path() / "blank.csv";
    const std::string blank = "\xEF\xBB\xBF\n"; // a byte-order mark and a line break
    CHECK(writeBytes(path, blank));
    LabelledDatasetWriter writer;
    writer.open(path.string());
    writer.append("t", "b", "bug", kClasses);
    CHECK_EQ(readBytes(path), std::string("title,body,label\r\nt,b,bug\r\n"));
    writer.undoLast();
    CHECK_EQ(readBytes(path), blank);
}

TEST_CASE("labelled writer: undo restores the exact bytes") {
    const unit::TempDir dir;
    const fs::path path = dir.path() / "train.json";
    const std::string original = "[{\"Title\":\"a\",\"Body\":\"b\",\"Label\":0}]\n";
    CHECK(writeBytes(path, original));
    LabelledDatasetWriter writer;
    writer.open(path.string());
    writer.append("one", "", "bug", kClasses);
    const std::string afterOne = readBytes(path);
    writer.append("two", "", "feature", kClasses);
    CHECK_EQ(writer.appendedCount(), 2);
    writer.undoLast();
    CHECK_EQ(readBytes(path), afterOne);
    writer.undoLast();
    CHECK_EQ(readBytes(path), original);
    CHECK(!writer.canUndo());
    CHECK(!thrown<DataError>([&] { writer.undoLast(); }).empty());
    CHECK_EQ(otherFiles(dir.path(), "train.json"), std::vector<std::string>());

    // Undoing the issue that created a file removes the file again.
    const fs::path created = dir.path() / "created.csv";
    writer.open(created.string());
    writer.append("t", "b", "bug", kClasses);
    CHECK(fs::exists(created));
    writer.undoLast();
    CHECK(!fs::exists(created));
    writer.append("t", "b", "bug", kClasses);
    CHECK_EQ(readBytes(created), std::string("title,body,label\r\nt,b,bug\r\n"));
}

namespace {

void checkTheLoaderReadsWhatWasAppended(const std::string& name, const std::string& content) {
    const unit::TempDir dir;
    LabelledDatasetWriter writer;
    const std::string path = openRowFile(dir, writer, name, content);
    CHECK(!path.empty());
    writer.append("Crash \"on\", save", "Steps:\n1. open", "question", kClasses);
    writer.append("Dark mode", "please", "feature", kClasses);
    const Dataset dataset = loadDataset(path);
    CHECK_EQ(dataset.issues.size(), std::size_t{3});
    const Issue& added = dataset.issues[1];
    CHECK_EQ(dataset.labels.name(added.label), std::string("question"));
    CHECK_EQ(dataset.labels.name(dataset.issues[2].label), std::string("feature"));
    const std::string text = added.text();
    if (writer.format() == DataFormat::FastText) {
        CHECK_EQ(text, std::string("Crash \"on\", save Steps: 1. open"));
    } else {
        CHECK_EQ(text, std::string("Crash \"on\", save Steps:\n1. open"));
    }
}

} // namespace

TEST_CASE("labelled writer: the loader reads what was appended (machinehack)") {
    checkTheLoaderReadsWhatWasAppended("train.json", "\xEF\xBB\xBF[{\"Title\":\"a\",\"Body\":\"b\","
                                                     "\"Label\":0}]\n");
}

TEST_CASE("labelled writer: the loader reads what was appended (jsonl)") {
    checkTheLoaderReadsWhatWasAppended("train.jsonl",
                                       "{\"title\":\"a\",\"body\":\"b\",\"label\":\"bug\"}");
}

TEST_CASE("labelled writer: the loader reads what was appended (csv)") {
    checkTheLoaderReadsWhatWasAppended("train.csv", "Title,Body,Label\r\na,\"b\nc\",bug\r\n");
}

TEST_CASE("labelled writer: the loader reads what was appended (text field)") {
    checkTheLoaderReadsWhatWasAppended("text.csv", "text,category\na b,bug\n");
}

TEST_CASE("labelled writer: the loader reads what was appended (fasttext)") {
    checkTheLoaderReadsWhatWasAppended("train.txt", "__label__bug a b");
}
