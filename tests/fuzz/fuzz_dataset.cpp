// Dataset loading on arbitrary bytes: the first byte picks the format (and the
// file's extension), the rest is the file. Field detection and the loader may
// refuse it with an IssueBERT error; they may not crash, hang or leak, and
// what they load is valid UTF-8 without NUL bytes.
#include "core/data/loader.h"
#include "core/io/errors.h"

#include "support.h"

using namespace issuebert;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    struct Choice {
        DataFormat format;
        const char* extension;
    };
    static const Choice kChoices[] = {
        {DataFormat::Auto, ".json"},      {DataFormat::Auto, ".jsonl"},
        {DataFormat::Auto, ".csv"},       {DataFormat::Auto, ".txt"},
        {DataFormat::JsonArray, ".data"}, {DataFormat::JsonLines, ".data"},
        {DataFormat::Csv, ".data"},       {DataFormat::FastText, ".data"},
    };
    const Choice& choice = kChoices[data[0] % (sizeof kChoices / sizeof kChoices[0])];
    const std::string path = fuzz::writeInput(
        std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), choice.extension);
    try {
        (void)inspectDataset(path, choice.format);
    } catch (const Error&) {
    }
    try {
        LoadOptions options;
        options.format = choice.format;
        options.maxRecords = 100'000;
        const Dataset dataset = loadDataset(path, options);
        for (const Issue& issue : dataset.issues) {
            for (const std::string* text : {&issue.id, &issue.title, &issue.body}) {
                fuzz::check(fuzz::validUtf8(*text), "loaded text is not valid UTF-8");
                fuzz::check(text->find('\0') == std::string::npos, "loaded text holds a NUL");
            }
            fuzz::check(issue.label == kNoLabel ||
                            (issue.label >= 0 && issue.label < dataset.labels.size()),
                        "a label index outside the label set");
        }
    } catch (const Error&) {
    }
    return 0;
}
