// File names for people: a name with a control character (ESC, BEL,
// newline, DEL...) or bytes that are not UTF-8 could fake output lines or
// drive the terminal, so it is shown in the $'...' quoting of GNU ls
// (--quoting-style=shell-escape) and bash: \e \a \b \t \n \v \f \r \\ \'
// and \xHH for any other such byte; valid UTF-8 stays as it is. A name
// without such bytes is shown unchanged. --json output keeps exact names.
#pragma once
#include <string>
#include <string_view>

namespace gb {

std::string printable_name(std::string_view name);

}  // namespace gb
