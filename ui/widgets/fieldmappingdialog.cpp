// Column mapping and label renaming before a dataset is (re)loaded.
#include "ui/widgets/fieldmappingdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace issuebert {

namespace {

std::string& field(FieldMapping& mapping, FieldMappingDialog::Role role) {
    switch (role) {
    case FieldMappingDialog::IdRole:
        return mapping.id;
    case FieldMappingDialog::TitleRole:
        return mapping.title;
    case FieldMappingDialog::BodyRole:
        return mapping.body;
    case FieldMappingDialog::TextRole:
        return mapping.text;
    default:
        return mapping.label;
    }
}

} // namespace

FieldMappingDialog::FieldMappingDialog(const FieldDetection& detection, const FieldMapping& current,
                                       const QStringList& labels,
                                       const std::map<std::string, std::string>& labelMap,
                                       QWidget* parent)
    : QDialog(parent), m_labels(new QTableWidget(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)),
      m_problem(new QLabel(this)) {
    setObjectName(QStringLiteral("fieldMappingDialog"));
    setWindowTitle(tr("Map Columns"));
    auto* layout = new QVBoxLayout(this);

    auto* intro = new QLabel(tr("Choose which field of the file plays each role. An issue's "
                                "text is its title and body, or one text field."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    if (!detection.reason.empty()) {
        auto* reason = new QLabel(QString::fromStdString(detection.reason), this);
        reason->setObjectName(QStringLiteral("reasonLabel"));
        reason->setWordWrap(true);
        QFont font = reason->font();
        font.setItalic(true);
        reason->setFont(font);
        layout->addWidget(reason);
    }

    auto* form = new QFormLayout;
    const std::array<QString, RoleCount> names = {tr("&ID:"), tr("&Title:"), tr("&Body:"),
                                                  tr("Te&xt:"), tr("&Label:")};
    FieldMapping prefill = current;
    for (int r = 0; r < RoleCount; ++r) {
        const auto role = static_cast<Role>(r);
        auto* combo = new QComboBox(this);
        combo->addItem(tr("(none)"), QString::fromLatin1(kNoField));
        for (const std::string& name : detection.fields) {
            combo->addItem(QString::fromStdString(name), QString::fromStdString(name));
        }
        m_combos[static_cast<std::size_t>(r)] = combo;
        form->addRow(names[static_cast<std::size_t>(r)], combo);
        setField(role, QString::fromStdString(field(prefill, role)));
        connect(combo, &QComboBox::currentIndexChanged, this,
                &FieldMappingDialog::updateAcceptable);
    }
    layout->addLayout(form);

    auto* labelBox = new QGroupBox(tr("Rename or merge labels"), this);
    auto* labelLayout = new QVBoxLayout(labelBox);
    m_labels->setColumnCount(2);
    m_labels->setHorizontalHeaderLabels({tr("Label"), tr("Rename to")});
    m_labels->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_labels->verticalHeader()->hide();
    m_labels->setRowCount(static_cast<int>(labels.size()));
    for (int row = 0; row < labels.size(); ++row) {
        const QString& old = labels[row];
        auto* oldItem = new QTableWidgetItem(old);
        oldItem->setFlags(Qt::ItemIsEnabled);
        const auto mapped = labelMap.find(old.toStdString());
        m_labels->setItem(row, 0, oldItem);
        m_labels->setItem(row, 1,
                          new QTableWidgetItem(mapped != labelMap.end()
                                                   ? QString::fromStdString(mapped->second)
                                                   : old));
    }
    labelLayout->addWidget(m_labels);
    auto* labelHint = new QLabel(
        labels.isEmpty() ? tr("No labels to rename yet: they are listed here once a file with a "
                              "label field is loaded.")
                         : tr("Give two labels the same new name to merge them."),
        labelBox);
    labelHint->setWordWrap(true);
    labelLayout->addWidget(labelHint);
    m_labels->setVisible(!labels.isEmpty());
    layout->addWidget(labelBox, 1);

    m_problem->setWordWrap(true);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateAcceptable();
    resize(460, labels.isEmpty() ? 360 : 520);
}

bool FieldMappingDialog::setField(Role role, const QString& name) {
    QComboBox* box = combo(role);
    const int index = box->findData(name.isEmpty() ? QString::fromLatin1(kNoField) : name);
    if (index < 0) {
        return false;
    }
    box->setCurrentIndex(index);
    return true;
}

bool FieldMappingDialog::setLabelRename(const QString& old, const QString& renamed) {
    for (int row = 0; row < m_labels->rowCount(); ++row) {
        if (m_labels->item(row, 0)->text() == old) {
            m_labels->item(row, 1)->setText(renamed);
            return true;
        }
    }
    return false;
}

FieldMapping FieldMappingDialog::mapping() const {
    FieldMapping result;
    for (int r = 0; r < RoleCount; ++r) {
        const auto role = static_cast<Role>(r);
        field(result, role) = combo(role)->currentData().toString().toStdString();
    }
    return result;
}

std::map<std::string, std::string> FieldMappingDialog::labelMap() const {
    std::map<std::string, std::string> result;
    for (int row = 0; row < m_labels->rowCount(); ++row) {
        const QString old = m_labels->item(row, 0)->text();
        const QString renamed = m_labels->item(row, 1)->text().trimmed();
        if (!renamed.isEmpty() && renamed != old) {
            result[old.toStdString()] = renamed.toStdString();
        }
    }
    return result;
}

void FieldMappingDialog::updateAcceptable() {
    const auto chosen = [this](Role role) {
        const QString name = combo(role)->currentData().toString();
        return name == QLatin1String(kNoField) ? QString() : name;
    };
    QString problem;
    if (chosen(TitleRole).isEmpty() && chosen(BodyRole).isEmpty() && chosen(TextRole).isEmpty()) {
        problem = tr("Choose a title, body or text field: an issue needs text.");
    } else if (!chosen(BodyRole).isEmpty() && !chosen(TextRole).isEmpty()) {
        problem = tr("Choose a body field or a text field, not both.");
    }
    for (int a = 0; a < RoleCount && problem.isEmpty(); ++a) {
        for (int b = a + 1; b < RoleCount && problem.isEmpty(); ++b) {
            const QString name = chosen(static_cast<Role>(a));
            if (!name.isEmpty() && name == chosen(static_cast<Role>(b))) {
                problem = tr("“%1” is chosen for two roles; a field can play one role.").arg(name);
            }
        }
    }
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

} // namespace issuebert
