// Typed errors thrown by core. Messages name the file, record or line, the field
// and what was wrong, so the GUI and the CLI can show them as they are.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace issuebert {

// What kind of failure an Error reports; decides the CLI's exit code.
enum class ErrorKind { Data, Model, Io, Cancelled, Internal };

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), m_kind(kind) {}
    ErrorKind kind() const { return m_kind; }

private:
    ErrorKind m_kind;
};

// Bad input data: a dataset file, a mapping, a text.
class DataError : public Error {
public:
    explicit DataError(const std::string& message) : Error(ErrorKind::Data, message) {}
};

// A model folder, a vocabulary or a weights file that cannot be used.
class ModelError : public Error {
public:
    explicit ModelError(const std::string& message) : Error(ErrorKind::Model, message) {}
};

// A file that cannot be opened, read or written.
class IoError : public Error {
public:
    explicit IoError(const std::string& message) : Error(ErrorKind::Io, message) {}
};

// Long work stopped on request.
class CancelledError : public Error {
public:
    CancelledError() : Error(ErrorKind::Cancelled, "cancelled") {}
};

// "path: line N: message" and friends, built the same way everywhere.
std::string fileName(const std::string& path);
std::string atLine(const std::string& path, long long line, const std::string& what);
std::string atRecord(const std::string& path, long long record, const std::string& what);

// text taken from a file, for a message: in single quotes, cut after `longest`
// bytes (never inside a UTF-8 character), with control characters, C1 controls
// and bytes that are not UTF-8 written as \xNN, so a terminal shows them instead
// of obeying them.
std::string quote(std::string_view text, std::size_t longest = 80);

// Why writing path failed, after a write that left errno as error: "No space
// left on device (the disk is full: free some space and try again)" when the
// error says so or path's folder has less than 1 MiB free (a stream may fail
// without its errno at hand), else strerror(error) or "the write failed".
std::string writeFailure(int error, const std::string& path);

// A message as a terminal may print it: line breaks and tabs kept; every other
// control character (ESC included), C1 control and invalid UTF-8 byte as \xNN.
std::string terminalSafe(std::string_view message);

} // namespace issuebert
