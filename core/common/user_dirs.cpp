#include "core/common/user_dirs.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace gb {

std::string env_value(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string home_dir() {
  std::string h = env_value("HOME");
  if (!h.empty()) return h;
  if (struct passwd* pw = ::getpwuid(::getuid())) return pw->pw_dir;
  return "/";
}

std::string xdg_dir(const char* var, const char* below_home) {
  std::string v = env_value(var);
  return v.empty() ? home_dir() + "/" + below_home : v;
}

}  // namespace gb
