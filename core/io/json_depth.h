// How deeply a JSON text nests, from the text alone. Every JSON file IssueBERT
// reads is checked with jsonTooDeep before it is parsed: nlohmann parses and
// frees any depth without recursion, but copying a value, comparing it or
// printing it in an error message recurses once per level, so a hostile file
// nested 300,000 levels deep would exhaust the stack. Real files nest a few
// levels. Free of LibTorch, Qt and nlohmann.
#pragma once

#include <string>
#include <string_view>

namespace issuebert {

// The deepest nesting accepted.
inline constexpr int kMaxJsonDepth = 100;

// The deepest nesting of [ and { in text, counted outside strings; counting
// stops at limit + 1. Does not check that text is valid JSON.
int jsonNestingDepth(std::string_view text, int limit = kMaxJsonDepth);

// Whether text nests deeper than kMaxJsonDepth.
inline bool jsonTooDeep(std::string_view text) {
    return jsonNestingDepth(text) > kMaxJsonDepth;
}

// For messages: "nested more than 100 levels deep".
std::string jsonDepthMessage();

} // namespace issuebert
