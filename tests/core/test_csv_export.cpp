// CSV export of predictions: exact bytes, quoting, formula neutralisation and
// atomic writes.
#include "core/data/byte_source.h"
#include "core/data/csv_reader.h"
#include "core/eval/predictions.h"
#include "core/eval/predictions_csv.h"
#include "core/io/csv_cell.h"
#include "core/io/errors.h"
#include "tests/support/unit.h"

#include <filesystem>
#include <fstream>
#include <iterator>

using namespace issuebert;

namespace {

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Issue makeIssue(const std::string& id, const std::string& title, int label) {
    Issue issue;
    issue.id = id;
    issue.title = title;
    issue.body = "body text is not exported";
    issue.label = label;
    return issue;
}

// Three issues, two classes; rows are [p(bug), p(feature)].
Predictions makePredictions() {
    Predictions p;
    p.labels = {"bug", "feature"};
    p.probabilities = {0.9F, 0.1F, 0.25F, 0.75F, 0.4F, 0.6F};
    p.predicted = {0, 1, 1};
    p.confidence = {0.9F, 0.75F, 0.6F};
    return p;
}

const std::vector<std::string> kDatasetLabels = {"bug", "feature"};

std::vector<Issue> makeIssues() {
    return {makeIssue("101", "Crash, on start", 0), makeIssue("102", "Add \"dark\" mode", 1),
            makeIssue("103", "Two\nlines", kNoLabel)};
}

// The folder's entries: a failed write must leave no temporary file behind.
std::size_t entryCount(const std::filesystem::path& folder) {
    return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(folder),
                                                  std::filesystem::directory_iterator()));
}

} // namespace

TEST_CASE("csv: plain text stays as it is") {
    CHECK_EQ(csvCell("hello world"), std::string("hello world"));
    CHECK_EQ(csvCell(""), std::string(""));
    CHECK_EQ(csvCell("a=b+c-d@e"), std::string("a=b+c-d@e")); // only the first character counts
    CHECK_EQ(csvCell("caf\xC3\xA9"), std::string("caf\xC3\xA9"));
}

TEST_CASE("csv: commas, quotes and line breaks are quoted, inner quotes doubled") {
    CHECK_EQ(csvCell("a,b"), std::string("\"a,b\""));
    CHECK_EQ(csvCell("say \"hi\""), std::string("\"say \"\"hi\"\"\""));
    CHECK_EQ(csvCell("one\ntwo"), std::string("\"one\ntwo\""));
    CHECK_EQ(csvCell("one\r\ntwo"), std::string("\"one\r\ntwo\""));
    CHECK_EQ(csvCell("\""), std::string("\"\"\"\""));
}

TEST_CASE("csv: formulas behind blanks and line breaks, and full-width ones, are neutralised") {
    CHECK_EQ(csvCell("   =1+1"), std::string("'   =1+1"));
    CHECK_EQ(csvCell(" \n@SUM(A1)"), std::string("\"' \n@SUM(A1)\""));
    CHECK_EQ(csvCell("\n-2"), std::string("\"'\n-2\""));
    CHECK_EQ(csvCell("\xEF\xBC\x9D"
                     "1+1"),
             std::string("'\xEF\xBC\x9D"
                         "1+1")); // ＝
    CHECK_EQ(csvCell("\xEF\xBC\x8B"
                     "cmd"),
             std::string("'\xEF\xBC\x8B"
                         "cmd")); // ＋
    CHECK_EQ(csvCell("  \xEF\xBC\x8D"
                     "2"),
             std::string("'  \xEF\xBC\x8D"
                         "2")); // －
    CHECK_EQ(csvCell("\xEF\xBC\xA0"
                     "x"),
             std::string("'\xEF\xBC\xA0"
                         "x")); // ＠
    // Other full-width characters and text after a word are left alone.
    CHECK_EQ(csvCell("\xEF\xBC\xA1"
                     "BC"),
             std::string("\xEF\xBC\xA1"
                         "BC")); // Ａ
    CHECK_EQ(csvCell("  spaced = fine"), std::string("  spaced = fine"));
    CHECK_EQ(csvCell("   "), std::string("   "));
}

TEST_CASE("csv: every formula prefix is neutralised with a leading quote") {
    CHECK_EQ(csvCell("=SUM(A1:A9)"), std::string("'=SUM(A1:A9)"));
    CHECK_EQ(csvCell("+1 for this"), std::string("'+1 for this"));
    CHECK_EQ(csvCell("-2"), std::string("'-2"));
    CHECK_EQ(csvCell("@import"), std::string("'@import"));
    CHECK_EQ(csvCell("\tindented"), std::string("'\tindented"));
    // CR needs quoting too: the ' goes inside the quotes.
    CHECK_EQ(csvCell("\rcarriage"), std::string("\"'\rcarriage\""));
    CHECK_EQ(csvCell("=HYPERLINK(\"http://x\",\"y\")"),
             std::string("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""));
    CHECK_EQ(csvCell("=a,b"), std::string("\"'=a,b\""));
}

TEST_CASE("csv: predictions with the label column, exact bytes") {
    unit::TempDir dir;
    const std::string path = (dir.path() / "predictions.csv").string();
    writePredictionsCsv(path, makeIssues(), kDatasetLabels, makePredictions());
    const std::string expected =
        "id,title,label,predicted,confidence,prob_bug,prob_feature\r\n"
        "101,\"Crash, on start\",bug,bug,0.900000,0.900000,0.100000\r\n"
        "102,\"Add \"\"dark\"\" mode\",feature,feature,0.750000,0.250000,0.750000\r\n"
        "103,\"Two\nlines\",,feature,0.600000,0.400000,0.600000\r\n";
    CHECK_EQ(readFile(path), expected);
}

TEST_CASE("csv: no label column when no issue is labelled") {
    unit::TempDir dir;
    const std::string path = (dir.path() / "test.csv").string();
    const std::vector<Issue> issues = {makeIssue("1", "a", kNoLabel), makeIssue("2", "b", kNoLabel),
                                       makeIssue("3", "c", kNoLabel)};
    writePredictionsCsv(path, issues, kDatasetLabels, makePredictions());
    const std::string expected = "id,title,predicted,confidence,prob_bug,prob_feature\r\n"
                                 "1,a,bug,0.900000,0.900000,0.100000\r\n"
                                 "2,b,feature,0.750000,0.250000,0.750000\r\n"
                                 "3,c,feature,0.600000,0.400000,0.600000\r\n";
    CHECK_EQ(readFile(path), expected);
}

TEST_CASE("csv: the uncertain column appears with a threshold") {
    unit::TempDir dir;
    const std::string path = (dir.path() / "uncertain.csv").string();
    Predictions p = makePredictions();
    applyThreshold(p, 0.7F);
    const std::vector<Issue> issues = {makeIssue("1", "a", kNoLabel), makeIssue("2", "b", kNoLabel),
                                       makeIssue("3", "c", kNoLabel)};
    writePredictionsCsv(path, issues, kDatasetLabels, p);
    const std::string expected = "id,title,predicted,confidence,prob_bug,prob_feature,uncertain\r\n"
                                 "1,a,bug,0.900000,0.900000,0.100000,false\r\n"
                                 "2,b,feature,0.750000,0.250000,0.750000,false\r\n"
                                 "3,c,feature,0.600000,0.400000,0.600000,true\r\n";
    CHECK_EQ(readFile(path), expected);
}

TEST_CASE("csv: a subset of rows in the order given") {
    unit::TempDir dir;
    const std::string path = (dir.path() / "subset.csv").string();
    writePredictionsCsv(path, makeIssues(), kDatasetLabels, makePredictions(), {2, 0});
    const std::string expected = "id,title,label,predicted,confidence,prob_bug,prob_feature\r\n"
                                 "103,\"Two\nlines\",,feature,0.600000,0.400000,0.600000\r\n"
                                 "101,\"Crash, on start\",bug,bug,0.900000,0.900000,0.100000\r\n";
    CHECK_EQ(readFile(path), expected);

    // Only the unlabelled row: no label column.
    writePredictionsCsv(path, makeIssues(), kDatasetLabels, makePredictions(), {2});
    CHECK_EQ(readFile(path),
             std::string("id,title,predicted,confidence,prob_bug,prob_feature\r\n"
                         "103,\"Two\nlines\",feature,0.600000,0.400000,0.600000\r\n"));

    CHECK_THROWS_WITH(
        writePredictionsCsv(path, makeIssues(), kDatasetLabels, makePredictions(), {0, 3}),
        DataError, "row 4 is past the 3 issues");
}

TEST_CASE("csv: untrusted ids, titles and class names are neutralised everywhere") {
    unit::TempDir dir;
    const std::string path = (dir.path() / "hostile.csv").string();
    Predictions p;
    p.labels = {"=cmd", "a,b"};
    p.probabilities = {0.5F, 0.5F};
    p.predicted = {0};
    p.confidence = {0.5F};
    const std::vector<Issue> issues = {makeIssue("@1", "-1+1", 1)};
    writePredictionsCsv(path, issues, {"+x", "\ty"}, p);
    const std::string expected = "id,title,label,predicted,confidence,prob_=cmd,\"prob_a,b\"\r\n"
                                 "'@1,'-1+1,'\ty,'=cmd,0.500000,0.500000,0.500000\r\n";
    CHECK_EQ(readFile(path), expected);
}

TEST_CASE("csv: the project's own CSV reader reads the fields back") {
    unit::TempDir dir;
    const std::string path = (dir.path() / "roundtrip.csv").string();
    std::vector<Issue> issues = makeIssues();
    issues[2].title = "\r\n,\"\"\n";
    writePredictionsCsv(path, issues, kDatasetLabels, makePredictions());
    data::ByteSource source(path);
    data::CsvReader reader(source);
    std::vector<std::string> fields;
    CHECK(reader.next(fields));
    CHECK_EQ(fields.size(), std::size_t{7});
    CHECK(reader.next(fields));
    CHECK_EQ(fields[1], std::string("Crash, on start"));
    CHECK(reader.next(fields));
    CHECK_EQ(fields[1], std::string("Add \"dark\" mode"));
    CHECK(reader.next(fields));
    CHECK_EQ(fields[1], std::string("'\r\n,\"\"\n"));
    CHECK_EQ(fields[6], std::string("0.600000"));
    CHECK(!reader.next(fields));
}

TEST_CASE("csv: the submission layout has one probability column per class") {
    unit::TempDir dir;
    const std::string path = (dir.path() / "submission.csv").string();
    writeSubmissionCsv(path, makePredictions());
    const std::string expected = "bug,feature\r\n"
                                 "0.900000,0.100000\r\n"
                                 "0.250000,0.750000\r\n"
                                 "0.400000,0.600000\r\n";
    CHECK_EQ(readFile(path), expected);

    Predictions three;
    three.labels = {"bug", "feature", "question"};
    three.probabilities = {0.1234567F, 0.0000004F, 0.8765429F};
    three.predicted = {2};
    three.confidence = {0.8765429F};
    writeSubmissionCsv(path, three);
    CHECK_EQ(readFile(path), std::string("bug,feature,question\r\n"
                                         "0.123457,0.000000,0.876543\r\n"));
}

TEST_CASE("csv: sizes that disagree are data errors") {
    unit::TempDir dir;
    const std::string path = (dir.path() / "bad.csv").string();
    std::vector<Issue> issues = makeIssues();
    issues.pop_back();
    CHECK_THROWS_WITH(writePredictionsCsv(path, issues, kDatasetLabels, makePredictions()),
                      DataError, "3 predictions for 2 issues");
    Predictions p = makePredictions();
    p.probabilities.pop_back();
    CHECK_THROWS_WITH(writePredictionsCsv(path, makeIssues(), kDatasetLabels, p), DataError,
                      "5 probabilities for 3 issues; expected 6");
    CHECK_THROWS_WITH(writeSubmissionCsv(path, p), DataError, "5 probabilities");
    CHECK(!std::filesystem::exists(path));
}

TEST_CASE("csv: an unwritable path is an IoError naming it") {
    unit::TempDir dir;
    const std::string path = (dir.path() / "no-such-folder" / "out.csv").string();
    CHECK_THROWS_WITH(writePredictionsCsv(path, makeIssues(), kDatasetLabels, makePredictions()),
                      IoError, path);
    CHECK_THROWS_WITH(writeSubmissionCsv(path, makePredictions()), IoError, path);
    // A folder where the file should go.
    std::filesystem::create_directory(dir.path() / "taken");
    const std::string folder = (dir.path() / "taken").string();
    CHECK_THROWS_WITH(writeSubmissionCsv(folder, makePredictions()), IoError, folder);
}

TEST_CASE("csv: a write that fails halfway leaves the old file untouched") {
    unit::TempDir dir;
    const std::string path = dir.write("predictions.csv", "old content\r\n");
    Predictions p = makePredictions();
    p.predicted[2] = 7; // found only when row 3 is written, after the first two
    CHECK_THROWS_WITH(writePredictionsCsv(path, makeIssues(), kDatasetLabels, p), DataError,
                      "row 3: predicted class 7 is not one of the 2 classes");
    CHECK_EQ(readFile(path), std::string("old content\r\n"));
    CHECK_EQ(entryCount(dir.path()), std::size_t{1});

    // A label outside the dataset's label set, likewise.
    std::vector<Issue> issues = makeIssues();
    issues[1].label = 5;
    CHECK_THROWS_WITH(writePredictionsCsv(path, issues, kDatasetLabels, makePredictions()),
                      DataError, "row 2: label 5");
    CHECK_EQ(readFile(path), std::string("old content\r\n"));
    CHECK_EQ(entryCount(dir.path()), std::size_t{1});
}
