// Encoder behaviour: [CLS]/[SEP], padding and masks, head and head+tail
// truncation at exact positions, pairs with longest_first, bulk encoding.
#include "core/data/issue_encoding.h"
#include "core/io/errors.h"
#include "core/text/encoder.h"
#include "tests/support/unit.h"

using namespace issuebert;

namespace {

using Ids = std::vector<std::int32_t>;

// Tokens t0..t599 take ids 5..604, so a text "t0 t1 ..." has known ids.
constexpr int kFirstWordId = 5;
constexpr int kWords = 600;

const Tokenizer& numbered() {
    static const Tokenizer tokenizer = [] {
        std::vector<std::string> tokens{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
        for (int i = 0; i < kWords; ++i) {
            tokens.push_back("t" + std::to_string(i));
        }
        return Tokenizer(Vocab::fromTokens(tokens), {});
    }();
    return tokenizer;
}
constexpr std::int32_t kPad = 0;
constexpr std::int32_t kCls = 2;
constexpr std::int32_t kSep = 3;

// "t<from> ... t<to-1>".
std::string words(int from, int to) {
    std::string text;
    for (int i = from; i < to; ++i) {
        text += (text.empty() ? "t" : " t") + std::to_string(i);
    }
    return text;
}

// The ids of words(from, to).
Ids ids(int from, int to) {
    Ids out;
    for (int i = from; i < to; ++i) {
        out.push_back(kFirstWordId + i);
    }
    return out;
}

Ids concat(std::initializer_list<Ids> parts) {
    Ids out;
    for (const Ids& part : parts) {
        out.insert(out.end(), part.begin(), part.end());
    }
    return out;
}

Encoder encoder(int maxLength, Truncation truncation = Truncation::Head, bool pad = true) {
    EncoderOptions options;
    options.maxLength = maxLength;
    options.truncation = truncation;
    options.padToMaxLength = pad;
    return Encoder(numbered(), options);
}

} // namespace

TEST_CASE("encoder: a short text is [CLS] tokens [SEP] padded with [PAD] under mask 0") {
    const Encoding e = encoder(10).encode(words(0, 3));
    CHECK_EQ(e.inputIds, concat({{kCls}, ids(0, 3), {kSep, kPad, kPad, kPad, kPad, kPad}}));
    CHECK_EQ(e.attentionMask, (Ids{1, 1, 1, 1, 1, 0, 0, 0, 0, 0}));
    CHECK_EQ(e.tokenTypeIds, Ids(10, 0));
    CHECK_EQ(e.tokenCount, 3);
    CHECK(!e.truncated);
}

TEST_CASE("encoder: without padding the input is as long as its tokens") {
    const Encoding e = encoder(10, Truncation::Head, false).encode(words(0, 3));
    CHECK_EQ(e.inputIds, concat({{kCls}, ids(0, 3), {kSep}}));
    CHECK_EQ(e.attentionMask, Ids(5, 1));
    CHECK_EQ(e.tokenTypeIds, Ids(5, 0));
    const Encoding empty = encoder(10, Truncation::Head, false).encode("");
    CHECK_EQ(empty.inputIds, (Ids{kCls, kSep}));
}

TEST_CASE("encoder: head truncation keeps the first maxLength - 2 tokens") {
    const Encoding e = encoder(150).encode(words(0, 400));
    CHECK_EQ(e.inputIds, concat({{kCls}, ids(0, 148), {kSep}}));
    CHECK_EQ(e.attentionMask, Ids(150, 1));
    CHECK_EQ(e.tokenCount, 400);
    CHECK(e.truncated);
    // Exactly maxLength - 2 tokens fit without truncation.
    const Encoding exact = encoder(150).encode(words(0, 148));
    CHECK(!exact.truncated);
    CHECK_EQ(exact.inputIds.back(), kSep);
}

TEST_CASE("encoder: head+tail keeps the first 128 and the last maxLength - 130 tokens") {
    const Encoding e = encoder(300, Truncation::HeadTail).encode(words(0, 500));
    CHECK_EQ(e.inputIds, concat({{kCls}, ids(0, 128), ids(330, 500), {kSep}}));
    CHECK_EQ(e.inputIds.size(), std::size_t{300});
    CHECK_EQ(e.tokenCount, 500);
    CHECK(e.truncated);
    // Text that fits is not cut at all.
    const Encoding fits = encoder(300, Truncation::HeadTail, false).encode(words(0, 298));
    CHECK_EQ(fits.inputIds, concat({{kCls}, ids(0, 298), {kSep}}));
}

TEST_CASE("encoder: head+tail under 258 splits the budget in half, the tail taking the odd one") {
    const Encoding e = encoder(150, Truncation::HeadTail).encode(words(0, 400));
    CHECK_EQ(e.inputIds, concat({{kCls}, ids(0, 74), ids(326, 400), {kSep}}));
    const Encoding odd = encoder(9, Truncation::HeadTail).encode(words(0, 20));
    CHECK_EQ(odd.inputIds, concat({{kCls}, ids(0, 3), ids(16, 20), {kSep}}));
}

TEST_CASE("encoder: a pair is [CLS] A [SEP] B [SEP] with token types 0 then 1") {
    const Encoding e = encoder(12).encodePair(words(0, 2), words(10, 13));
    CHECK_EQ(e.inputIds,
             concat({{kCls}, ids(0, 2), {kSep}, ids(10, 13), {kSep, kPad, kPad, kPad, kPad}}));
    CHECK_EQ(e.tokenTypeIds, (Ids{0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0}));
    CHECK_EQ(e.attentionMask, (Ids{1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}));
    CHECK_EQ(e.tokenCount, 5);
    CHECK(!e.truncated);
}

TEST_CASE("encoder: longest_first trims the longer segment first, the second on a tie") {
    // Budget 17: A has 4, B has 30 -> B is cut to 13.
    const Encoding e = encoder(20).encodePair(words(0, 4), words(100, 130));
    CHECK_EQ(e.inputIds, concat({{kCls}, ids(0, 4), {kSep}, ids(100, 113), {kSep}}));
    CHECK_EQ(e.tokenCount, 34);
    CHECK(e.truncated);
    // Equal lengths: 43 tokens go, 21 from A and 22 from B (the second loses the odd one).
    const Encoding both = encoder(20).encodePair(words(0, 30), words(100, 130));
    CHECK_EQ(both.inputIds, concat({{kCls}, ids(0, 9), {kSep}, ids(100, 108), {kSep}}));
    const Encoding longerA = encoder(20).encodePair(words(0, 30), words(100, 103));
    CHECK_EQ(longerA.inputIds, concat({{kCls}, ids(0, 14), {kSep}, ids(100, 103), {kSep}}));
}

TEST_CASE("encoder: max length outside [8, 512] is refused") {
    CHECK_THROWS_WITH(encoder(7), DataError, "max length must be between 8 and 512, got 7");
    CHECK_THROWS_WITH(encoder(513), DataError, "got 513");
    CHECK_EQ(encoder(8).encode(words(0, 10)).inputIds.size(), std::size_t{8});
    CHECK_EQ(encoder(512).encode(words(0, 600)).inputIds.size(), std::size_t{512});
}

TEST_CASE("encoder: an issue is title + body, or a title/body pair") {
    const Issue issue{"7", words(0, 2), words(2, 5), 1};
    const Encoding joined = encodeIssue(encoder(10, Truncation::Head, false), issue);
    CHECK_EQ(joined.inputIds, concat({{kCls}, ids(0, 5), {kSep}}));
    EncoderOptions options;
    options.maxLength = 10;
    options.pairTitleBody = true;
    options.padToMaxLength = false;
    const Encoding pair = encodeIssue(Encoder(numbered(), options), issue);
    CHECK_EQ(pair.inputIds, concat({{kCls}, ids(0, 2), {kSep}, ids(2, 5), {kSep}}));
    CHECK_EQ(pair.tokenTypeIds, (Ids{0, 0, 0, 0, 1, 1, 1, 1}));
}

namespace {

std::vector<Issue> manyIssues(int count) {
    std::vector<Issue> issues;
    issues.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        issues.push_back({std::to_string(i), words(i % 50, i % 50 + 3), words(0, i % 200), 0});
    }
    return issues;
}

} // namespace

TEST_CASE("encoder: encodeAll equals encoding one by one, on any number of threads") {
    const std::vector<Issue> issues = manyIssues(3000);
    const Encoder enc = encoder(64, Truncation::HeadTail);
    for (const int threads : {1, 2, 4, 0}) {
        std::size_t lastDone = 0;
        std::size_t lastTotal = 0;
        const std::vector<Encoding> all =
            encodeAll(enc, issues, threads, [&](std::size_t d, std::size_t t) {
                CHECK(d >= lastDone);
                lastDone = d;
                lastTotal = t;
            });
        CHECK_EQ(all.size(), issues.size());
        CHECK_EQ(lastDone, issues.size()); // the last report says everything is done
        CHECK_EQ(lastTotal, issues.size());
        for (std::size_t i = 0; i < issues.size(); i += 7) {
            const Encoding one = encodeIssue(enc, issues[i]);
            CHECK_EQ(all[i].inputIds, one.inputIds);
            CHECK_EQ(all[i].attentionMask, one.attentionMask);
            CHECK_EQ(all[i].tokenCount, one.tokenCount);
        }
    }
    CHECK(encodeAll(enc, {}, 2).empty());
}

TEST_CASE("encoder: encodeAll and tokenLengths stop with CancelledError when cancelled") {
    const std::vector<Issue> issues = manyIssues(20000);
    std::atomic<bool> cancel{true};
    CHECK_THROWS_WITH(encodeAll(encoder(64), issues, 2, {}, &cancel), CancelledError, "cancelled");
    CHECK_THROWS_WITH(tokenLengths(numbered(), issues, {}, 1, {}, &cancel), CancelledError,
                      "cancelled");
    // Cancelled from the progress callback, as a Stop button does: the first
    // report comes before any work, so nothing more is encoded after it.
    cancel = false;
    std::size_t seen = 0;
    CHECK_THROWS_WITH(encodeAll(
                          encoder(64), issues, 2,
                          [&](std::size_t done, std::size_t) {
                              seen = done;
                              cancel = true;
                          },
                          &cancel),
                      CancelledError, "cancelled");
    CHECK_EQ(seen, std::size_t{0});
}

TEST_CASE("encoder: tokenLengths counts word pieces without specials or truncation") {
    const std::vector<Issue> issues{
        {"1", "", words(0, 400), 0}, {"2", words(0, 2), words(0, 3), 0}, {"3", "", "", 0}};
    CHECK_EQ(tokenLengths(numbered(), issues, {}, 2), (std::vector<int>{400, 5, 0}));
}

TEST_CASE("encoder: tokenLengths counts the text as cleaned, as the model sees it") {
    const std::vector<Issue> issues{{"1", "t1", "<!-- t2 t3 t4 t5 t6 --> t7", 0},
                                    {"2", "t1", "t2 t3", 0}};
    const std::vector<int> raw = tokenLengths(numbered(), issues, {}, 1);
    CHECK(raw[0] > 7); // the comment's words and punctuation count
    CHECK_EQ(tokenLengths(numbered(), issues, TextCleanup{kCleanComments}, 1),
             (std::vector<int>{2, 3}));
    CHECK_EQ(raw[1], 3);
}
