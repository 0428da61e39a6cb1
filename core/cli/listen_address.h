// HOST:PORT as the options that open a server take it (`ui --listen`,
// `service run --metrics-listen`): [::1]:PORT for IPv6.
#pragma once
#include <string>
#include <utility>

#include "core/common/result.h"

namespace gb {

// `option` names the option in the one sentence a bad address gets. PORT 0
// or none: a free one.
Result<std::pair<std::string, int>> listen_address(const std::string& text, const std::string& option);

}  // namespace gb
