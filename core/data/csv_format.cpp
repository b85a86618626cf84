// CSV datasets: a header row names the columns; every row must match it.
#include "core/data/csv_reader.h"
#include "core/data/format_readers.h"

#include "core/io/errors.h"

namespace issuebert::data {

std::vector<std::string> readCsvHeader(ByteSource& source, CsvReader& reader) {
    std::vector<std::string> header;
    if (!reader.next(header)) {
        throw DataError(fileName(source.path()) + ": the file is empty");
    }
    Utf8Repair ignored; // the report counts repairs in the issues, not in column names
    for (std::string& name : header) {
        sanitizeUtf8(name, ignored);
        name = trimAscii(name);
    }
    return header;
}

namespace {

void checkWidth(ByteSource& source, const CsvReader& reader, std::size_t width,
                std::size_t expected) {
    if (width == expected) {
        return;
    }
    std::string what = "the row has " + std::to_string(width) + " fields; the header has " +
                       std::to_string(expected);
    if (width > expected) {
        what += " (is a field with a comma in it not in quotes?)";
    }
    throw DataError(atLine(source.path(), reader.rowLine(), what));
}

// The column a role reads: the name exactly, else without regard to case.
int columnOf(const std::string& path, const std::vector<std::string>& header,
             const std::string& name) {
    if (name.empty()) {
        return -1;
    }
    for (const bool exact : {true, false}) {
        int found = -1;
        for (std::size_t c = 0; c < header.size(); ++c) {
            if (exact ? header[c] == name : equalsIgnoringCase(header[c], name)) {
                if (found >= 0) {
                    throw DataError(atLine(path, 1,
                                           "the header names \"" + name + "\" twice (columns " +
                                               std::to_string(found + 1) + " and " +
                                               std::to_string(c + 1) +
                                               "); rename one or choose another field"));
                }
                found = static_cast<int>(c);
            }
        }
        if (found >= 0) {
            return found;
        }
    }
    throw DataError(fileName(path) + ": the field \"" + name +
                    "\" is not in the header; fields are: " + joinNames(header));
}

} // namespace

FieldSample sampleCsv(ByteSource& source, long long maxRecords) {
    FieldSample sample;
    sample.format = DataFormat::Csv;
    sample.allFieldsKnown = true;
    CsvReader reader(source);
    const std::vector<std::string> header = readCsvHeader(source, reader);
    reader.setHeader(&header);
    for (const std::string& name : header) {
        sample.field(name);
    }
    std::vector<std::string> row;
    FieldValue value;
    value.kind = ValueKind::String;
    while (sample.records < maxRecords && reader.next(row)) {
        checkWidth(source, reader, row.size(), header.size());
        for (std::size_t c = 0; c < row.size(); ++c) {
            value.text = row[c];
            noteValue(sample.field(header[c]), value);
        }
        sample.endRecord();
        ++sample.records;
    }
    return sample;
}

void loadCsv(ByteSource& source, const ResolvedFields& fields, DatasetBuilder& builder) {
    CsvReader reader(source);
    const std::vector<std::string> header = readCsvHeader(source, reader);
    reader.setHeader(&header);
    std::array<int, kRoleCount> columns{};
    for (std::size_t r = 0; r < kRoleCount; ++r) {
        columns[r] = columnOf(source.path(), header, fields.roles[r]);
    }
    std::vector<std::string> row;
    RawRecord record;
    long long rows = 0;
    while (reader.next(row)) {
        checkWidth(source, reader, row.size(), header.size());
        record.reset();
        for (std::size_t r = 0; r < kRoleCount; ++r) {
            if (columns[r] >= 0) {
                FieldValue& value = record.values[r];
                value.kind = ValueKind::String;
                value.text = std::move(row[static_cast<std::size_t>(columns[r])]);
            }
        }
        builder.add(Where{true, reader.rowLine()}, record);
        ++rows;
    }
    if (rows == 0) {
        throw DataError(fileName(source.path()) + ": no rows after the header");
    }
    builder.report().skippedBlankLines += reader.blankLines();
}

} // namespace issuebert::data
