// User and group names of numeric ids, as this machine's account database
// has them (`ls -l`), remembered per id; an id without a name stays a number.
// A snapshot stores ids, not names: on another machine the same id may be
// another name, as with `tar -tv` of an archive made elsewhere.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>

namespace gb {

class OwnerNames {
 public:
  const std::string& user(uint32_t uid);
  const std::string& group(uint32_t gid);

 private:
  std::unordered_map<uint32_t, std::string> users_, groups_;
};

}  // namespace gb
