// The Classify page's "add to dataset" on arbitrary bytes: LabelledDatasetWriter
// opens a file (the first byte picks its format or extension, the second the
// label), appends an issue and undoes it. No LibTorch. Each step
// may refuse with an IssueBERT error; none may crash, and:
// - a refused append leaves the file's bytes as they were;
// - undo gives back the file's bytes exactly (or removes a file it created);
// - when the loader reads the file before, it reads it after the append too,
//   with every earlier issue unchanged and one more whose text is the issue's.
#include "core/data/labelled_writer.h"
#include "core/data/loader.h"
#include "core/io/errors.h"

#include "support.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

using namespace issuebert;

namespace {

struct Choice {
    DataFormat format;
    const char* extension;
};

const Choice kChoices[] = {
    {DataFormat::Auto, ".json"}, {DataFormat::Auto, ".jsonl"},     {DataFormat::Auto, ".csv"},
    {DataFormat::Auto, ".txt"},  {DataFormat::JsonArray, ".data"}, {DataFormat::JsonLines, ".data"},
    {DataFormat::Csv, ".data"},  {DataFormat::FastText, ".data"},
};

// The issue added: quotes, commas, a line break, a formula-like start, non-ASCII.
const char kTitle[] = "Crash on \"save\", = sign";
const char kBody[] = "Steps:\r\n1. open, then save\n\xc3\xa9t\xc3\xa9";
const char* const kLabels[] = {"bug", "feature", "question", "won't fix", ""};

std::optional<std::string> bytesOf(const std::string& path) {
    if (!std::filesystem::exists(path)) {
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    fuzz::check(in.good(), "the file cannot be read back");
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::optional<Dataset> load(const std::string& path, DataFormat format) {
    try {
        LoadOptions options;
        options.format = format;
        options.maxRecords = 100'000;
        return loadDataset(path, options);
    } catch (const Error&) {
        return std::nullopt;
    }
}

// Runs of blanks as one space, none at the ends: the formats keep words, not layout.
std::string words(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if (std::isspace(static_cast<unsigned char>(c)) != 0) {
            if (!out.empty() && out.back() != ' ') {
                out += ' ';
            }
        } else {
            out += c;
        }
    }
    if (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out;
}

bool sameIssue(const Dataset& a, std::size_t i, const Dataset& b, std::size_t j) {
    const Issue& x = a.issues[i];
    const Issue& y = b.issues[j];
    const auto label = [](const Dataset& d, const Issue& issue) {
        return issue.labelled() ? d.labels.name(issue.label) : std::string("(none)");
    };
    return x.title == y.title && x.body == y.body && label(a, x) == label(b, y);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) {
        return 0;
    }
    const Choice& choice = kChoices[data[0] % (sizeof kChoices / sizeof kChoices[0])];
    const char* label = kLabels[data[1] % (sizeof kLabels / sizeof kLabels[0])];
    const std::string_view content(reinterpret_cast<const char*>(data) + 2, size - 2);
    const std::string path = fuzz::writeInput(content, choice.extension);
    const std::optional<Dataset> before = load(path, choice.format);

    LabelledDatasetWriter writer;
    try {
        writer.open(path, choice.format);
    } catch (const Error&) {
        fuzz::check(bytesOf(path) == std::string(content), "opening the file changed it");
        return 0;
    }
    const std::vector<std::string> classes = {"bug", "feature", "question"};
    try {
        writer.append(kTitle, kBody, label, classes);
    } catch (const Error&) {
        fuzz::check(bytesOf(path) == std::string(content), "a refused append changed the file");
        return 0;
    }
    if (before) {
        const std::optional<Dataset> after = load(path, choice.format);
        fuzz::check(after.has_value(), "the file loaded before the append and not after it");
        fuzz::check(after->size() == before->size() + 1,
                    "the append did not add exactly one issue");
        for (std::size_t i = 0; i < before->size(); ++i) {
            fuzz::check(sameIssue(*before, i, *after, i), "the append changed an earlier issue");
        }
        const Issue& added = after->issues.back();
        fuzz::check(words(added.text()) == words(std::string(kTitle) + " " + kBody),
                    "the appended issue does not read back as the issue");
        fuzz::check(added.labelled(), "the appended issue has no label");
    }
    writer.undoLast();
    fuzz::check(bytesOf(path) == std::string(content), "undo did not give back the file's bytes");
    return 0;
}
