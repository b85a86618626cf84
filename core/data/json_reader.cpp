// JSON arrays (MachineHack) and JSON Lines, read one record at a time.
#include "core/data/format_readers.h"

#include "core/data/json_scanner.h"
#include "core/io/errors.h"

#include <algorithm>
#include <limits>

namespace issuebert::data {

namespace {

// What a value starting with byte c is, for "expected an object, found ...".
std::string describeValueStart(JsonScanner& scanner, int c) {
    switch (c) {
    case '"':
        return "a string";
    case '[':
        return "an array";
    case 't':
    case 'f':
        return "true or false";
    case 'n':
        return "null";
    default:
        return c == '-' || (c >= '0' && c <= '9') ? "a number" : scanner.describeNext();
    }
}

// Calls onRecord(where) with the scanner at each record's '{'; stops after
// maxRecords. Returns the number of records seen.
template <class OnRecord>
long long walkArray(ByteSource& source, JsonScanner& scanner, long long maxRecords,
                    OnRecord&& onRecord) {
    int c = scanner.peekToken();
    if (c == -1) {
        throw DataError(fileName(source.path()) + ": the file is empty");
    }
    if (c == '{') {
        scanner.fail("expected a JSON array of records ([{...}, {...}]), found an object; a "
                     "file with one object per line is JSON Lines (.jsonl)");
    }
    if (c != '[') {
        scanner.fail("not JSON: expected '[' to open the array of records, found " +
                     scanner.describeNext());
    }
    scanner.take();
    c = scanner.peekToken();
    if (c == ']') {
        throw DataError(fileName(source.path()) + ": the array is empty; there are no records");
    }
    long long record = 1;
    for (;; ++record) {
        if (record > maxRecords) {
            return maxRecords;
        }
        scanner.setRecord(record);
        if (c == -1) {
            scanner.fail("the file ends inside the array; is it truncated?");
        }
        if (c != '{') {
            scanner.fail("expected an object with the record's fields, found " +
                         describeValueStart(scanner, c));
        }
        onRecord(Where{false, record});
        c = scanner.peekToken();
        if (c == ']') {
            scanner.take();
            break;
        }
        if (c == -1) {
            scanner.fail("the file ends after this record; expected ',' or ']' (is it "
                         "truncated?)");
        }
        if (c != ',') {
            scanner.fail("expected ',' or ']' after the record, found " + scanner.describeNext());
        }
        scanner.take();
        c = scanner.peekToken();
        if (c == ']') {
            scanner.fail("a comma after the last record (trailing commas are not JSON)");
        }
    }
    scanner.setRecord(0);
    if (scanner.peekToken() != -1) {
        scanner.fail("more text after the array's closing ']', found " + scanner.describeNext());
    }
    return record;
}

// JSON Lines: one object per line; blank lines are skipped and counted.
template <class OnRecord>
long long walkLines(ByteSource& source, JsonScanner& scanner, long long maxRecords,
                    long long& blankLines, OnRecord&& onRecord) {
    long long records = 0;
    long long lastLine = 0; // the line the previous record ended on
    for (;;) {
        const int c = scanner.peekToken();
        const long long line = scanner.line();
        blankLines += std::max(0LL, line - lastLine - 1);
        if (c == -1) {
            break;
        }
        if (records == maxRecords) {
            return records;
        }
        if (c != '{') {
            scanner.fail("expected a JSON object (one record per line), found " +
                         describeValueStart(scanner, c));
        }
        onRecord(Where{true, line});
        ++records;
        lastLine = scanner.line();
        const int after = scanner.peekOnLine();
        if (after != '\n' && after != -1) {
            scanner.fail("more text after the record on the same line, found " +
                         scanner.describeNext() + "; JSON Lines holds one object per line");
        }
    }
    if (records == 0) {
        throw DataError(fileName(source.path()) + ": the file is empty");
    }
    return records;
}

template <class OnRecord>
long long walk(ByteSource& source, JsonScanner& scanner, DataFormat format, long long maxRecords,
               long long& blankLines, OnRecord&& onRecord) {
    if (format == DataFormat::JsonArray) {
        return walkArray(source, scanner, maxRecords, onRecord);
    }
    return walkLines(source, scanner, maxRecords, blankLines, onRecord);
}

} // namespace

FieldSample sampleJson(ByteSource& source, DataFormat format, long long maxRecords) {
    FieldSample sample;
    sample.format = format;
    JsonScanner scanner(source);
    FieldValue value;
    long long blankLines = 0;
    sample.records = walk(source, scanner, format, maxRecords, blankLines, [&](const Where&) {
        scanner.readObject([&](const std::string& key) {
            scanner.readValue(value);
            noteValue(sample.field(key), value);
            if (sample.fields.size() > kMaxFields) {
                scanner.fail("more than " + std::to_string(kMaxFields) +
                             " different field names; is this file a dataset of issues?");
            }
        });
        sample.endRecord();
    });
    return sample;
}

void loadJson(ByteSource& source, DataFormat format, const ResolvedFields& fields,
              DatasetBuilder& builder) {
    JsonScanner scanner(source);
    const RoleNames& names = fields.roles;
    RawRecord record;
    // 2: the key matched a role's name exactly; 1: only without regard to case.
    std::array<int, kRoleCount> match{};
    const auto onKey = [&](const std::string& key) {
        std::size_t role = kRoleCount;
        for (std::size_t r = 0; r < kRoleCount && role == kRoleCount; ++r) {
            if (!names[r].empty() && key == names[r]) {
                role = r;
            }
        }
        const bool exact = role != kRoleCount;
        for (std::size_t r = 0; r < kRoleCount && role == kRoleCount; ++r) {
            if (!names[r].empty() && match[r] < 2 && equalsIgnoringCase(key, names[r])) {
                role = r;
            }
        }
        if (role == kRoleCount || (!exact && match[role] == 2)) {
            scanner.skipValue();
            return;
        }
        match[role] = exact ? 2 : 1;
        scanner.readValue(record.values[role]);
    };
    long long blankLines = 0;
    walk(source, scanner, format, std::numeric_limits<long long>::max(), blankLines,
         [&](const Where& where) {
             record.reset();
             match.fill(0);
             scanner.readObject(onKey);
             builder.add(where, record);
         });
    builder.report().skippedBlankLines += blankLines;
}

} // namespace issuebert::data
