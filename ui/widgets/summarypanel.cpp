// Summary numbers from computeStats, formatted for the reader's locale.
#include "ui/widgets/summarypanel.h"

#include <QFormLayout>
#include <QLabel>
#include <QLocale>

#include <algorithm>

namespace issuebert {

namespace {

QString withShare(long long count, long long total) {
    const QLocale locale;
    if (total <= 0) {
        return locale.toString(count);
    }
    const double share = 100.0 * static_cast<double>(count) / static_cast<double>(total);
    return QStringLiteral("%1 (%2%)").arg(locale.toString(count), locale.toString(share, 'f', 1));
}

// "median 365 · p90 1,830 · max 6,200"
QString spread(long long median, long long p90, long long max) {
    const QLocale locale;
    return SummaryPanel::tr("median %1 · p90 %2 · max %3")
        .arg(locale.toString(median), locale.toString(p90), locale.toString(max));
}

} // namespace

SummaryPanel::SummaryPanel(QWidget* parent) : QWidget(parent), m_form(new QFormLayout(this)) {
    m_form->setContentsMargins(0, 0, 0, 0);
    m_form->setLabelAlignment(Qt::AlignLeft);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    m_rows = addRow(tr("Rows"));
    m_labelled = addRow(tr("Labelled"));
    m_unlabelled = addRow(tr("Unlabelled"));
    m_empty = addRow(tr("Empty texts"));
    m_duplicates = addRow(tr("Duplicate texts"));
    m_lengths = addRow(tr("Characters"));
    m_tokens = addRow(tr("Tokens"));
    m_repairs = addRow(tr("Repairs"));
    m_lengths->setToolTip(tr("Characters per issue (title and body): median, 90th percentile "
                             "and the longest."));
    m_tokens->setToolTip(tr("WordPiece tokens per issue, without [CLS] and [SEP]: median, 90th "
                            "percentile and the longest."));
    m_duplicates->setToolTip(tr("Rows whose text already appeared in an earlier row."));
    clear();
}

QLabel* SummaryPanel::addRow(const QString& name) {
    auto* value = new QLabel(this);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_form->addRow(name + QLatin1Char(':'), value);
    return value;
}

void SummaryPanel::setStats(const DatasetStats& stats) {
    const QLocale locale;
    m_rows->setText(locale.toString(stats.rows));
    m_labelled->setText(withShare(stats.labelled, stats.rows));
    m_unlabelled->setText(withShare(stats.unlabelled, stats.rows));
    m_empty->setText(withShare(stats.emptyTexts, stats.rows));
    m_duplicates->setText(withShare(stats.duplicateTexts, stats.rows));

    std::vector<long long> shown;
    for (const int p : {50, 90, 100}) {
        for (const auto& [percent, length] : stats.lengthPercentiles) {
            if (percent == p) {
                shown.push_back(length);
            }
        }
    }
    m_lengths->setText(shown.size() == 3 ? spread(shown[0], shown[1], shown[2]) : tr("—"));

    QStringList repairs;
    if (stats.invalidUtf8 > 0) {
        repairs
            << tr("%1 invalid UTF-8 sequences replaced").arg(locale.toString(stats.invalidUtf8));
    }
    if (stats.nulBytes > 0) {
        repairs << tr("%1 NUL bytes dropped").arg(locale.toString(stats.nulBytes));
    }
    m_repairs->setText(repairs.isEmpty() ? tr("none") : repairs.join(QStringLiteral(", ")));
}

void SummaryPanel::setTokenLengths(const std::vector<int>& lengths) {
    if (lengths.empty()) {
        m_tokens->setText(tr("not counted"));
        return;
    }
    std::vector<long long> sorted(lengths.begin(), lengths.end());
    std::sort(sorted.begin(), sorted.end());
    m_tokens->setText(spread(percentile(sorted, 50), percentile(sorted, 90), sorted.back()));
}

void SummaryPanel::clear() {
    for (QLabel* label : {m_rows, m_labelled, m_unlabelled, m_empty, m_duplicates, m_lengths,
                          m_tokens, m_repairs}) {
        label->setText(tr("—"));
    }
}

QString SummaryPanel::text() const {
    QStringList lines;
    for (int row = 0; row < m_form->rowCount(); ++row) {
        const auto* name =
            qobject_cast<QLabel*>(m_form->itemAt(row, QFormLayout::LabelRole)->widget());
        const auto* value =
            qobject_cast<QLabel*>(m_form->itemAt(row, QFormLayout::FieldRole)->widget());
        if (name != nullptr && value != nullptr) {
            lines << name->text() + QLatin1Char(' ') + value->text();
        }
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace issuebert
