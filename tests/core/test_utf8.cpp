// UTF-8 repair: what a user's broken files turn into, matching Python's
// bytes.decode("utf-8", errors="replace") so tokens match the reference.
#include "core/text/utf8.h"
#include "tests/support/unit.h"

using issuebert::Utf8Repair;

namespace {

std::string repaired(std::string text, Utf8Repair* repair = nullptr) {
    Utf8Repair local;
    issuebert::sanitizeUtf8(text, repair != nullptr ? *repair : local);
    return text;
}

const std::string kFffd = "\xEF\xBF\xBD";

} // namespace

TEST_CASE("utf8: well-formed text is left exactly as it is") {
    const std::string text = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x90\x9B bug";
    Utf8Repair repair;
    CHECK_EQ(repaired(text, &repair), text);
    CHECK_EQ(repair.invalid, 0);
    CHECK_EQ(repair.nul, 0);
}

TEST_CASE("utf8: NUL bytes are dropped and counted") {
    Utf8Repair repair;
    CHECK_EQ(repaired(std::string("a\0b\0", 4), &repair), "ab");
    CHECK_EQ(repair.nul, 2);
    CHECK_EQ(repair.invalid, 0);
}

TEST_CASE("utf8: a truncated sequence becomes one replacement character") {
    Utf8Repair repair;
    CHECK_EQ(repaired("\xE2\x82", &repair), kFffd);
    CHECK_EQ(repaired("\xE2\x82x"), kFffd + "x");
    CHECK_EQ(repair.invalid, 1);
}

TEST_CASE("utf8: overlong, surrogate and out-of-range forms replace each maximal subpart") {
    CHECK_EQ(repaired("\xF0\x80\x80"), kFffd + kFffd + kFffd);
    CHECK_EQ(repaired("\xED\xA0\x80"), kFffd + kFffd + kFffd);
    CHECK_EQ(repaired("\xC0\xAF"), kFffd + kFffd);
    CHECK_EQ(repaired("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);
    Utf8Repair repair;
    CHECK_EQ(repaired("ok\xFFok", &repair), "ok" + kFffd + "ok");
    CHECK_EQ(repair.invalid, 1);
}

TEST_CASE("utf8: code points are counted, not bytes") {
    CHECK_EQ(issuebert::codepointCount("caf\xC3\xA9"), 4U);
    CHECK_EQ(issuebert::codepointCount("\xF0\x9F\x90\x9B"), 1U);
    CHECK_EQ(issuebert::codepointCount(""), 0U);
}

TEST_CASE("utf8: appendUtf8 encodes every length") {
    std::string out;
    issuebert::appendUtf8(out, U'A');
    issuebert::appendUtf8(out, U'\u00E9');
    issuebert::appendUtf8(out, U'\u20AC');
    issuebert::appendUtf8(out, U'\U0001F41B');
    CHECK_EQ(out, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x90\x9B");
}
