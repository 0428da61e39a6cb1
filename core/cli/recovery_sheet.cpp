#include "core/cli/recovery_sheet.h"

#include <fmt/format.h>

#include "core/cli/qr_text.h"

namespace gb {
namespace {

constexpr size_t kShareLine = 42;  // wide enough for 7 groups, narrow enough to read aloud line by line

// The share broken at its dashes into lines a person can copy one at a time.
std::string share_lines(const std::string& share) {
  std::string out, line;
  size_t start = 0;
  while (start < share.size()) {
    size_t dash = share.find('-', start);
    std::string part = share.substr(start, dash == std::string::npos ? std::string::npos : dash - start + 1);
    if (!line.empty() && line.size() + part.size() > kShareLine) {
      out += "    " + line + "\n";
      line.clear();
    }
    line += part;
    start = dash == std::string::npos ? share.size() : dash + 1;
  }
  if (!line.empty()) out += "    " + line + "\n";
  return out;
}

}  // namespace

std::string recovery_sheet_name(const RecoveryShare& share) { return fmt::format("share-{}-of-{}.txt", share.number, share.count); }

Result<std::string> recovery_sheet(const RecoveryShare& share, std::string_view date) {
  const std::string text = format_recovery_share(share);
  GB_ASSIGN(auto qr, qr_text_lines(text));
  std::string out = fmt::format("GRIDBACKUP RECOVERY KIT - share {} of {} - cap {} - made {}\n", share.number, share.count, share.cap_id, date);
  out += std::string(72, '=') + "\n\n";
  out += fmt::format(
      "You are keeping one piece of a key to someone's backups. Any {0} of the {1}\n"
      "pieces (shares) together rebuild the key; fewer reveal nothing about it,\n"
      "so this sheet alone is of no use to anyone. Still:\n"
      "\n"
      "  * Keep it somewhere safe and dry, with other papers that matter.\n"
      "    Do not photograph it, copy it or keep it online.\n"
      "  * Hand it (or read it out) only to its owner, or to whom the owner\n"
      "    named, and best in person: whoever gathers {0} shares can read every\n"
      "    backup of theirs.\n"
      "  * The owner rebuilds the key with `gridbackup cap join`, from any {0}\n"
      "    shares in any order, typed or scanned from the QR code below.\n"
      "  * If the owner makes a new kit, destroy this sheet: shares of two kits\n"
      "    do not combine.\n"
      "\n"
      "Share {2} of {1} ({0} needed), cap {3}:\n\n",
      share.threshold, share.count, share.number, share.cap_id);
  out += share_lines(text) + "\n";
  for (const auto& line : qr) out += "  " + line + "\n";
  out += "\nThe last group is a check: a mistyped character is caught and its share named.\n";
  return out;
}

}  // namespace gb
