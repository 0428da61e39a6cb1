// The printable page of one recovery share (`cap split --sheets`): what the
// friend who keeps it should know and do, the share as text, and a QR code
// of it. Plain UTF-8 text, so any printer and any editor take it.
#pragma once
#include <string>
#include <string_view>

#include "core/common/result.h"
#include "core/repository/recovery_kit.h"

namespace gb {

// `date` is when the kit was made (YYYY-MM-DD), so a friend can tell an old
// sheet from a new one.
Result<std::string> recovery_sheet(const RecoveryShare& share, std::string_view date);
// The sheet's file name in the sheets directory: "share-2-of-5.txt".
std::string recovery_sheet_name(const RecoveryShare& share);

}  // namespace gb
