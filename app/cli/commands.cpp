// The list of issuebert-cli's commands and the program's help (see commands.h).
#include "app/cli/commands.h"

namespace issuebert::cli {

std::span<const Command* const> commands() {
    static const Command* const all[] = {&kDataCommand,    &kTokenizeCommand, &kModelCommand,
                                         &kTrainCommand,   &kCvCommand,       &kEvaluateCommand,
                                         &kPredictCommand, &kExplainCommand};
    return all;
}

const char* const kProgramHelp =
    R"(usage: issuebert-cli COMMAND [ARGS]

Commands:
  data stats FILE [--format F] [--mapping ROLE=FIELD,...] [--map-label OLD=NEW]...
                  [--json]
      Load a dataset (MachineHack JSON, JSON Lines, CSV, fastText) and print
      its statistics.
  tokenize --model DIR [--max-len N] [--ids] [--json] (TEXT... | --input FILE)
      Tokenize texts with a model's WordPiece vocabulary, one line per text.
  model info (DIR | ID) [--json]
      Show a model: architecture, parameters, vocabulary, labels, and where
      it was found (a folder, the Hugging Face cache or IssueBERT's cache).

  train --train FILE --out RUN_DIR [--val FILE] [--model DIR|ID] [settings...]
  train --resume RUN_DIR
      Fine-tune a model on labelled issues; the best model lands in
      RUN_DIR/best. Ctrl-C stops and keeps it; --resume continues.
  cv --data FILE --out DIR [--folds K] [--repeats R] [train settings...] [--json]
      Cross-validate a training recipe: per-fold and mean ± std macro-F1 and
      accuracy on held-out stratified folds, with training time.
  evaluate --model DIR --data FILE [--json]
      Score a fine-tuned model on a labelled file: accuracy, log loss,
      per-class precision/recall/F1 and the confusion matrix.
  predict --model DIR --data FILE --out FILE.csv [--threshold P]
          [--submission FILE.csv] [--json]
      Write every issue's predicted class and probabilities to a CSV (and
      MachineHack's submission layout); print counts and, if labelled, accuracy.
  explain --model DIR --title T --body B [--class NAME] [--top N] [--json]
      Classify one issue and show the words that pushed it towards a class.

Options:
  --help       show this help; COMMAND --help shows a command's options
  --version    print the version

Exit codes: 0 ok, 1 internal fault, 2 bad input, 130 stopped by Ctrl-C.
)";

} // namespace issuebert::cli
