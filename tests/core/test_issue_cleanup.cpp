// Issue-text clean-up: each step does what its word says, leaves the rest of
// the text alone, keeps UTF-8 valid, and the settings word round-trips.
#include "core/data/issue_encoding.h"
#include "core/text/encoder.h"
#include "core/text/issue_cleanup.h"
#include "core/text/utf8.h"
#include "tests/support/unit.h"

#include <string>

using namespace issuebert;

namespace {

std::string clean(const std::string& text, unsigned steps) {
    return cleanIssueText(text, TextCleanup{steps});
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("cleanup: nothing asked, nothing changed") {
    const std::string text = "<!-- a --> ```x``` at a.b(C.java:1) https://x.org/y /a/b/c/d/e";
    CHECK_EQ(clean(text, 0), text);
}

TEST_CASE("cleanup: template comments go, the words around them stay") {
    const std::string text = "Crash on start\n<!-- Please describe the bug. -->\nIt segfaults"
                             "<!--\nmulti\nline\n-->!";
    const std::string out = clean(text, kCleanComments);
    CHECK(!contains(out, "Please describe"));
    CHECK(!contains(out, "multi"));
    CHECK(contains(out, "Crash on start"));
    CHECK(contains(out, "It segfaults"));
    CHECK(contains(out, "!"));
    // Unterminated: GitHub hides the rest unless it sits in code; we keep it
    // rather than risk dropping a whole description.
    const std::string unclosed = "```html\n<!-- unterminated\n```\nThe real description";
    CHECK_EQ(clean(unclosed, kCleanComments), unclosed);
}

TEST_CASE("cleanup: unticked checklist lines go, ticked ones and prose stay") {
    const std::string text = "Steps:\n- [ ] I searched the issues\n  * [ ] I read the docs\n"
                             "- [x] I use the latest version\n- a plain item\n";
    const std::string out = clean(text, kCleanChecklists);
    CHECK(!contains(out, "searched"));
    CHECK(!contains(out, "read the docs"));
    CHECK(contains(out, "[x] I use the latest version"));
    CHECK(contains(out, "- a plain item"));
    CHECK(contains(out, "Steps:"));
}

TEST_CASE("cleanup: long code blocks are cut, short ones and unclosed fences kept") {
    const std::string longCode(1000, 'x');
    const std::string out = clean("before ```js\n" + longCode + "\n``` after", kCleanCode);
    CHECK(contains(out, "before ```js"));
    CHECK(contains(out, " ... ```"));
    CHECK(contains(out, " after"));
    CHECK(out.size() < 260);
    const std::string shortCode =
        "a ```\nint x;\n``` b ~~~\ny\n~~~ c ````\n```\nnested\n```\n```` d";
    CHECK_EQ(clean(shortCode, kCleanCode), shortCode);
    // Flattened text loses its lines: an unclosed fence may not be code at all.
    const std::string unclosed = "see ``` " + longCode;
    CHECK_EQ(clean(unclosed, kCleanCode), unclosed);
}

TEST_CASE("cleanup: a cut never splits a UTF-8 character") {
    std::string code;
    for (int i = 0; i < 150; ++i) {
        code += "é"; // two bytes: byte 200 falls inside one
    }
    code = "x" + code;
    const std::string out = clean("```" + code + "```", kCleanCode);
    std::string repaired = out;
    Utf8Repair repair;
    sanitizeUtf8(repaired, repair);
    CHECK_EQ(repair.invalid, 0LL);
    CHECK(contains(out, " ... "));
}

TEST_CASE("cleanup: stack traces keep their first three frames") {
    const std::string java = "NPE\njava.lang.NullPointerException\n\tat sun.X.y(Native Method)\n"
                             "\tat com.a.B.one(B.java:1)\n\tat com.a.B.two(B.java:2)\n"
                             "\tat com.a.B.three(B.java:3)\n\tat com.a.B.four(B.java:4)\n"
                             "\tat com.a.B.five(B.java:5)\nafter the trace";
    const std::string out = clean(java, kCleanTraces);
    CHECK(contains(out, "Native Method"));
    CHECK(contains(out, "B.two(B.java:2)"));
    CHECK(!contains(out, "three"));
    CHECK(!contains(out, "four"));
    CHECK(!contains(out, "five"));
    CHECK(contains(out, "after the trace"));
    // Flattened on one line, and JavaScript's "name (file:line:col)".
    const std::string js = "TypeError: x at f (/a.js:1:2) at g (/a.js:3:4) at h (/b.js:5:6) "
                           "at Object.<anonymous> (/c.js:7:8) at Module._compile (m.js:9:1) end";
    const std::string flat = clean(js, kCleanTraces);
    CHECK(contains(flat, "at h (/b.js:5:6)"));
    CHECK(!contains(flat, "_compile"));
    CHECK(contains(flat, "end"));
    // Three frames or fewer: nothing to cut.
    const std::string shortTrace = "at a.b(C.java:1) at a.c(C.java:2)";
    CHECK_EQ(clean(shortTrace, kCleanTraces), shortTrace);
    // Prose with "at" is not a frame.
    const std::string prose =
        "look at the.docs (please) at noon at home.page (twice) at it (a:b) at last at a.b(x)";
    CHECK_EQ(clean(prose, kCleanTraces), prose);
}

TEST_CASE("cleanup: Python tracebacks keep their first frames and the failing line") {
    std::string trace = "Traceback (most recent call last):\n";
    for (int i = 1; i <= 6; ++i) {
        trace += "  File \"/src/mod" + std::to_string(i) + ".py\", line " + std::to_string(i) +
                 ", in f" + std::to_string(i) + "\n    call" + std::to_string(i) + "()\n";
    }
    trace += "ValueError: bad\n\nDuring handling of the above exception, another occurred:\n"
             "Traceback (most recent call last):\n  File \"/app/x.py\", line 9, in g\n";
    const std::string out = clean(trace, kCleanTraces);
    CHECK(contains(out, "mod3.py"));
    CHECK(!contains(out, "mod4.py"));
    CHECK(!contains(out, "mod5.py"));
    CHECK(contains(out, "mod6.py\", line 6, in f6"));
    CHECK(contains(out, "call6()"));
    CHECK(contains(out, "ValueError: bad"));
    CHECK(contains(out, "/app/x.py\", line 9, in g"));
}

TEST_CASE("cleanup: URLs become their host, long paths their last two parts") {
    const std::string out =
        clean("see https://www.github.com/org/repo/issues/12?x=1 and (http://example.org/a) "
              "in /Users/psp/scratch/cobra/src/Main.scala or C:\\Users\\me\\app\\bin\\run.exe "
              "but /usr/bin stays",
              kCleanUrls);
    CHECK(contains(out, "see github.com and"));
    CHECK(contains(out, "(example.org)"));
    CHECK(contains(out, "in src/Main.scala or"));
    CHECK(contains(out, "bin\\run.exe"));
    CHECK(contains(out, "/usr/bin stays"));
    CHECK(!contains(out, "psp"));
}

TEST_CASE("cleanup: a URL or path after '=' is shortened; '=' in a URL's query is not cut") {
    const std::string out =
        clean("url=https://www.example.com/a/b?c=d --log=/var/lib/app/logs/today.log key=value",
              kCleanUrls);
    CHECK_EQ(out, std::string("url=example.com --log=logs/today.log key=value"));
}

TEST_CASE("cleanup: the settings word round-trips; unknown words are refused") {
    CHECK_EQ(cleanupName(TextCleanup{}), std::string("none"));
    CHECK_EQ(cleanupName(TextCleanup{kCleanAll}), std::string("all"));
    CHECK_EQ(cleanupName(TextCleanup{kCleanComments | kCleanUrls}), std::string("comments,urls"));
    CHECK(parseCleanup("comments,urls") == TextCleanup{kCleanComments | kCleanUrls});
    CHECK(parseCleanup("all") == TextCleanup{kCleanAll});
    CHECK(parseCleanup("none") == TextCleanup{});
    CHECK(!parseCleanup("comments,typo").has_value());
    CHECK(!parseCleanup("").has_value());
    CHECK(!parseCleanup("comments,").has_value());
}

TEST_CASE("cleanup: the encoder cleans an issue before tokenizing, alone and as a pair") {
    const Tokenizer tokenizer(Vocab::fromTokens({"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
                                                 "crash", "boom", "template", "text"}),
                              {});
    Issue issue;
    issue.title = "Crash";
    issue.body = "<!-- template text --> boom";
    EncoderOptions options;
    options.padToMaxLength = false;
    const Encoder raw(tokenizer, options);
    // [CLS] crash < ! - - template text - - > boom [SEP]: the marks are [UNK]s here.
    CHECK_EQ(encodeIssue(raw, issue).inputIds.size(), std::size_t{13});
    options.cleanup.steps = kCleanComments;
    const Encoder cleaned(tokenizer, options);
    CHECK(encodeIssue(cleaned, issue).inputIds == (std::vector<std::int32_t>{2, 5, 6, 3}));
    options.pairTitleBody = true;
    const Encoder pair(tokenizer, options);
    CHECK(encodeIssue(pair, issue).inputIds == (std::vector<std::int32_t>{2, 5, 3, 6, 3}));
}
