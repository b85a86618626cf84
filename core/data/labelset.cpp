// Label sets: names in a fixed order, looked up by name.
#include "core/data/labelset.h"

#include "core/io/errors.h"

namespace issuebert {

LabelSet::LabelSet(std::vector<std::string> names) {
    for (std::string& name : names) {
        if (m_index.count(name) > 0) {
            throw DataError("label \"" + name + "\" appears twice in the label set");
        }
        m_index.emplace(name, static_cast<int>(m_names.size()));
        m_names.push_back(std::move(name));
    }
}

LabelSet LabelSet::machineHack() {
    return LabelSet({"bug", "feature", "question"});
}

int LabelSet::intern(const std::string& name) {
    const auto [it, added] = m_index.try_emplace(name, static_cast<int>(m_names.size()));
    if (added) {
        m_names.push_back(name);
    }
    return it->second;
}

std::optional<int> LabelSet::find(const std::string& name) const {
    const auto it = m_index.find(name);
    if (it == m_index.end()) {
        return std::nullopt;
    }
    return it->second;
}

} // namespace issuebert
