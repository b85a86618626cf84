// The column mapping dialog: prefilled roles, the reason shown, "(none)" as an
// explicit no-field, refusing mappings the loader would refuse, label renames.
#include "ui/widgets/fieldmappingdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QTest>

using namespace issuebert;

namespace {

FieldDetection csvDetection() {
    FieldDetection detection;
    detection.format = DataFormat::Csv;
    detection.fields = {"repo", "kind", "headline", "details"};
    detection.mapping.label = "kind";
    detection.confident = false;
    detection.reason = "no field is named like a title, body or text (fields: repo, kind, "
                       "headline, details)";
    return detection;
}

QPushButton* okButton(const FieldMappingDialog& dialog) {
    return dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
}

} // namespace

class FieldMappingDialogTest : public QObject {
    Q_OBJECT

private slots:
    void prefillsFromDetectionAndShowsTheReason() {
        const FieldDetection detection = csvDetection();
        FieldMappingDialog dialog(detection, detection.mapping, {}, {});
        QCOMPARE(dialog.combo(FieldMappingDialog::LabelRole)->currentText(),
                 QStringLiteral("kind"));
        QCOMPARE(dialog.combo(FieldMappingDialog::TitleRole)->currentText(),
                 QStringLiteral("(none)"));
        // "(none)" plus every detected field.
        QCOMPARE(dialog.combo(FieldMappingDialog::BodyRole)->count(), 5);
        auto* reason = dialog.findChild<QLabel*>(QStringLiteral("reasonLabel"));
        QVERIFY(reason != nullptr);
        QVERIFY(reason->text().contains(QStringLiteral("headline, details")));
        // No text field chosen yet: OK is off.
        QVERIFY(!okButton(dialog)->isEnabled());
    }

    void mappingSaysNoneExplicitly() {
        const FieldDetection detection = csvDetection();
        FieldMappingDialog dialog(detection, detection.mapping, {}, {});
        QVERIFY(dialog.setField(FieldMappingDialog::TitleRole, QStringLiteral("headline")));
        QVERIFY(dialog.setField(FieldMappingDialog::BodyRole, QStringLiteral("details")));
        QVERIFY(!dialog.setField(FieldMappingDialog::IdRole, QStringLiteral("missing")));
        QVERIFY(okButton(dialog)->isEnabled());
        const FieldMapping mapping = dialog.mapping();
        QCOMPARE(mapping.title, std::string("headline"));
        QCOMPARE(mapping.body, std::string("details"));
        QCOMPARE(mapping.label, std::string("kind"));
        // Not "detect it" (empty) but "no field", which the loader honours.
        QCOMPARE(mapping.id, std::string(FieldMappingDialog::kNoField));
        QCOMPARE(mapping.text, std::string(FieldMappingDialog::kNoField));
    }

    void refusesWhatTheLoaderWouldRefuse() {
        const FieldDetection detection = csvDetection();
        FieldMappingDialog dialog(detection, detection.mapping, {}, {});
        dialog.setField(FieldMappingDialog::BodyRole, QStringLiteral("details"));
        QVERIFY(okButton(dialog)->isEnabled());
        dialog.setField(FieldMappingDialog::TextRole, QStringLiteral("headline"));
        QVERIFY(!okButton(dialog)->isEnabled()); // body and text
        dialog.setField(FieldMappingDialog::TextRole, QString());
        dialog.setField(FieldMappingDialog::TitleRole, QStringLiteral("kind"));
        QVERIFY(!okButton(dialog)->isEnabled()); // "kind" is the title and the label
        dialog.setField(FieldMappingDialog::LabelRole, QString());
        QVERIFY(okButton(dialog)->isEnabled());
    }

    void labelRenamesListOnlyChanges() {
        const FieldDetection detection = csvDetection();
        FieldMapping current;
        current.title = "headline";
        current.label = "kind";
        FieldMappingDialog dialog(
            detection, current,
            {QStringLiteral("bug"), QStringLiteral("enhancement"), QStringLiteral("feature")},
            {{"bug", "defect"}});
        QCOMPARE(dialog.labelTable()->rowCount(), 3);
        QCOMPARE(dialog.labelTable()->item(0, 1)->text(), QStringLiteral("defect"));
        QVERIFY(dialog.setLabelRename(QStringLiteral("enhancement"), QStringLiteral(" feature ")));
        QVERIFY(!dialog.setLabelRename(QStringLiteral("question"), QStringLiteral("x")));
        const auto map = dialog.labelMap();
        QCOMPARE(map.size(), std::size_t{2});
        QCOMPARE(map.at("bug"), std::string("defect"));
        QCOMPARE(map.at("enhancement"), std::string("feature"));
    }
};

QTEST_MAIN(FieldMappingDialogTest)
#include "test_fieldmappingdialog.moc"
