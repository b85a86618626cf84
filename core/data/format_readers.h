// Internal to the loaders: one sampler and one loader per file format. Samplers
// read the first records to find the fields; loaders stream every record into
// a DatasetBuilder.
#pragma once

#include "core/data/byte_source.h"
#include "core/data/dataset_builder.h"
#include "core/data/field_detect.h"

namespace issuebert::data {

// JSON arrays and JSON Lines.
FieldSample sampleJson(ByteSource& source, DataFormat format, long long maxRecords);
void loadJson(ByteSource& source, DataFormat format, const ResolvedFields& fields,
              DatasetBuilder& builder);

class CsvReader;

// A CSV file's header row as every reader of it sees it: every column in order
// (repeated names too), each name's UTF-8 repaired and trimmed. DataError when
// the file is empty.
std::vector<std::string> readCsvHeader(ByteSource& source, CsvReader& reader);

FieldSample sampleCsv(ByteSource& source, long long maxRecords);
void loadCsv(ByteSource& source, const ResolvedFields& fields, DatasetBuilder& builder);

// fastText has two fixed fields, "label" and "text"; the sample notes the
// first records' labels.
FieldSample sampleFastText(ByteSource& source, long long maxRecords);
void loadFastText(ByteSource& source, const ResolvedFields& fields, DatasetBuilder& builder);

} // namespace issuebert::data
