#include "core/report/owner_names.h"

#include <grp.h>
#include <pwd.h>

#include <vector>

namespace gb {

const std::string& OwnerNames::user(uint32_t uid) {
  auto [it, fresh] = users_.try_emplace(uid);
  if (fresh) {
    std::vector<char> buf(16384);
    passwd pw{}, *found = nullptr;
    it->second = ::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found ? found->pw_name : std::to_string(uid);
  }
  return it->second;
}

const std::string& OwnerNames::group(uint32_t gid) {
  auto [it, fresh] = groups_.try_emplace(gid);
  if (fresh) {
    std::vector<char> buf(16384);
    struct group gr {
    }, *found = nullptr;
    it->second = ::getgrgid_r(gid, &gr, buf.data(), buf.size(), &found) == 0 && found ? found->gr_name : std::to_string(gid);
  }
  return it->second;
}

}  // namespace gb
