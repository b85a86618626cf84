// `issuebert-cli explain`: one issue classified by a fine-tuned model, and the
// words that pushed it towards a class and away from it.
#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/format.h"
#include "app/cli/model_args.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace issuebert::cli {

namespace {

constexpr const char* kExplainHead =
    R"(usage: issuebert-cli explain --model DIR --title T --body B [options]

Classify one issue and show why: each class's probability, then the words
that pushed towards the explained class and those that pushed away from it,
strongest first (gradient x input on the word embeddings, WordPiece pieces
joined into words).

)";

const Usage kExplainUsage = {
    kExplainHead,
    {{"Options:",
      OptionTable{{"model", "DIR", "a fine-tuned model folder (a run's best/)"},
                  {"title", "T", "the issue's title"},
                  {"body", "B", "the issue's body (give a title, a body or both)"},
                  {"class", "NAME", "the class to explain (default: the predicted one)"},
                  {"top", "N", "words shown each way (default 10)"}} +
          hardwareOptionTable() +
          OptionTable{{"json", nullptr,
                       "everything as one JSON object: probabilities,\n"
                       "every word and every token with its score"},
                      kHelpOption}}},
    "\nExit codes: 0 done, 1 internal fault, 2 bad input.\n",
    kHelpColumn};

// Words shown each way without --top.
constexpr int kDefaultTopWords = 10;

void printExplainJson(const Predictor& predictor, const Attribution& a) {
    const auto& labels = predictor.labels();
    nlohmann::ordered_json out;
    out["labels"] = labels;
    out["probabilities"] = nlohmann::ordered_json::object();
    for (std::size_t c = 0; c < labels.size() && c < a.probabilities.size(); ++c) {
        out["probabilities"][labels[c]] = a.probabilities[c];
    }
    const auto best = std::max_element(a.probabilities.begin(), a.probabilities.end());
    out["predicted"] = labels[static_cast<std::size_t>(best - a.probabilities.begin())];
    out["explained"] = labels[static_cast<std::size_t>(a.explainedClass)];
    out["truncated"] = a.truncated;
    out["words"] = nlohmann::ordered_json::array();
    for (const WordAttribution& w : a.words) {
        out["words"].push_back({{"word", w.word}, {"score", w.score}});
    }
    out["tokens"] = nlohmann::ordered_json::array();
    for (const TokenAttribution& t : a.tokens) {
        out["tokens"].push_back({{"token", t.token}, {"score", t.score}});
    }
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

// Up to top words scoring on one side of zero, strongest first.
std::vector<WordAttribution> strongest(const std::vector<WordAttribution>& words, int top,
                                       bool towards) {
    std::vector<WordAttribution> picked;
    for (const WordAttribution& w : words) {
        if (towards ? w.score > 0.0F : w.score < 0.0F) {
            picked.push_back(w);
        }
    }
    // Stable: equal scores keep their order in the text.
    std::stable_sort(picked.begin(), picked.end(),
                     [](const WordAttribution& x, const WordAttribution& y) {
                         return std::abs(x.score) > std::abs(y.score);
                     });
    picked.resize(std::min(picked.size(), static_cast<std::size_t>(top)));
    return picked;
}

void printExplain(const Predictor& predictor, const Attribution& a, int top) {
    const auto& labels = predictor.labels();
    const std::string& explained = labels[static_cast<std::size_t>(a.explainedClass)];
    const int width = static_cast<int>(columnWidth(labels, 5)); // "Class"
    std::ostringstream out;
    out << std::left << std::setw(width) << "Class"
        << "  probability\n";
    const auto best = std::max_element(a.probabilities.begin(), a.probabilities.end());
    for (std::size_t c = 0; c < labels.size() && c < a.probabilities.size(); ++c) {
        out << std::left << std::setw(width) << labels[c] << "  " << fixed(a.probabilities[c], 4);
        if (a.probabilities.begin() + static_cast<std::ptrdiff_t>(c) == best) {
            out << "  predicted";
        }
        out << '\n';
    }
    if (a.truncated) {
        out << "\n(the issue is longer than the model reads; only the words it read are scored)\n";
    }
    for (const bool towards : {true, false}) {
        const auto words = strongest(a.words, top, towards);
        out << "\nWords pushing " << (towards ? "towards" : "away from") << " \"" << explained
            << "\"" << (words.empty() ? ": none" : "") << '\n';
        std::size_t wordWidth = 4;
        for (const WordAttribution& w : words) {
            wordWidth = std::max(wordWidth, w.word.size());
        }
        for (std::size_t i = 0; i < words.size(); ++i) {
            out << std::right << std::setw(4) << i + 1 << "  " << std::left
                << std::setw(static_cast<int>(wordWidth)) << words[i].word << "  "
                << (words[i].score >= 0.0F ? "+" : "") << fixed(words[i].score, 4) << '\n';
        }
    }
    std::cout << out.str();
}

// --class NAME as the model's class index; -1 (the predicted class) without it.
int explainedClass(const Args& args, const Predictor& predictor) {
    const auto name = args.value("class");
    if (!name) {
        return -1;
    }
    const auto& labels = predictor.labels();
    const auto found = std::find(labels.begin(), labels.end(), *name);
    if (found == labels.end()) {
        throw UsageError("--class: \"" + *name + "\" is not one of the model's classes (" +
                         joined(labels) + ")");
    }
    return static_cast<int>(found - labels.begin());
}

int runExplain(const Args& args) {
    if (!args.positional().empty()) {
        throw UsageError("explain: unexpected \"" + args.positional().front() + "\"");
    }
    const std::string modelDir = requiredValue(args, "explain", "model", "DIR");
    Issue issue;
    issue.id = "1";
    issue.title = args.value("title").value_or("");
    issue.body = args.value("body").value_or("");
    if (issue.text().empty()) {
        throw UsageError("explain: give the issue's --title, --body or both");
    }
    const int top = args.intValue("top", kDefaultTopWords, 1, 100'000);
    const Predictor predictor(modelDir, predictorOptions(args, false));
    const Attribution attribution = predictor.explain(issue, explainedClass(args, predictor));
    if (args.flag("json")) {
        printExplainJson(predictor, attribution);
    } else {
        printExplain(predictor, attribution, top);
    }
    return kExitOk;
}

} // namespace

const Command kExplainCommand = {"explain", kExplainUsage, runExplain};

} // namespace issuebert::cli
