// The tokenizer against Hugging Face: every string of the committed fixture
// (tests/reference/make_tokenizer_fixture.py) must give the same ids.
#include "core/data/issue.h"
#include "core/text/encoder.h"
#include "core/text/tokenizer.h"
#include "core/text/unicode.h"
#include "core/text/utf8.h"
#include "tests/support/unit.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace issuebert;

namespace {

// Mismatches printed in full before the rest are only counted.
constexpr int kShownMismatches = 8;

nlohmann::json loadFixture() {
    std::ifstream in(unit::sourcePath("tests/fixtures/tokenizer/parity.json"));
    return nlohmann::json::parse(in);
}

const Vocab& vocab() {
    static const Vocab v =
        Vocab::load(unit::sourcePath("tests/fixtures/minilm/vocab.txt").string());
    return v;
}

// The text with invisible characters (controls, format, spaces but ' ') spelled as \u{...}.
std::string visible(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size() && out.size() < 160;) {
        const char32_t cp = unicode::decodeNext(text, i);
        const unicode::CharKind kind = unicode::kindOf(cp);
        if (cp == ' ' || kind == unicode::CharKind::Char || kind == unicode::CharKind::Chinese) {
            appendUtf8(out, cp);
        } else {
            char buf[16];
            std::snprintf(buf, sizeof buf, "\\u{%X}", static_cast<unsigned>(cp));
            out += buf;
        }
    }
    return out;
}

std::string pieces(const std::vector<std::int32_t>& ids) {
    std::string out;
    for (const std::int32_t id : ids) {
        out +=
            (out.empty() ? "" : " ") + (id >= 0 && id < vocab().size() ? vocab().token(id) : "?");
    }
    return visible(out);
}

// Compares one configuration over all cases; returns the number of mismatches.
int compareAll(const Tokenizer& tokenizer, const char* field, int& compared) {
    const nlohmann::json fixture = loadFixture();
    int mismatches = 0;
    for (const auto& item : fixture.at("cases")) {
        const auto text = item.at("text").get<std::string>();
        const auto expected = item.at(field).get<std::vector<std::int32_t>>();
        const std::vector<std::int32_t> actual = tokenizer.encodeIds(text);
        ++compared;
        if (actual != expected && ++mismatches <= kShownMismatches) {
            std::printf("  %s mismatch (%s) for \"%s\"\n    expected: %s\n    actual:   %s\n",
                        field, item.at("source").get<std::string>().c_str(), visible(text).c_str(),
                        pieces(expected).c_str(), pieces(actual).c_str());
        }
    }
    if (mismatches > 0) {
        std::printf("  %d of %d %s texts differ\n", mismatches, compared, field);
    }
    return mismatches;
}

} // namespace

TEST_CASE("parity: uncased ids equal Hugging Face's for every fixture text") {
    const Tokenizer tokenizer =
        Tokenizer::fromModelDir(unit::sourcePath("tests/fixtures/minilm").string());
    int compared = 0;
    CHECK_EQ(compareAll(tokenizer, "uncased", compared), 0);
    CHECK(compared >= 200);
}

TEST_CASE("parity: cased ids (do_lower_case false) equal Hugging Face's for every fixture text") {
    TokenizerOptions options;
    options.lowerCase = false;
    options.stripAccents = false; // strip_accents None follows do_lower_case
    const Tokenizer tokenizer(vocab(), options);
    int compared = 0;
    CHECK_EQ(compareAll(tokenizer, "cased", compared), 0);
    CHECK(compared >= 200);
}

TEST_CASE("parity: encoder inputs equal Hugging Face's with longest_first truncation") {
    const Tokenizer tokenizer =
        Tokenizer::fromModelDir(unit::sourcePath("tests/fixtures/minilm").string());
    const nlohmann::json fixture = loadFixture();
    int checked = 0;
    for (const auto& item : fixture.at("encodings")) {
        EncoderOptions options;
        options.maxLength = item.at("max_length").get<int>();
        const Encoder encoder(tokenizer, options);
        const auto text = item.at("text").get<std::string>();
        const Encoding got = item.at("pair").is_null()
                                 ? encoder.encode(text)
                                 : encoder.encodePair(text, item.at("pair").get<std::string>());
        CHECK_EQ(got.inputIds, item.at("input_ids").get<std::vector<std::int32_t>>());
        CHECK_EQ(got.tokenTypeIds, item.at("token_type_ids").get<std::vector<std::int32_t>>());
        CHECK_EQ(got.attentionMask, item.at("attention_mask").get<std::vector<std::int32_t>>());
        ++checked;
    }
    CHECK(checked > 0);
}

TEST_CASE("parity: the fixture holds every text of the bundled sample dataset") {
    const nlohmann::json fixture = loadFixture();
    for (const char* name : {"train.json", "test.json"}) {
        const auto path = unit::sourcePath(std::string("resources/sample/") + name);
        std::ifstream in(path);
        CHECK(in.good()); // the sample is committed: its absence is a failure, not a skip
        if (!in) {
            continue;
        }
        std::vector<std::string> texts;
        for (const auto& record : nlohmann::json::parse(in)) {
            Issue issue;
            for (const auto& [key, value] : record.items()) {
                if (value.is_string() && (key == "Title" || key == "title")) {
                    issue.title = value.get<std::string>();
                } else if (value.is_string() && (key == "Body" || key == "body")) {
                    issue.body = value.get<std::string>();
                }
            }
            texts.push_back(issue.text());
        }
        std::vector<std::string> inFixture;
        for (const auto& item : fixture.at("cases")) {
            if (item.at("source") == name) {
                inFixture.push_back(item.at("text").get<std::string>());
            }
        }
        // A difference means a stale fixture: re-run tests/reference/make_tokenizer_fixture.py.
        CHECK_EQ(inFixture.size(), texts.size());
        CHECK(inFixture == texts);
    }
}
