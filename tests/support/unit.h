// A small test-case layer for the core tests. The same test files build as
// Qt Test executables (tests/support/qt_main.cpp, data rows per case) when Qt
// is there, and as plain programs (plain_main.cpp) when ISSUEBERT_BUILD_GUI=OFF
// builds on a machine without Qt. No Qt header here: core tests may include
// LibTorch, and a file includes Qt or LibTorch, never both.
#pragma once

#include <filesystem>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace unit {

struct Case {
    const char* name;
    void (*fn)();
};

std::vector<Case>& registry();

struct Registrar {
    Registrar(const char* name, void (*fn)()) { registry().push_back({name, fn}); }
};

// Record a failed check or a skip; the macros then return from the test.
void fail(const std::string& message, const char* file, int line);
void skip(const std::string& message, const char* file, int line);

// The repository root, so tests find tests/fixtures and resources/.
std::filesystem::path sourceDir();
inline std::filesystem::path sourcePath(const std::string& relative) {
    return sourceDir() / relative;
}

// A fresh folder removed with everything in it when the test ends.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }
    // Writes content to name inside the folder and returns the full path.
    std::string write(const std::string& name, const std::string& content) const;

private:
    std::filesystem::path m_path;
};

template <class T>
concept Streamable = requires(std::ostream& os, const T& v) {
    os << v;
};

template <class T>
std::string show(const T& value) {
    std::ostringstream os;
    if constexpr (std::is_same_v<T, std::string> || std::is_convertible_v<T, const char*>) {
        os << '"' << value << '"';
    } else if constexpr (Streamable<T>) {
        os << value;
    } else if constexpr (requires {
                             value.begin();
                             value.size();
                         }) {
        os << '[';
        std::size_t i = 0;
        for (const auto& item : value) {
            if (i++ > 0) {
                os << ", ";
            }
            if (i > 40) {
                os << "... (" << value.size() << " items)";
                break;
            }
            os << show(item);
        }
        os << ']';
    } else {
        os << "<value>";
    }
    return os.str();
}

} // namespace unit

// LibTorch brings glog's CHECK, CHECK_EQ and CHECK_NEAR; ours replace them
// inside tests. Include this header after any LibTorch header.
#undef CHECK
#undef CHECK_EQ
#undef CHECK_NEAR

#define UNIT_CAT2(a, b) a##b
#define UNIT_CAT(a, b) UNIT_CAT2(a, b)

// TEST_CASE("loader: names the record") { ... }
#define TEST_CASE(name)                                                                            \
    static void UNIT_CAT(unitCase, __LINE__)();                                                    \
    static const unit::Registrar UNIT_CAT(unitReg, __LINE__)(name, &UNIT_CAT(unitCase, __LINE__)); \
    static void UNIT_CAT(unitCase, __LINE__)()

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            unit::fail("CHECK(" #cond ") is false", __FILE__, __LINE__);                           \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_EQ(actual, expected)                                                                 \
    do {                                                                                           \
        const auto& unitA = (actual);                                                              \
        const auto& unitE = (expected);                                                            \
        if (!(unitA == unitE)) {                                                                   \
            unit::fail(std::string("CHECK_EQ(" #actual ", " #expected ")\n   actual:   ") +        \
                           unit::show(unitA) + "\n   expected: " + unit::show(unitE),              \
                       __FILE__, __LINE__);                                                        \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_NEAR(actual, expected, tolerance)                                                    \
    do {                                                                                           \
        const double unitA = (actual);                                                             \
        const double unitE = (expected);                                                           \
        if (!(unitA - unitE <= (tolerance) && unitE - unitA <= (tolerance))) {                     \
            unit::fail(std::string("CHECK_NEAR(" #actual ", " #expected ")\n   actual:   ") +      \
                           std::to_string(unitA) + "\n   expected: " + std::to_string(unitE),      \
                       __FILE__, __LINE__);                                                        \
            return;                                                                                \
        }                                                                                          \
    } while (0)

// Demands that expr throws ExcType and that its message contains fragment.
#define CHECK_THROWS_WITH(expr, ExcType, fragment)                                                 \
    do {                                                                                           \
        std::string unitWhat;                                                                      \
        bool unitThrown = false;                                                                   \
        try {                                                                                      \
            (void)(expr);                                                                          \
        } catch (const ExcType& unitE) {                                                           \
            unitThrown = true;                                                                     \
            unitWhat = unitE.what();                                                               \
        } catch (const std::exception& unitE) {                                                    \
            unit::fail(std::string(#expr " threw another exception: ") + unitE.what(), __FILE__,   \
                       __LINE__);                                                                  \
            return;                                                                                \
        }                                                                                          \
        if (!unitThrown) {                                                                         \
            unit::fail(#expr " did not throw " #ExcType, __FILE__, __LINE__);                      \
            return;                                                                                \
        }                                                                                          \
        if (unitWhat.find(fragment) == std::string::npos) {                                        \
            unit::fail("message \"" + unitWhat + "\" lacks \"" + std::string(fragment) + "\"",     \
                       __FILE__, __LINE__);                                                        \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define SKIP(message)                                                                              \
    do {                                                                                           \
        unit::skip(message, __FILE__, __LINE__);                                                   \
        return;                                                                                    \
    } while (0)
