// fastText lines: "__label__bug text..."; the first label is the class, the
// rest of the line is the body. A line without a label prefix is unlabelled.
#include "core/data/format_readers.h"

#include "core/io/errors.h"

#include <cstring>

namespace issuebert::data {

namespace {

// fastText's default label prefix.
constexpr const char* kPrefix = "__label__";
constexpr std::size_t kPrefixLength = 9;

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

} // namespace

FieldSample sampleFastText() {
    FieldSample sample;
    sample.format = DataFormat::FastText;
    sample.allFieldsKnown = true;
    sample.field("label");
    sample.field("text");
    return sample;
}

void loadFastText(ByteSource& source, const ResolvedFields& fields, DatasetBuilder& builder) {
    const bool useLabels = !fields.roles[kRoleLabel].empty();
    const bool useText = !fields.roles[kRoleBody].empty();
    std::string line;
    RawRecord record;
    long long lineNumber = 1;
    long long records = 0;
    for (; readLine(source, line, lineNumber); ++lineNumber) {
        std::size_t i = 0;
        while (i < line.size() && isSpace(line[i])) {
            ++i;
        }
        if (i == line.size()) {
            ++builder.report().skippedBlankLines;
            continue;
        }
        record.reset();
        record.values[kRoleLabel].kind = ValueKind::Null;
        int labels = 0;
        while (line.compare(i, kPrefixLength, kPrefix) == 0) {
            std::size_t end = i + kPrefixLength;
            while (end < line.size() && !isSpace(line[end])) {
                ++end;
            }
            if (end == i + kPrefixLength) {
                throw DataError(atLine(source.path(), lineNumber,
                                       "\"__label__\" without a class name after it"));
            }
            if (labels++ == 0 && useLabels) {
                record.values[kRoleLabel].kind = ValueKind::String;
                record.values[kRoleLabel].text =
                    line.substr(i + kPrefixLength, end - i - kPrefixLength);
            }
            i = end;
            while (i < line.size() && isSpace(line[i])) {
                ++i;
            }
        }
        if (labels > 1) {
            ++builder.report().multiLabelLines;
        }
        std::size_t last = line.size();
        while (last > i && isSpace(line[last - 1])) {
            --last;
        }
        if (useText) {
            record.values[kRoleBody].kind = ValueKind::String;
            record.values[kRoleBody].text.assign(line, i, last - i);
        }
        builder.add(Where{true, lineNumber}, record);
        ++records;
    }
    if (records == 0) {
        throw DataError(fileName(source.path()) + ": the file is empty");
    }
}

} // namespace issuebert::data
