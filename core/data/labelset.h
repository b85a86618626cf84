// The ordered set of class names a dataset uses; a label is an index into it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace issuebert {

class LabelSet {
public:
    LabelSet() = default;
    explicit LabelSet(std::vector<std::string> names);

    // MachineHack's classes: 0 bug, 1 feature, 2 question.
    static LabelSet machineHack();

    // Index of name, adding it at the end when new.
    int intern(const std::string& name);
    std::optional<int> find(const std::string& name) const;
    const std::string& name(int index) const { return m_names.at(static_cast<std::size_t>(index)); }
    const std::vector<std::string>& names() const { return m_names; }
    int size() const { return static_cast<int>(m_names.size()); }
    bool empty() const { return m_names.empty(); }

private:
    std::vector<std::string> m_names;
    std::map<std::string, int> m_index;
};

} // namespace issuebert
