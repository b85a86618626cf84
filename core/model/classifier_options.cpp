// Names of the head and pooling choices.
#include "core/model/classifier_options.h"

namespace issuebert {

const char* headName(HeadKind head) {
    return head == HeadKind::Mlp ? "mlp" : "linear";
}

const char* poolingName(Pooling pooling) {
    switch (pooling) {
    case Pooling::Pooler:
        return "pooler";
    case Pooling::Cls:
        return "cls";
    case Pooling::Mean:
        return "mean";
    }
    return "pooler";
}

std::optional<HeadKind> parseHeadKind(const std::string& word) {
    if (word == "linear") {
        return HeadKind::Linear;
    }
    if (word == "mlp") {
        return HeadKind::Mlp;
    }
    return std::nullopt;
}

std::optional<Pooling> parsePooling(const std::string& word) {
    for (Pooling p : {Pooling::Pooler, Pooling::Cls, Pooling::Mean}) {
        if (word == poolingName(p)) {
            return p;
        }
    }
    return std::nullopt;
}

} // namespace issuebert
