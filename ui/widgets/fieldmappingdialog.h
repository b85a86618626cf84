// Asks which source field is the id, title, body, text and label, shows why
// detection was unsure, and lets labels be renamed or merged (old → new).
#pragma once

#include "core/data/loader.h"

#include <QDialog>

#include <array>
#include <map>
#include <string>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QTableWidget;

namespace issuebert {

class FieldMappingDialog : public QDialog {
    Q_OBJECT

public:
    enum Role { IdRole, TitleRole, BodyRole, TextRole, LabelRole, RoleCount };
    // What mapping() holds for "(none)": the loader's "no such field", where
    // an empty name would mean "detect it".
    static constexpr const char* kNoField = "-";

    // fields come from detection; current prefills the combo boxes; labels are
    // the loaded dataset's label names (empty before a first load).
    FieldMappingDialog(const FieldDetection& detection, const FieldMapping& current,
                       const QStringList& labels,
                       const std::map<std::string, std::string>& labelMap,
                       QWidget* parent = nullptr);

    // Every role set: a field name or kNoField.
    FieldMapping mapping() const;
    // Only the labels given a different name.
    std::map<std::string, std::string> labelMap() const;

    QComboBox* combo(Role role) const { return m_combos[static_cast<std::size_t>(role)]; }
    // Selects field for role ("" or kNoField select "(none)"); false when there is no such field.
    bool setField(Role role, const QString& field);
    // Sets the new name for label old; false when old is not listed.
    bool setLabelRename(const QString& old, const QString& renamed);
    QTableWidget* labelTable() const { return m_labels; }

private:
    void updateAcceptable();

    std::array<QComboBox*, RoleCount> m_combos{};
    QTableWidget* m_labels;
    QDialogButtonBox* m_buttons;
    QLabel* m_problem;
};

} // namespace issuebert
