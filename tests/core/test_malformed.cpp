// Malformed datasets: every error names the file, the record or line, the field
// and what is wrong, so a user can find and fix it.
#include "core/data/loader.h"
#include "core/io/errors.h"
#include "tests/support/unit.h"

using namespace issuebert;

namespace {

// A MachineHack-style array whose record `bad` (1-based) carries badRecord.
std::string arrayWith(int records, int bad, const std::string& badRecord) {
    std::string json = "[\n";
    for (int i = 1; i <= records; ++i) {
        json += i == bad ? badRecord
                         : "{\"Title\": \"t" + std::to_string(i) + "\", \"Body\": \"b\", " +
                               "\"Label\": " + std::to_string(i % 3) + "}";
        json += i < records ? ",\n" : "\n";
    }
    return json + "]";
}

// The message of the DataError loading path throws, or "" when it loads.
std::string loadError(const std::string& path) {
    try {
        loadDataset(path);
    } catch (const DataError& e) {
        return e.what();
    }
    return {};
}

// More bytes than a field may hold (16 MiB).
const std::string kHuge(std::size_t{17} << 20, 'x');

} // namespace

TEST_CASE("malformed: a missing file is an I/O error naming the path") {
    unit::TempDir dir;
    const std::string path = (dir.path() / "nope.json").string();
    CHECK_THROWS_WITH(loadDataset(path), IoError, "cannot open \"" + path + "\"");
    CHECK_THROWS_WITH(inspectDataset(path), IoError, "No such file");
}

TEST_CASE("malformed: a folder given as the dataset is an I/O error") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(loadDataset(dir.path().string()), IoError, "is a folder, not a file");
}

TEST_CASE("malformed: an empty file says it is empty, in every format") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(loadDataset(dir.write("train.json", "")), DataError,
                      "train.json: the file is empty");
    CHECK_THROWS_WITH(loadDataset(dir.write("issues.csv", "\xEF\xBB\xBF")), DataError,
                      "issues.csv: the file is empty");
    CHECK_THROWS_WITH(loadDataset(dir.write("x.jsonl", "\n  \n")), DataError,
                      "x.jsonl: the file is empty");
    CHECK_THROWS_WITH(loadDataset(dir.write("t.txt", "\n\n")), DataError,
                      "t.txt: the file is empty");
}

TEST_CASE("malformed: a MachineHack label outside 0..2 names the record") {
    unit::TempDir dir;
    const auto path =
        dir.write("train.json", arrayWith(1300, 1234, R"({"Title": "x", "Label": 7})"));
    CHECK_THROWS_WITH(loadDataset(path), DataError,
                      "train.json: record 1234: \"Label\" is 7; expected 0, 1 or 2");
}

TEST_CASE("malformed: a label outside the integer label names given") {
    unit::TempDir dir;
    const auto path = dir.write("d.jsonl", "{\"text\": \"a\", \"label\": 1}\n"
                                           "{\"text\": \"b\", \"label\": 4}\n");
    LoadOptions options;
    options.integerLabelNames = {"neg", "pos"};
    CHECK_THROWS_WITH(loadDataset(path, options), DataError,
                      "d.jsonl: line 2: \"label\" is 4; expected 0 or 1");
}

TEST_CASE("malformed: a fractional, boolean or object label is refused") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(loadDataset(dir.write("a.json", arrayWith(3, 2, R"({"Label": 1.5})"))),
                      DataError,
                      "a.json: record 2: \"Label\" is 1.5; expected a class name or a whole "
                      "number");
    CHECK_THROWS_WITH(loadDataset(dir.write("b.json", arrayWith(3, 3, R"({"Label": true})"))),
                      DataError, "b.json: record 3: \"Label\" is true; expected");
    CHECK_THROWS_WITH(
        loadDataset(dir.write("c.json", arrayWith(3, 1, R"({"Label": {"name": "bug"}})"))),
        DataError, "c.json: record 1: \"Label\" is an object; expected");
}

TEST_CASE("malformed: a title that is an object or array is refused") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(loadDataset(dir.write("t.json", arrayWith(5, 4, R"({"Title": ["a"]})"))),
                      DataError, "t.json: record 4: \"Title\" is an array; expected text");
}

TEST_CASE("malformed: a JSON syntax error gives record, line and column") {
    unit::TempDir dir;
    const auto path = dir.write("train.json", "[\n{\"Title\": \"a\"},\n{\"Title\": \"b\" "
                                              "\"Body\": \"c\"}\n]");
    CHECK_THROWS_WITH(loadDataset(path), DataError,
                      "train.json: record 2 (line 3, column 15): expected ',' or '}' after the "
                      "value of \"Title\", found '\"'");
}

TEST_CASE("malformed: a top-level object is not an array of records") {
    unit::TempDir dir;
    const auto path = dir.write("train.json", "{\n  \"data\": [\n  ]\n}");
    CHECK_THROWS_WITH(loadDataset(path), DataError,
                      "train.json: line 1, column 1: expected a JSON array of records");
}

TEST_CASE("malformed: a file that is not JSON at all") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(loadDataset(dir.write("notes.json", "hello world")), DataError,
                      "notes.json: line 1, column 1: not JSON: expected '[' to open the array "
                      "of records, found 'h'");
}

TEST_CASE("malformed: a record that is not an object") {
    unit::TempDir dir;
    const auto path = dir.write("train.json", "[{\"Title\": \"a\"}, 42]");
    CHECK_THROWS_WITH(loadDataset(path), DataError,
                      "train.json: record 2 (line 1, column 18): expected an object with the "
                      "record's fields, found a number");
}

TEST_CASE("malformed: a truncated file says where it ends") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(loadDataset(dir.write("a.json", "[{\"Title\": \"a\"}, {\"Title\": \"b")),
                      DataError,
                      "a.json: record 2 (line 1, column 30): the file ends inside "
                      "a string; is it truncated?");
    CHECK_THROWS_WITH(loadDataset(dir.write("b.json", "[{\"Title\": \"a\"}\n")), DataError,
                      "b.json: record 1 (line 2, column 1): the file ends after this record");
}

TEST_CASE("malformed: trailing commas, bad escapes and raw line breaks in strings") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(loadDataset(dir.write("a.json", "[{\"Title\": \"a\"},]")), DataError,
                      "a.json: record 1 (line 1, column 17): a comma after the last record");
    CHECK_THROWS_WITH(loadDataset(dir.write("b.json", "[{\"Title\": \"a\",}]")), DataError,
                      "b.json: record 1 (line 1, column 16): a comma before '}'");
    CHECK_THROWS_WITH(loadDataset(dir.write("c.json", "[{\"Title\": \"a\\x\"}]")), DataError,
                      "c.json: record 1 (line 1, column 15): unknown escape \\'x'");
    CHECK_THROWS_WITH(loadDataset(dir.write("d.json", "[{\"Title\": \"a\nb\"}]")), DataError,
                      "d.json: record 1 (line 1, column 14): a line break inside a string");
    CHECK_THROWS_WITH(loadDataset(dir.write("e.json", "[{\"Title\": \"\\u12G4\"}]")), DataError,
                      "e.json: record 1 (line 1, column 17): \\u must be followed "
                      "by four hex digits, found 'G'");
}

TEST_CASE("malformed: text after the closing bracket") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(loadDataset(dir.write("a.json", "[{\"Title\": \"a\"}]\n[]")), DataError,
                      "a.json: line 2, column 1: more text after the array's closing ']'");
}

TEST_CASE("malformed: an empty array has no records") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(loadDataset(dir.write("a.json", " [ ] ")), DataError,
                      "a.json: the array is empty");
}

TEST_CASE("malformed: absurdly deep nesting is refused, not a stack overflow") {
    unit::TempDir dir;
    const std::string deep =
        "[{\"Title\": \"a\", \"x\": " + std::string(100000, '[') + std::string(100000, ']') + "}]";
    CHECK_THROWS_WITH(loadDataset(dir.write("deep.json", deep)), DataError,
                      "deep.json: record 1 (line 1, column 534): values nested more than 512 "
                      "levels deep");
}

TEST_CASE("malformed: a bad JSON Lines line names its line") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(loadDataset(dir.write("a.jsonl", "{\"Title\": \"a\"}\n\n{\"Title\": }\n")),
                      DataError, "a.jsonl: line 3, column 11: expected a value");
    CHECK_THROWS_WITH(loadDataset(dir.write("b.jsonl", "{\"Title\": \"a\"}\n[1, 2]\n")), DataError,
                      "b.jsonl: line 2, column 1: expected a JSON object (one record "
                      "per line), found an array");
    CHECK_THROWS_WITH(loadDataset(dir.write("c.jsonl", "{\"Title\": \"a\"} {\"Title\": \"b\"}\n")),
                      DataError,
                      "c.jsonl: line 1, column 16: more text after the record on the same line");
    CHECK_THROWS_WITH(loadDataset(dir.write("d.jsonl", "{\"Title\": \"a\"}\n{\"Label\": 9}\n")),
                      DataError, "d.jsonl: line 2: \"Label\" is 9; expected 0, 1 or 2");
}

TEST_CASE("malformed: a CSV quote that is never closed names where it opened") {
    unit::TempDir dir;
    std::string csv = "title,body,label\n";
    for (int line = 2; line < 80; ++line) {
        csv.append("t").append(std::to_string(line)).append(",b,bug\n");
    }
    csv += "broken,\"opened here\n";
    for (int line = 81; line <= 88; ++line) {
        csv.append("more text ").append(std::to_string(line)).append("\n");
    }
    CHECK_THROWS_WITH(loadDataset(dir.write("issues.csv", csv)), DataError,
                      "issues.csv: line 88: quoted field opened at line 80 is never closed");
}

TEST_CASE("malformed: a CSV row with the wrong number of fields") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(loadDataset(dir.write("a.csv", "title,body,label\na,b,bug\nc,d\n")),
                      DataError, "a.csv: line 3: the row has 2 fields; the header has 3");
    CHECK_THROWS_WITH(
        loadDataset(dir.write("b.csv", "title,body,label\n\"x\ny\",b,bug\nc,d,e,f\n")), DataError,
        "b.csv: line 4: the row has 4 fields; the header has 3 (is a field with a "
        "comma in it not in quotes?)");
}

TEST_CASE("malformed: stray quotes in CSV fields name the field") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(loadDataset(dir.write("a.csv", "title,body\nsay \"hi\",b\n")), DataError,
                      "a.csv: line 2: field 1 (\"title\"): a quote inside an unquoted field");
    CHECK_THROWS_WITH(loadDataset(dir.write("b.csv", "title,body\nt,\"say \"hi\" now\"\n")),
                      DataError, "b.csv: line 2: field 2 (\"body\"): text after the closing quote");
}

TEST_CASE("malformed: a CSV header naming a used column twice") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(loadDataset(dir.write("a.csv", "title,body,title,label\na,b,c,bug\n")),
                      DataError,
                      "a.csv: line 1: the header names \"title\" twice (columns 1 and 3)");
}

TEST_CASE("malformed: a CSV without a header row, or with only a header") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(loadDataset(dir.write("a.csv", "Crash on start,bug\nDark mode,feature\n")),
                      DataError,
                      "a.csv: no title, body or text field among: Crash on start, bug; choose "
                      "them with the field mapping (or add a header row");
    CHECK_THROWS_WITH(loadDataset(dir.write("b.csv", "title,body,label\r\n")), DataError,
                      "b.csv: no rows after the header");
}

TEST_CASE("malformed: a label but no text field") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(loadDataset(dir.write("a.json", "[{\"Label\": 0, \"foo\": \"x\"}]")),
                      DataError, "a.json: no title, body or text field among: Label, foo");
}

TEST_CASE("malformed: a mapping that names a field the file lacks") {
    unit::TempDir dir;
    LoadOptions options;
    options.fields.title = "Summary";
    CHECK_THROWS_WITH(loadDataset(dir.write("a.csv", "Title,Body,Label\na,b,bug\n"), options),
                      DataError,
                      "a.csv: the title field \"Summary\" is not in the file; fields are: "
                      "Title, Body, Label");
    CHECK_THROWS_WITH(
        loadDataset(dir.write("b.json", "[{\"Title\": \"a\", \"Body\": \"b\"}]"), options),
        DataError,
        "b.json: the title field \"Summary\" is in no record; fields are: Title, "
        "Body");
    LoadOptions ft;
    ft.fields.label = "category";
    CHECK_THROWS_WITH(loadDataset(dir.write("c.txt", "__label__bug x\n"), ft), DataError,
                      "c.txt: the label field \"category\" is not in the file; fields are: "
                      "label, text");
}

TEST_CASE("malformed: a mapping giving one field two roles, or body and text both") {
    unit::TempDir dir;
    const auto path = dir.write("a.csv", "title,body,label\na,b,bug\n");
    LoadOptions same;
    same.fields.body = "title";
    CHECK_THROWS_WITH(loadDataset(path, same), DataError,
                      "a.csv: \"title\" is chosen as both the title and the body field");
    LoadOptions both;
    both.fields.body = "body";
    both.fields.text = "title";
    CHECK_THROWS_WITH(loadDataset(path, both), DataError,
                      "a.csv: choose a body field or a text field, not both");
}

TEST_CASE("malformed: label map pairs that are not OLD=NEW, and labels that do not exist") {
    CHECK_THROWS_WITH(parseLabelMap({"enhancement"}), DataError,
                      "label map: \"enhancement\" is not OLD=NEW");
    CHECK_THROWS_WITH(parseLabelMap({"=bug"}), DataError, "label map: \"=bug\" has no label");
    CHECK_THROWS_WITH(parseLabelMap({"a=b", "a=c"}), DataError,
                      "label map: \"a\" is mapped twice, to \"b\" and to \"c\"");
    unit::TempDir dir;
    LoadOptions options;
    options.labelMap = {{"enhancment", "feature"}};
    CHECK_THROWS_WITH(
        loadDataset(dir.write("a.csv", "title,label\nx,enhancement\ny,bug\n"), options), DataError,
        "a.csv: label map: there is no label \"enhancment\"; labels are: bug, "
        "enhancement");
}

TEST_CASE("malformed: a fastText label prefix without a class name") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(loadDataset(dir.write("a.txt", "__label__bug ok\n__label__ oops\n")),
                      DataError, "a.txt: line 2: \"__label__\" without a class name");
}

TEST_CASE("malformed: an unknown format name") {
    CHECK_THROWS_WITH(parseFormatName("xml"), DataError,
                      "unknown dataset format \"xml\"; choose json, jsonl, csv or fasttext");
}

TEST_CASE("malformed: invalid UTF-8 is repaired and counted, never fatal") {
    unit::TempDir dir;
    const auto path = dir.write("bad.csv", "title,body\n\xFF\xFE,ok \xE2\x82\n");
    const Dataset d = loadDataset(path);
    CHECK_EQ(d.issues[0].title, std::string("\xEF\xBF\xBD\xEF\xBF\xBD"));
    CHECK_EQ(d.issues[0].body, std::string("ok \xEF\xBF\xBD"));
    CHECK_EQ(d.report.invalidUtf8, 3LL);
}

TEST_CASE("malformed: a field over 16 MiB is refused before it fills memory, in every format") {
    unit::TempDir dir;
    const std::string json = loadError(dir.write(
        "big.json", "[{\"Title\": \"a\"},\n{\"Title\": \"b\", \"Body\": \"" + kHuge + "\"}]"));
    CHECK(json.starts_with("big.json: record 2 (line 2, column "));
    CHECK(json.find("): the value of \"Body\" is longer than 16 MiB") != std::string::npos);
    CHECK_THROWS_WITH(loadDataset(dir.write("open.csv", "title,body\nt,\"" + kHuge)), DataError,
                      "open.csv: line 2: field 2 (\"body\"): the quoted field opened at line 2 is "
                      "longer than 16 MiB; is its closing quote missing?");
    CHECK_THROWS_WITH(loadDataset(dir.write("bare.csv", "title,body\nt," + kHuge)), DataError,
                      "bare.csv: line 2: field 2 (\"body\") is longer than 16 MiB");
    CHECK_THROWS_WITH(loadDataset(dir.write("big.txt", "__label__bug ok\n__label__bug " + kHuge)),
                      DataError, "big.txt: line 2: the line is longer than 16 MiB");
    const std::string number = loadError(dir.write(
        "num.json", "[{\"Title\": \"a\", \"Label\": " + std::string(kHuge.size(), '1') + "}]"));
    CHECK(number.find("the number in \"Label\" is longer than 16 MiB") != std::string::npos);
}

TEST_CASE("malformed: a CSV row or JSON records with thousands of fields are refused") {
    unit::TempDir dir;
    std::string wide = "title,body\n";
    for (int i = 0; i < 20000; ++i) {
        wide += "a,";
    }
    CHECK_THROWS_WITH(loadDataset(dir.write("wide.csv", wide + "a\n")), DataError,
                      "wide.csv: line 2: the row has more than 10000 fields");
    std::string keys = "[{\"Title\": \"a\"";
    for (int i = 0; i < 10001; ++i) {
        keys += ", \"k" + std::to_string(i) + "\": 0";
    }
    const std::string message = loadError(dir.write("keys.json", keys + "}]"));
    CHECK(message.starts_with("keys.json: record 1 (line 1, column "));
    CHECK(message.find("more than 10000 different field names") != std::string::npos);
}

TEST_CASE("malformed: a file with more records than the limit says so at the first one over") {
    unit::TempDir dir;
    LoadOptions options;
    options.maxRecords = 3;
    CHECK_THROWS_WITH(loadDataset(dir.write("many.json", arrayWith(5, 0, "")), options), DataError,
                      "many.json: record 4: more than 3 records; split the file");
    CHECK_THROWS_WITH(loadDataset(dir.write("many.csv", "title\na\nb\nc\nd\n"), options), DataError,
                      "many.csv: line 5: more than 3 records");
    CHECK_EQ(loadDataset(dir.write("three.csv", "title\na\nb\nc\n"), options).size(),
             std::size_t{3});
}
