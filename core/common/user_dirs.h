// Where a user's files go by default: the environment, the home directory,
// and the XDG base directories (XDG_STATE_HOME, XDG_CONFIG_HOME, ...).
#pragma once
#include <string>

namespace gb {

// The variable's value; empty when unset.
std::string env_value(const char* name);
// $HOME, else the password database's home of this user, else "/".
std::string home_dir();
// $VAR when set, else HOME/below_home (".local/state" for XDG_STATE_HOME).
std::string xdg_dir(const char* var, const char* below_home);

}  // namespace gb
