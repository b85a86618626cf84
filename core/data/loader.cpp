// Dataset loading: format recognition, a quick sample to find the fields, then
// one streaming pass over the file.
#include "core/data/loader.h"

#include "core/data/format_readers.h"
#include "core/io/errors.h"

namespace issuebert {

namespace {

// Records looked at to find the fields: enough to see optional fields, few
// enough that inspecting a large file stays instant.
constexpr long long kSampleRecords = 200;

data::FieldSample sampleFile(const std::string& path, DataFormat format) {
    data::ByteSource source(path);
    if (format == DataFormat::FastText) {
        return data::sampleFastText(source, kSampleRecords);
    }
    if (format == DataFormat::Csv) {
        return data::sampleCsv(source, kSampleRecords);
    }
    return data::sampleJson(source, format, kSampleRecords);
}

} // namespace

DataFormat resolveFormat(const std::string& path, DataFormat requested) {
    if (requested != DataFormat::Auto) {
        return requested;
    }
    data::ByteSource source(path); // throws IoError for a missing file
    // The whole first chunk (1 MiB, already read): a .json file of JSON Lines
    // shows its first line break between records even when that record is long.
    return detectFormat(
        path, std::string_view(source.pos, static_cast<std::size_t>(source.end - source.pos)));
}

FieldDetection inspectDataset(const std::string& path, DataFormat format) {
    const DataFormat resolved = resolveFormat(path, format);
    return data::detectFields(sampleFile(path, resolved));
}

Dataset loadDataset(const std::string& path, const LoadOptions& options) {
    const DataFormat format = resolveFormat(path, options.format);
    const data::FieldSample sample = sampleFile(path, format);
    const FieldDetection detected = data::detectFields(sample);
    const data::ResolvedFields fields = data::resolveFields(path, sample, detected, options.fields);
    data::DatasetBuilder builder(path, format, fields, sample.names(), options);
    data::ByteSource source(path, options.cancel, options.progress);
    switch (format) {
    case DataFormat::Csv:
        data::loadCsv(source, fields, builder);
        break;
    case DataFormat::FastText:
        data::loadFastText(source, fields, builder);
        break;
    default:
        data::loadJson(source, format, fields, builder);
        break;
    }
    source.finish();
    return builder.finish();
}

std::map<std::string, std::string> parseLabelMap(const std::vector<std::string>& pairs) {
    std::map<std::string, std::string> map;
    for (const std::string& pair : pairs) {
        const std::size_t eq = pair.find('=');
        if (eq == std::string::npos) {
            throw DataError("label map: \"" + pair +
                            "\" is not OLD=NEW (e.g. enhancement=feature)");
        }
        const std::string from = data::trimAscii(pair.substr(0, eq));
        const std::string to = data::trimAscii(pair.substr(eq + 1));
        if (from.empty()) {
            throw DataError("label map: \"" + pair + "\" has no label before '='");
        }
        const auto [it, added] = map.emplace(from, to);
        if (!added && it->second != to) {
            throw DataError("label map: \"" + from + "\" is mapped twice, to \"" + it->second +
                            "\" and to \"" + to + "\"");
        }
    }
    return map;
}

} // namespace issuebert
