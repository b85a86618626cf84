// Tokenizer and vocabulary behaviour a user notices: words and pieces,
// case and accents, special tokens, odd bytes, model folders and their errors.
#include "core/io/errors.h"
#include "core/text/tokenizer.h"
#include "tests/support/unit.h"

#include <thread>

using namespace issuebert;

namespace {

using Tokens = std::vector<std::string>;

std::string minilmDir() {
    return unit::sourcePath("tests/fixtures/minilm").string();
}

const Tokenizer& minilm() {
    static const Tokenizer tokenizer = Tokenizer::fromModelDir(minilmDir());
    return tokenizer;
}

// A vocabulary with the specials and the given tokens.
Vocab tinyVocab(const Tokens& extra) {
    Tokens tokens{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
    tokens.insert(tokens.end(), extra.begin(), extra.end());
    return Vocab::fromTokens(tokens);
}

TokenizerOptions cased(bool stripAccents = false) {
    TokenizerOptions options;
    options.lowerCase = false;
    options.stripAccents = stripAccents;
    return options;
}

} // namespace

TEST_CASE("tokenizer: Hello, World! becomes lower-case words and punctuation") {
    CHECK_EQ(minilm().tokenize("Hello, World!"), (Tokens{"hello", ",", "world", "!"}));
    CHECK_EQ(minilm().encodeIds("Hello, World!"),
             (std::vector<std::int32_t>{7592, 1010, 2088, 999}));
    CHECK_EQ(minilm().tokenize("The app crashes on start-up (v2.1)"),
             (Tokens{"the", "app", "crashes", "on", "start", "-", "up", "(", "v", "##2", ".", "1",
                     ")"}));
}

TEST_CASE("tokenizer: unknown words split greedily into the longest ## pieces") {
    const Tokenizer tokenizer(tinyVocab({"un", "una", "##aff", "##able", "##ffa", "##ble"}), {});
    // Longest first: "una" wins over "un" although "un ##aff ##able" would also cover it.
    CHECK_EQ(tokenizer.tokenize("unaffable"), (Tokens{"una", "##ffa", "##ble"}));
    // One uncoverable piece turns the whole word into [UNK], not just its tail.
    CHECK_EQ(tokenizer.tokenize("unaffablex"), (Tokens{"[UNK]"}));
    CHECK_EQ(minilm().tokenize("unaffable"), (Tokens{"una", "##ffa", "##ble"}));
}

TEST_CASE("tokenizer: accents are stripped uncased and kept cased") {
    const Vocab vocab = tinyVocab({"cafe", "café", "Cafe"});
    CHECK_EQ(Tokenizer(vocab, {}).tokenize("Café CAFÉ"), (Tokens{"cafe", "cafe"}));
    CHECK_EQ(Tokenizer(vocab, cased()).tokenize("café Café"), (Tokens{"café", "[UNK]"}));
    // strip_accents true without lower-casing: accents go, case stays.
    CHECK_EQ(Tokenizer(vocab, cased(true)).tokenize("Café"), (Tokens{"Cafe"}));
    // A decomposed accent (e + U+0301) is the same word as the precomposed one.
    CHECK_EQ(Tokenizer(vocab, cased()).tokenize("cafe\xCC\x81"), (Tokens{"café"}));
    CHECK_EQ(minilm().tokenize("Crème brûlée"), (Tokens{"cr", "##eme", "br", "##ule", "##e"}));
}

TEST_CASE("tokenizer: Turkish dotted I and German sharp s lower-case as Python does") {
    CHECK_EQ(minilm().tokenize("İstanbul"), (Tokens{"istanbul"}));
    const Tokenizer tokenizer(tinyVocab({"straße", "strasse"}), {});
    CHECK_EQ(tokenizer.tokenize("STRAßE Straße"), (Tokens{"straße", "straße"}));
}

TEST_CASE("tokenizer: a word over 100 characters becomes one [UNK]") {
    CHECK_EQ(minilm().tokenize(std::string(101, 'a')), (Tokens{"[UNK]"}));
    const Tokens hundred = minilm().tokenize(std::string(100, 'a'));
    CHECK(hundred.size() > 1);
    CHECK(hundred[0] != "[UNK]");
    // Punctuation splits first, so a long dotted path is not one long word.
    CHECK(minilm().tokenize(std::string(60, 'a') + "." + std::string(60, 'b')).size() > 3);
}

TEST_CASE("tokenizer: CJK ideographs are tokens of their own") {
    CHECK_EQ(minilm().tokenize("中文abc"), (Tokens{"中", "文", "abc"}));
    TokenizerOptions options;
    options.tokenizeChineseChars = false;
    const Tokenizer keep(tinyVocab({"中", "##文"}), options);
    CHECK_EQ(keep.tokenize("中文"), (Tokens{"中", "##文"}));
}

TEST_CASE("tokenizer: special tokens in text stay whole, look-alikes do not") {
    CHECK_EQ(minilm().tokenize("a[MASK]b"), (Tokens{"a", "[MASK]", "b"}));
    CHECK_EQ(minilm().tokenize("[CLS] hi [SEP]"), (Tokens{"[CLS]", "hi", "[SEP]"}));
    CHECK_EQ(minilm().encodeIds("[CLS][SEP]"), (std::vector<std::int32_t>{101, 102}));
    CHECK_EQ(minilm().tokenize("[cls]"), (Tokens{"[", "cl", "##s", "]"}));
    CHECK_EQ(minilm().tokenize("[ CLS ]"), (Tokens{"[", "cl", "##s", "]"}));
}

TEST_CASE("tokenizer: control, NUL and zero-width characters vanish inside words") {
    CHECK_EQ(minilm().tokenize(std::string("hel\0lo", 6)), (Tokens{"hello"}));
    CHECK_EQ(minilm().tokenize("hel\u200blo wor\u00adld"), (Tokens{"hello", "world"}));
    CHECK_EQ(minilm().tokenize("\x1b[31mred\x1b[0m"),
             (Tokens{"[", "31", "##m", "##red", "[", "0", "##m"}));
    // Tabs, newlines and Unicode spaces separate words.
    CHECK_EQ(minilm().tokenize("a\tb\nc\r\nd\u00a0e\u3000f\u2028g"),
             (Tokens{"a", "b", "c", "d", "e", "f", "g"}));
}

TEST_CASE("tokenizer: invalid UTF-8 bytes are dropped like U+FFFD") {
    CHECK_EQ(minilm().tokenize("hel\xfflo"), (Tokens{"hello"}));
    CHECK_EQ(minilm().tokenize("abc \xe2\x82"), (Tokens{"abc"}));
    CHECK_EQ(minilm().tokenize("\xc3("), (Tokens{"("})); // the '(' after a cut sequence survives
    CHECK_EQ(minilm().tokenize("\xed\xa0\x80x"), (Tokens{"x"})); // an encoded surrogate
}

TEST_CASE("tokenizer: empty and blank text give no tokens") {
    CHECK(minilm().tokenize("").empty());
    CHECK(minilm().tokenize(" \t\r\n\u3000\u200b").empty());
}

TEST_CASE("tokenizer: encodeIds appends to the ids already there") {
    std::vector<std::int32_t> ids{42};
    minilm().encodeIds("hello", ids);
    minilm().encodeIds("world", ids);
    CHECK_EQ(ids, (std::vector<std::int32_t>{42, 7592, 2088}));
}

TEST_CASE("tokenizer: threads tokenizing at once get the same ids as one") {
    const std::string text = "Ünïcödé text, 中文 and ΟΔΟΣ: the same from every thread.";
    const std::vector<std::int32_t> expected = minilm().encodeIds(text);
    std::vector<std::vector<std::int32_t>> got(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < got.size(); ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                got[t] = minilm().encodeIds(text);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    for (const auto& ids : got) {
        CHECK_EQ(ids, expected);
    }
}

TEST_CASE("vocab: a missing, empty or incomplete vocab.txt is an error naming the file") {
    const unit::TempDir dir;
    CHECK_THROWS_WITH(Vocab::load((dir.path() / "vocab.txt").string()), ModelError, "vocab.txt");
    CHECK_THROWS_WITH(Vocab::load(dir.write("vocab.txt", "")), ModelError, "vocab.txt: ");
    CHECK_THROWS_WITH(Vocab::load(dir.write("empty.txt", "")), ModelError, "empty");
    CHECK_THROWS_WITH(Vocab::load(dir.write("no-unk.txt", "[PAD]\n[CLS]\n[SEP]\nhello\n")),
                      ModelError, "no-unk.txt: the vocabulary has no [UNK]");
}

TEST_CASE("vocab: ids are line numbers, CRLF lines load, a later duplicate wins") {
    const unit::TempDir dir;
    const Vocab vocab =
        Vocab::load(dir.write("vocab.txt", "[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\nhi\r\nhi\r\nyo"));
    CHECK_EQ(vocab.size(), 7);
    CHECK_EQ(vocab.padId(), 0);
    CHECK_EQ(vocab.sepId(), 3);
    CHECK_EQ(vocab.maskId(), -1);
    CHECK_EQ(vocab.find("hi").value_or(-1), 5);
    CHECK_EQ(vocab.find("yo").value_or(-1), 6);
    CHECK_EQ(vocab.token(4), std::string("hi"));
    CHECK(!vocab.find("hi\r"));
    CHECK_EQ(Tokenizer(vocab, {}).encodeIds("hi"), (std::vector<std::int32_t>{5}));
}

TEST_CASE("tokenizer: a model folder reads tokenizer_config.json") {
    const unit::TempDir dir;
    dir.write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\nHello\n");
    // No tokenizer_config.json: BertTokenizer's default, do_lower_case true.
    CHECK_EQ(Tokenizer::fromModelDir(dir.path().string()).tokenize("Hello"), (Tokens{"hello"}));
    CHECK(Tokenizer::fromModelDir(dir.path().string()).options().stripAccents);
    dir.write("tokenizer_config.json", R"({"do_lower_case": false, "strip_accents": null})");
    const Tokenizer tokenizer = Tokenizer::fromModelDir(dir.path().string());
    CHECK_EQ(tokenizer.tokenize("Hello"), (Tokens{"Hello"}));
    CHECK(!tokenizer.options().lowerCase);
    CHECK(!tokenizer.options().stripAccents); // null follows do_lower_case
    dir.write("tokenizer_config.json", R"({"do_lower_case": true, "strip_accents": false})");
    CHECK(!Tokenizer::fromModelDir(dir.path().string()).options().stripAccents);
}

TEST_CASE("tokenizer: bad model folders are errors naming what is wrong") {
    const unit::TempDir dir;
    const std::string missing = (dir.path() / "no-such-model").string();
    CHECK_THROWS_WITH(Tokenizer::fromModelDir(missing), ModelError, "no-such-model");
    CHECK_THROWS_WITH(Tokenizer::fromModelDir(dir.path().string()), ModelError, "vocab.txt");
    dir.write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n");
    dir.write("tokenizer_config.json", "{\"do_lower_case\": tru");
    CHECK_THROWS_WITH(Tokenizer::fromModelDir(dir.path().string()), ModelError,
                      "tokenizer_config.json: not valid JSON");
    dir.write("tokenizer_config.json", R"({"do_lower_case": "yes"})");
    CHECK_THROWS_WITH(Tokenizer::fromModelDir(dir.path().string()), ModelError,
                      "tokenizer_config.json: field \"do_lower_case\" must be true, false or "
                      "null, got string");
    dir.write("tokenizer_config.json", R"({"do_lower_case": [[1]]})");
    CHECK_THROWS_WITH(Tokenizer::fromModelDir(dir.path().string()), ModelError,
                      "field \"do_lower_case\" must be true, false or null, got array");
    // A deeply nested value is refused before it is parsed (walking it would recurse).
    const std::size_t depth = 1000000;
    dir.write("tokenizer_config.json",
              "{\"do_lower_case\": " + std::string(depth, '[') + std::string(depth, ']') + "}");
    CHECK_THROWS_WITH(Tokenizer::fromModelDir(dir.path().string()), ModelError,
                      "tokenizer_config.json: nested more than 100 levels deep");
}
