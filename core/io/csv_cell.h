// RFC 4180 CSV cells safe to open in a spreadsheet: text that would start a
// formula is neutralised. The predictions writers use it (eval/predictions_csv.h).
#pragma once

#include <string>
#include <string_view>

namespace issuebert {

// Whether a spreadsheet could run text as a formula: it starts with TAB or CR,
// or its first character after blanks and line breaks is = + - @ or one of
// their full-width forms (＝ ＋ － ＠).
bool startsFormula(std::string_view text);

// One CSV cell from untrusted text. Text that startsFormula gets a ' in front,
// so a spreadsheet shows it instead of running it (OWASP's CSV injection
// advice); text with a comma, quote, CR or LF is put in double quotes with
// inner quotes doubled.
std::string csvCell(std::string_view text);

} // namespace issuebert
