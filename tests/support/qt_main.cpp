// Runs the registered test cases as one Qt Test function with a data row per
// case, so ctest shows Qt Test's usual PASS/FAIL lines and totals.
#include "tests/support/unit.h"

#include <QTest>

namespace unit {

void fail(const std::string& message, const char* file, int line) {
    QTest::qFail(message.c_str(), file, line);
}

void skip(const std::string& message, const char* file, int line) {
    QTest::qSkip(message.c_str(), file, line);
}

} // namespace unit

class UnitTests : public QObject {
    Q_OBJECT

private slots:
    void run_data() {
        QTest::addColumn<int>("index");
        const auto& cases = unit::registry();
        for (int i = 0; i < static_cast<int>(cases.size()); ++i) {
            QTest::newRow(cases[static_cast<std::size_t>(i)].name) << i;
        }
    }

    void run() {
        QFETCH(int, index);
        try {
            unit::registry()[static_cast<std::size_t>(index)].fn();
        } catch (const std::exception& e) {
            QFAIL((std::string("unexpected exception: ") + e.what()).c_str());
        }
    }
};

int main(int argc, char** argv) {
    UnitTests tests;
    return QTest::qExec(&tests, argc, argv);
}

#include "qt_main.moc"
