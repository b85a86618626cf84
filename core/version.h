// IssueBERT's version, for --version and the About box.
#pragma once

namespace issuebert {
// The release this build is.
inline constexpr const char* kVersion = "0.1.0";
} // namespace issuebert
