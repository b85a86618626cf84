// fastText lines: "__label__bug text..."; the first label is the class, the
// rest of the line is the body. A line without a label prefix is unlabelled.
#include "core/data/format_readers.h"

#include "core/io/errors.h"

#include <cstring>
#include <string_view>

namespace issuebert::data {

namespace {

constexpr std::size_t kPrefixLength = kFastTextLabelPrefix.size();

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

// Reads line `number` without its line feed into line; false at the end of the
// file. Throws DataError for a line over kMaxFieldBytes.
bool readLine(ByteSource& source, std::string& line, long long number) {
    line.clear();
    if (source.peek() == -1) {
        return false;
    }
    for (;;) {
        const char* p = source.pos;
        const auto* nl = static_cast<const char*>(std::memchr(p, '\n', source.end - p));
        line.append(p, nl != nullptr ? nl : source.end);
        if (line.size() > kMaxFieldBytes) {
            throw DataError(atLine(source.path(), number,
                                   std::string("the line is longer than ") + kMaxFieldText +
                                       ", far more than an issue's text; is this file a "
                                       "dataset of issues?"));
        }
        if (nl != nullptr) {
            source.pos = nl + 1;
            return true;
        }
        source.pos = source.end;
        if (!source.refill()) {
            return true;
        }
    }
}

// One line as the loader reads it: false for a blank line (skipped); else the
// first label's class name (empty for an unlabelled line), how many labels
// the line has and its text, trimmed. Throws DataError for "__label__" with
// no class name.
struct FastTextLine {
    std::string_view label;
    int labels = 0;
    std::string_view text;
};

bool parseLine(const std::string& line, FastTextLine& out, const std::string& path,
               long long number) {
    std::size_t i = 0;
    while (i < line.size() && isSpace(line[i])) {
        ++i;
    }
    if (i == line.size()) {
        return false;
    }
    const std::string_view view(line);
    out = FastTextLine{};
    while (line.compare(i, kPrefixLength, kFastTextLabelPrefix) == 0) {
        std::size_t end = i + kPrefixLength;
        while (end < line.size() && !isSpace(line[end])) {
            ++end;
        }
        if (end == i + kPrefixLength) {
            throw DataError(atLine(path, number, "\"__label__\" without a class name after it"));
        }
        if (out.labels++ == 0) {
            out.label = view.substr(i + kPrefixLength, end - i - kPrefixLength);
        }
        i = end;
        while (i < line.size() && isSpace(line[i])) {
            ++i;
        }
    }
    std::size_t last = line.size();
    while (last > i && isSpace(line[last - 1])) {
        --last;
    }
    out.text = view.substr(i, last - i);
    return true;
}

} // namespace

FieldSample sampleFastText(ByteSource& source, long long maxRecords) {
    FieldSample sample;
    sample.format = DataFormat::FastText;
    sample.allFieldsKnown = true;
    sample.field("label");
    sample.field("text");
    // The labels of the first records, for how a writer appending to the file
    // writes its own (FieldDetection::labelValues); the text needs no sampling.
    std::string line;
    FastTextLine parsed;
    FieldValue label;
    for (long long number = 1; sample.records < maxRecords && readLine(source, line, number);
         ++number) {
        if (!parseLine(line, parsed, source.path(), number)) {
            continue;
        }
        if (parsed.labels > 0) {
            label.kind = ValueKind::String;
            label.text.assign(parsed.label);
        } else {
            label.kind = ValueKind::Null;
            label.text.clear();
        }
        noteValue(sample.field("label"), label);
        sample.endRecord();
        ++sample.records;
    }
    return sample;
}

void loadFastText(ByteSource& source, const ResolvedFields& fields, DatasetBuilder& builder) {
    const bool useLabels = !fields.roles[kRoleLabel].empty();
    const bool useText = !fields.roles[kRoleBody].empty();
    std::string line;
    FastTextLine parsed;
    RawRecord record;
    long long lineNumber = 1;
    long long records = 0;
    for (; readLine(source, line, lineNumber); ++lineNumber) {
        if (!parseLine(line, parsed, source.path(), lineNumber)) {
            ++builder.report().skippedBlankLines;
            continue;
        }
        record.reset();
        record.values[kRoleLabel].kind = ValueKind::Null;
        if (parsed.labels > 0 && useLabels) {
            record.values[kRoleLabel].kind = ValueKind::String;
            record.values[kRoleLabel].text.assign(parsed.label);
        }
        if (parsed.labels > 1) {
            ++builder.report().multiLabelLines;
        }
        if (useText) {
            record.values[kRoleBody].kind = ValueKind::String;
            record.values[kRoleBody].text.assign(parsed.text);
        }
        builder.add(Where{true, lineNumber}, record);
        ++records;
    }
    if (records == 0) {
        throw DataError(fileName(source.path()) + ": the file is empty");
    }
}

} // namespace issuebert::data
