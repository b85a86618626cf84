// One issue report as the rest of IssueBERT sees it.
#pragma once

#include <string>

namespace issuebert {

// No label (a test set's row).
inline constexpr int kNoLabel = -1;

struct Issue {
    std::string id;    // from the id field, else the record's 1-based position
    std::string title; // may be empty (fastText and text-only rows keep all text in body)
    std::string body;
    int label = kNoLabel; // index into the dataset's LabelSet, or kNoLabel

    bool labelled() const { return label != kNoLabel; }
    // trim(title + " " + body), as the tutorial joins them.
    std::string text() const;
};

} // namespace issuebert
