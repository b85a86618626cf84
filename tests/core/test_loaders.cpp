// Loading datasets in every format: fields, labels, text and repairs as a user sees them.
#include "core/data/loader.h"
#include "core/io/errors.h"
#include "tests/support/unit.h"

#include <atomic>

using namespace issuebert;
using namespace std::string_literals; // "...\x00..."s keeps NUL bytes

namespace {

std::vector<std::string> labelNames(const Dataset& d) {
    std::vector<std::string> out;
    for (const Issue& issue : d.issues) {
        out.push_back(issue.labelled() ? d.labels.name(issue.label) : "-");
    }
    return out;
}

} // namespace

TEST_CASE("json: a MachineHack train file loads titles, bodies and bug/feature/question") {
    unit::TempDir dir;
    const auto path = dir.write("train.json", R"([
  {"Title": "Crash on start", "Body": "It crashes.\r\nEvery time.", "Label": 0},
  {"Title": "Add dark mode", "Body": "Please", "Label": 1},
  {"Title": "How do I?", "Body": "", "Label": 2}
])");
    const Dataset d = loadDataset(path);
    CHECK_EQ(d.format, DataFormat::JsonArray);
    CHECK_EQ(d.size(), std::size_t{3});
    CHECK_EQ(d.labels.names(), (std::vector<std::string>{"bug", "feature", "question"}));
    CHECK_EQ(labelNames(d), (std::vector<std::string>{"bug", "feature", "question"}));
    CHECK_EQ(d.issues[0].title, std::string("Crash on start"));
    CHECK_EQ(d.issues[0].body, std::string("It crashes.\r\nEvery time."));
    CHECK_EQ(d.issues[2].text(), std::string("How do I?"));
    CHECK_EQ(d.issues[1].id, std::string("2"));
    CHECK_EQ(d.titleField, std::string("Title"));
    CHECK_EQ(d.labelField, std::string("Label"));
}

TEST_CASE("json: Kaggle lowercase keys and labels written as strings load the same") {
    unit::TempDir dir;
    const auto path = dir.write("kaggle.json", R"([{"title": "a", "body": "b", "label": "1"},
        {"TITLE": "c", "BODY": "d", "LABEL": 0}])");
    const Dataset d = loadDataset(path);
    CHECK_EQ(labelNames(d), (std::vector<std::string>{"feature", "bug"}));
    CHECK_EQ(d.issues[1].title, std::string("c"));
    CHECK_EQ(d.issues[1].body, std::string("d"));
}

TEST_CASE("json: a test file without labels loads every row unlabelled") {
    unit::TempDir dir;
    const auto path = dir.write("test.json", R"([{"Title": "a", "Body": "b"},
        {"Title": "c", "Body": "d", "Label": null}, {"Title": "e", "Label": ""}])");
    const Dataset d = loadDataset(path);
    CHECK_EQ(d.size(), std::size_t{3});
    CHECK_EQ(labelNames(d), (std::vector<std::string>{"-", "-", "-"}));
    CHECK(d.labels.empty());
}

TEST_CASE("json: class names as labels are kept and sorted by name") {
    unit::TempDir dir;
    const auto a = dir.write("a.json", R"([{"title": "x", "label": "question"},
        {"title": "y", "label": "enhancement"}, {"title": "z", "label": " bug "}])");
    const auto b = dir.write("b.json", R"([{"title": "x", "label": "bug"},
        {"title": "y", "label": "question"}, {"title": "z", "label": "enhancement"}])");
    const Dataset da = loadDataset(a);
    const Dataset db = loadDataset(b);
    CHECK_EQ(da.labels.names(), (std::vector<std::string>{"bug", "enhancement", "question"}));
    CHECK_EQ(db.labels.names(), da.labels.names());
    CHECK_EQ(labelNames(da), (std::vector<std::string>{"question", "enhancement", "bug"}));
}

TEST_CASE("json: whole-number labels outside 0..2 load with names given for them") {
    unit::TempDir dir;
    const auto path = dir.write("seven.json", R"([{"Title": "a", "Label": 7},
        {"Title": "b", "Label": 0}])");
    LoadOptions options;
    options.integerLabelNames = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"};
    const Dataset d = loadDataset(path, options);
    CHECK_EQ(d.labels.size(), 8);
    CHECK_EQ(labelNames(d), (std::vector<std::string>{"c7", "c0"}));
}

TEST_CASE("json: whole numbers in a field not called label become classes in numeric order") {
    unit::TempDir dir;
    const auto path = dir.write("classes.json", R"([{"text": "a", "class": 10},
        {"text": "b", "class": 9}, {"text": "c", "class": 1.0}])");
    const Dataset d = loadDataset(path);
    CHECK_EQ(d.labels.names(), (std::vector<std::string>{"1", "9", "10"}));
    CHECK_EQ(d.textField, std::string("text"));
    CHECK_EQ(d.issues[0].title, std::string());
    CHECK_EQ(d.issues[0].body, std::string("a"));
}

TEST_CASE("json: numbers and true/false in text fields read as text; ids come from the id field") {
    unit::TempDir dir;
    const auto path = dir.write("mixed.json", R"([{"id": 4711, "Title": 404, "Body": true},
        {"id": "abc", "Title": null, "Body": "x", "extra": {"nested": [1, {"a": 2}]}}])");
    const Dataset d = loadDataset(path);
    CHECK_EQ(d.issues[0].id, std::string("4711"));
    CHECK_EQ(d.issues[0].text(), std::string("404 true"));
    CHECK_EQ(d.issues[1].id, std::string("abc"));
    CHECK_EQ(d.issues[1].text(), std::string("x"));
}

TEST_CASE("json: a key spelled exactly as the detected field wins over another casing") {
    unit::TempDir dir;
    const auto path = dir.write("twice.json", R"([{"Title": "right", "title": "wrong"},
        {"title": "second", "Title": "right too"}])");
    const Dataset d = loadDataset(path);
    CHECK_EQ(d.issues[0].title, std::string("right"));
    CHECK_EQ(d.issues[1].title, std::string("right too"));
}

TEST_CASE("json: escapes, surrogate pairs and invalid UTF-8 are decoded or repaired and counted") {
    unit::TempDir dir;
    const auto path = dir.write("text.json", "[{\"Title\": \"tab\\there \\u00e9 \\ud83d\\ude00\", "
                                             "\"Body\": \"bad \xC3\x28 nul\\u0000 lone \\ud800 "
                                             "raw\x00x\"}]"s);
    const Dataset d = loadDataset(path);
    CHECK_EQ(d.issues[0].title, std::string("tab\there \xC3\xA9 \xF0\x9F\x98\x80"));
    CHECK_EQ(d.issues[0].body, std::string("bad \xEF\xBF\xBD( nul lone \xEF\xBF\xBD rawx"));
    CHECK_EQ(d.report.invalidUtf8, 2LL);
    CHECK_EQ(d.report.nulBytes, 2LL);
}

TEST_CASE("jsonl: one object per line, blank lines skipped and counted") {
    unit::TempDir dir;
    const auto path = dir.write("issues.jsonl", "{\"Title\": \"a\", \"Label\": 2}\n\n"
                                                "  \r\n{\"Title\": \"b\", \"Label\": \"0\"}\r\n");
    const Dataset d = loadDataset(path);
    CHECK_EQ(d.format, DataFormat::JsonLines);
    CHECK_EQ(labelNames(d), (std::vector<std::string>{"question", "bug"}));
    CHECK_EQ(d.report.skippedBlankLines, 2LL);
}

TEST_CASE("json: a .json file holding JSON Lines is recognised by its content") {
    unit::TempDir dir;
    const auto path = dir.write("lines.json", "{\"Title\": \"a\"}\n{\"Title\": \"b\"}\n");
    const Dataset d = loadDataset(path);
    CHECK_EQ(d.format, DataFormat::JsonLines);
    CHECK_EQ(d.size(), std::size_t{2});
}

TEST_CASE("json: a .json file of JSON Lines is recognised even when its first record is long") {
    unit::TempDir dir;
    const std::string body(20000, 'b');
    const auto path = dir.write("long.json", "{\"Title\": \"a\", \"Body\": \"" + body +
                                                 "\"}\n{\"Title\": \"b\"}\n");
    const Dataset d = loadDataset(path);
    CHECK_EQ(d.format, DataFormat::JsonLines);
    CHECK_EQ(d.size(), std::size_t{2});
    CHECK_EQ(d.issues[0].body.size(), body.size());
}

TEST_CASE("csv: quoted multi-line fields, doubled quotes, CRLF and a BOM") {
    unit::TempDir dir;
    const auto path =
        dir.write("issues.csv", "\xEF\xBB\xBFrepo,created_at,label,title,body\r\n"
                                "a/b,2020,bug,\"Crash, again\",\"line one\r\nline \"\"two\"\"\"\r\n"
                                "\r\n"
                                "c/d,2021,enhancement,Dark mode,\r\n"
                                "e/f,2022,,Unlabelled,\"x\"");
    const Dataset d = loadDataset(path);
    CHECK_EQ(d.format, DataFormat::Csv);
    CHECK_EQ(d.size(), std::size_t{3});
    CHECK_EQ(d.issues[0].title, std::string("Crash, again"));
    CHECK_EQ(d.issues[0].body, std::string("line one\r\nline \"two\""));
    CHECK_EQ(labelNames(d), (std::vector<std::string>{"bug", "enhancement", "-"}));
    CHECK_EQ(d.report.skippedBlankLines, 1LL);
    CHECK_EQ(d.labelField, std::string("label"));
}

TEST_CASE("csv: an explicit mapping picks columns with unusual names") {
    unit::TempDir dir;
    const auto path = dir.write("custom.csv", "Key,Summary,Details text,Kind\n"
                                              "K-1,Crash,Stack trace,Defect\n");
    LoadOptions options;
    options.fields.id = "Key";
    options.fields.title = "summary"; // case does not matter
    options.fields.body = "Details text";
    options.fields.label = "Kind";
    const Dataset d = loadDataset(path, options);
    CHECK_EQ(d.issues[0].id, std::string("K-1"));
    CHECK_EQ(d.issues[0].text(), std::string("Crash Stack trace"));
    CHECK_EQ(labelNames(d), (std::vector<std::string>{"Defect"}));
}

TEST_CASE("mapping: \"-\" turns a detected role off, so a labelled file loads unlabelled") {
    unit::TempDir dir;
    const auto path = dir.write("train.json", R"([{"Title": "a", "Label": 1}])");
    LoadOptions options;
    options.fields.label = "-";
    const Dataset d = loadDataset(path, options);
    CHECK(!d.issues[0].labelled());
    CHECK_EQ(d.labelField, std::string());
}

TEST_CASE("labels: a label map renames and merges classes") {
    unit::TempDir dir;
    const auto path = dir.write("gh.csv", "title,label\na,enhancement\nb,feature request\n"
                                          "c,bug\nd,wontfix\n");
    LoadOptions options;
    options.labelMap =
        parseLabelMap({"enhancement=feature", "feature request = feature", "wontfix="});
    const Dataset d = loadDataset(path, options);
    CHECK_EQ(d.labels.names(), (std::vector<std::string>{"bug", "feature"}));
    CHECK_EQ(labelNames(d), (std::vector<std::string>{"feature", "feature", "bug", "-"}));
}

TEST_CASE("labels: a label map renames MachineHack classes in place") {
    unit::TempDir dir;
    const auto path = dir.write("train.json", R"([{"Title": "a", "Label": 1}])");
    LoadOptions options;
    options.labelMap = {{"feature", "enhancement"}};
    const Dataset d = loadDataset(path, options);
    CHECK_EQ(d.labels.names(), (std::vector<std::string>{"bug", "enhancement", "question"}));
    CHECK_EQ(labelNames(d), (std::vector<std::string>{"enhancement"}));
}

TEST_CASE("fasttext: the first label is the class, the rest of the line is the body") {
    unit::TempDir dir;
    const auto path = dir.write("tickets.txt", "__label__bug Crash on save\n"
                                               "__label__enhancement  __label__ui Add dark mode\r\n"
                                               "\n"
                                               "just some text without a label\n"
                                               "__label__question nul\x00 here\n"s);
    const Dataset d = loadDataset(path);
    CHECK_EQ(d.format, DataFormat::FastText);
    CHECK_EQ(d.size(), std::size_t{4});
    CHECK_EQ(labelNames(d), (std::vector<std::string>{"bug", "enhancement", "-", "question"}));
    CHECK_EQ(d.issues[1].title, std::string());
    CHECK_EQ(d.issues[1].body, std::string("Add dark mode"));
    CHECK_EQ(d.issues[3].body, std::string("nul here"));
    CHECK_EQ(d.report.multiLabelLines, 1LL);
    CHECK_EQ(d.report.skippedBlankLines, 1LL);
    CHECK_EQ(d.report.nulBytes, 1LL);
}

TEST_CASE("fasttext: inspecting tells how the first 200 records write their labels") {
    unit::TempDir dir;
    // Blank lines are no records; unlabelled lines count for nothing; NUL bytes
    // around digits are dropped as loading drops them ("02" is the class 2).
    std::string text = "\n\n__label__1 a\nno label\n__label__\x00"s + "02 b\n";
    for (int i = 0; i < 197; ++i) {
        text += "__label__" + std::to_string(i % 60) + " issue\n";
    }
    text += "__label__bug past the sampled records\n";
    const FieldDetection found = inspectDataset(dir.write("numbers.txt", text));
    CHECK_EQ(found.mapping.label, std::string("label"));
    CHECK_EQ(found.labelValues.digitStrings, 199LL);
    CHECK_EQ(found.labelValues.names, 0LL);
    CHECK_EQ(found.labelValues.numbers, 0LL);
    CHECK(found.confident); // 60 classes: "__label__" marks the class, nothing to doubt

    const FieldDetection named =
        inspectDataset(dir.write("names.txt", "__label__bug a\n__label__2 b\n"));
    CHECK_EQ(named.labelValues.names, 1LL);
    CHECK_EQ(named.labelValues.digitStrings, 1LL);
}

TEST_CASE("fasttext: inspecting refuses a sampled line that loading refuses, naming it") {
    unit::TempDir dir;
    CHECK_THROWS_WITH(inspectDataset(dir.write("a.txt", "__label__bug ok\n\n__label__ oops\n")),
                      DataError, "a.txt: line 3: \"__label__\" without a class name");
}

TEST_CASE("format: recognised by extension first, then by the first bytes") {
    CHECK_EQ(detectFormat("a.jsonl", "[]"), DataFormat::JsonLines);
    CHECK_EQ(detectFormat("a.CSV", "{}"), DataFormat::Csv);
    CHECK_EQ(detectFormat("a.json", "  [{\"a\": 1}]"), DataFormat::JsonArray);
    CHECK_EQ(detectFormat("a.json", "{\"a\": 1}\n{\"a\": 2}\n"), DataFormat::JsonLines);
    CHECK_EQ(detectFormat("a.json", "{\n  \"data\": {\n    \"a\": 1\n  }\n}"),
             DataFormat::JsonArray);
    CHECK_EQ(detectFormat("a.txt", "title,body\n"), DataFormat::FastText);
    CHECK_EQ(detectFormat("data", "\xEF\xBB\xBF[{}]"), DataFormat::JsonArray);
    CHECK_EQ(detectFormat("data", "{\"a\": 1}"), DataFormat::JsonLines);
    CHECK_EQ(detectFormat("data", "__label__bug x"), DataFormat::FastText);
    CHECK_EQ(detectFormat("data", "title,body\nx,y\n"), DataFormat::Csv);
    CHECK_EQ(parseFormatName("JSONL"), DataFormat::JsonLines);
    CHECK_EQ(std::string(formatName(DataFormat::FastText)), std::string("fasttext"));
}

TEST_CASE("inspect: the MachineHack layout is detected with confidence") {
    unit::TempDir dir;
    const auto path = dir.write("train.json", R"([{"Title": "a", "Body": "b", "Label": 0}])");
    const FieldDetection found = inspectDataset(path);
    CHECK_EQ(found.fields, (std::vector<std::string>{"Title", "Body", "Label"}));
    CHECK_EQ(found.mapping.title, std::string("Title"));
    CHECK_EQ(found.mapping.body, std::string("Body"));
    CHECK_EQ(found.mapping.label, std::string("Label"));
    CHECK(found.confident);
}

TEST_CASE("inspect: common alternative names are recognised") {
    unit::TempDir dir;
    const auto path = dir.write("jira.csv", "Issue Key,Summary,Description,Category\nK,a,b,c\n");
    const FieldDetection found = inspectDataset(path);
    CHECK_EQ(found.mapping.id, std::string("Issue Key"));
    CHECK_EQ(found.mapping.title, std::string("Summary"));
    CHECK_EQ(found.mapping.body, std::string("Description"));
    CHECK_EQ(found.mapping.label, std::string("Category"));
    CHECK(found.confident);
}

TEST_CASE("inspect: unsure when no label field is recognised but other columns exist") {
    unit::TempDir dir;
    const auto path = dir.write("issues.csv", "title,body,verdict\na,b,bug\n");
    const FieldDetection found = inspectDataset(path);
    CHECK(!found.confident);
    CHECK_EQ(found.mapping.label, std::string());
    CHECK(found.reason.find("verdict") != std::string::npos);
}

TEST_CASE("inspect: unsure when no field looks like text, and says so") {
    unit::TempDir dir;
    const auto path = dir.write("data.csv", "a,b\nfoo,bar\n");
    const FieldDetection found = inspectDataset(path);
    CHECK(!found.confident);
    CHECK(found.reason.find("title, body or text") != std::string::npos);
    CHECK(found.reason.find("header row") != std::string::npos);
}

TEST_CASE("inspect: a label-like field full of distinct free text is doubted") {
    unit::TempDir dir;
    std::string csv = "title,type\n";
    for (int i = 0; i < 120; ++i) {
        const std::string n = std::to_string(i);
        csv.append("t").append(n).append(",free text ").append(n).append("\n");
    }
    const FieldDetection found = inspectDataset(dir.write("d.csv", csv));
    CHECK_EQ(found.mapping.label, std::string("type"));
    CHECK(!found.confident);
    CHECK(found.reason.find("\"type\"") != std::string::npos);
}

TEST_CASE("inspect: GitHub API dumps whose labels are arrays of objects keep label unset") {
    unit::TempDir dir;
    const auto path = dir.write("gh.json", R"([{"number": 1, "title": "a", "body": "b",
        "labels": [{"name": "bug"}], "state": "open"}])");
    const FieldDetection found = inspectDataset(path);
    CHECK_EQ(found.mapping.label, std::string());
    CHECK_EQ(found.mapping.id, std::string("number"));
    CHECK(!found.confident);
}

TEST_CASE("load: progress reaches the file size and cancel stops the load") {
    unit::TempDir dir;
    std::string json = "[";
    for (int i = 0; i < 30000; ++i) {
        json += std::string(i ? "," : "") + "{\"Title\": \"issue " + std::to_string(i) +
                "\", \"Body\": \"" + std::string(60, 'x') +
                "\", \"Label\": " + std::to_string(i % 3) + "}";
    }
    json += "]";
    const auto path = dir.write("big.json", json);
    LoadOptions options;
    long long lastDone = 0;
    long long lastTotal = 0;
    int calls = 0;
    options.progress = [&](long long done, long long total) {
        lastDone = done;
        lastTotal = total;
        ++calls;
    };
    const Dataset d = loadDataset(path, options);
    CHECK_EQ(d.size(), std::size_t{30000});
    CHECK(calls >= 3);
    CHECK_EQ(lastDone, static_cast<long long>(json.size()));
    CHECK_EQ(lastTotal, static_cast<long long>(json.size()));

    std::atomic<bool> cancel{false};
    LoadOptions cancelling;
    cancelling.cancel = &cancel;
    cancelling.progress = [&](long long, long long) { cancel = true; };
    CHECK_THROWS_WITH(loadDataset(path, cancelling), CancelledError, "cancelled");
}

TEST_CASE("load: strings that cross the reader's chunk boundaries decode intact") {
    unit::TempDir dir;
    // Bodies of many lengths with escapes and multi-byte characters put every
    // kind of token across the 1 MiB chunk edges somewhere.
    std::string json = "[";
    std::vector<std::string> expected;
    for (int i = 0; i < 4000; ++i) {
        std::string body;
        std::string escaped;
        for (int k = 0; k < 300 + i % 97; ++k) {
            const int kind = (i * 31 + k) % 7;
            if (kind == 0) {
                body += "\n";
                escaped += "\\n";
            } else if (kind == 1) {
                body += "\xC3\xA9";
                escaped += "\\u00e9";
            } else if (kind == 2) {
                body += "\xE2\x82\xAC";
                escaped += "\xE2\x82\xAC";
            } else if (kind == 3) {
                body += "\"";
                escaped += "\\\"";
            } else {
                body += static_cast<char>('a' + k % 26);
                escaped += static_cast<char>('a' + k % 26);
            }
        }
        expected.push_back(body);
        json += std::string(i ? ",\n" : "") + "{\"Body\": \"" + escaped +
                "\", \"Label\": " + std::to_string(-(i % 2) + 1) + ".0e0}";
    }
    json += "]";
    CHECK(json.size() > 2'000'000);
    const Dataset d = loadDataset(dir.write("chunks.json", json));
    CHECK_EQ(d.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        if (d.issues[i].body != expected[i]) {
            CHECK_EQ(d.issues[i].body, expected[i]); // shows the first record that differs
        }
    }
}

TEST_CASE("labels: parseLabelMap reads OLD=NEW pairs, trimming spaces") {
    const auto map = parseLabelMap({"enhancement=feature", " docs = question ", "wontfix="});
    CHECK_EQ(map.size(), std::size_t{3});
    CHECK_EQ(map.at("docs"), std::string("question"));
    CHECK_EQ(map.at("wontfix"), std::string());
}

TEST_CASE("issue: text joins title and body with one space and trims the ends") {
    Issue issue;
    issue.title = "  Crash ";
    issue.body = "\nstack\n";
    CHECK_EQ(issue.text(), std::string("Crash  \nstack"));
    issue.title.clear();
    CHECK_EQ(issue.text(), std::string("stack"));
    issue.body = " \t";
    CHECK_EQ(issue.text(), std::string());
}
