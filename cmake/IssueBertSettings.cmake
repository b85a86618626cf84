# The one INTERFACE target that carries the language level, warnings and sanitizers.
add_library(issuebert_settings INTERFACE)
target_compile_features(issuebert_settings INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)

target_compile_options(issuebert_settings INTERFACE
  -Wall -Wextra -Wpedantic -Wold-style-cast -Wnon-virtual-dtor -Wshadow=local
  -Wimplicit-fallthrough)
# GCC 12 at -O3 reports false -Wrestrict, -Wstringop-overflow and -Warray-bounds hits inside
# std::string's operator+ (GCC bugs 105329, 105651); they are off there so
# Release builds stay -Werror clean.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(issuebert_settings INTERFACE -Wno-restrict -Wno-stringop-overflow -Wno-array-bounds)
endif()
# Debian's libtorch_cpu pulls in Qt 5 (through OpenCV's highgui), so Qt 5 and
# Qt 6 share every process that links both. Without this, an unoptimised build
# exports Qt 6 inline functions (QByteArray::append(const char*)) from the
# executable, Qt 5's libraries bind to them at start-up and crash. Hidden
# inlines keep each Qt's symbols its own.
target_compile_options(issuebert_settings INTERFACE -fvisibility-inlines-hidden)
if(ISSUEBERT_WERROR)
  target_compile_options(issuebert_settings INTERFACE -Werror)
endif()

if(ISSUEBERT_SANITIZE)
  target_compile_options(issuebert_settings INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(issuebert_settings INTERFACE -fsanitize=address,undefined)
endif()

# Paths the tests and benchmarks find their inputs under.
set(ISSUEBERT_SOURCE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
