// Reading small JSON files (config.json, issuebert.json, trainer_state.json,
// train_options.json): the whole file with a size cap, its parse as one
// object with a depth cap, and errors that name the file and the field.
// LibTorch-free; the model and train layers share it.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

namespace issuebert {

// Throws ModelError "PATH: field "FIELD": WHAT".
[[noreturn]] void throwFieldError(const std::string& path, const std::string& field,
                                  const std::string& what);

// Parses `text` as a JSON object; throws ModelError naming `path` when it is
// not valid JSON, nests deeper than kMaxJsonDepth (core/io/json_depth.h) or is
// not an object.
nlohmann::json parseJsonObject(const std::string& text, const std::string& path);

// nlohmann's message for a parse or conversion error, for ours: without its
// "[json.exception.…]" prefix, control bytes as '?', at most 200 bytes (it
// quotes the bytes it read, which a hostile file makes long).
std::string jsonErrorText(const std::exception& error);

// A value for an error message, never long and never recursive: numbers,
// booleans and null as JSON, a string quoted (cut after 40 bytes, control
// characters escaped), "an array of N items", "an object of N fields".
std::string jsonSummary(const nlohmann::json& value);

// value as T when it is a JSON integer that T holds: not 2.5, not 1e300 (whose
// conversion would be undefined), not 2^64 - 1 read back as -1.
template <typename T>
std::optional<T> integerValue(const nlohmann::json& value) {
    if (!value.is_number_integer()) {
        return std::nullopt;
    }
    const bool fits = value.is_number_unsigned()
                          ? value.get<unsigned long long>() <=
                                static_cast<unsigned long long>(std::numeric_limits<T>::max())
                          : value.get<long long>() >= std::numeric_limits<T>::min() &&
                                value.get<long long>() <= std::numeric_limits<T>::max();
    if (!fits) {
        return std::nullopt;
    }
    return static_cast<T>(value.get<long long>());
}

// Largest JSON file readWholeFile reads: real ones hold kilobytes.
inline constexpr std::uintmax_t kMaxJsonFileBytes = std::uintmax_t{16} << 20;

// The whole file's text; throws IoError "PATH: cannot open WHAT" or
// "PATH: cannot read the file", and ModelError when it is larger than
// kMaxJsonFileBytes (every file read this way is a small JSON file; a huge
// one is hostile, not a setting).
std::string readWholeFile(const std::string& path, const std::string& what);

} // namespace issuebert
