// GridConfig: the grid: URL, which names the code (k of n) and the member
// backends. It is the repository URL, so it lives in the root cap:
//
//   grid:k=3|file:///srv/a|/mnt/nas/b|sftp://me@friend.example/~/gb|s3://host/bucket/gb
//   grid:k=3,n=5,happy=4|a=file:///srv/a|b=/mnt/nas/b|...
//
// Members are separated by '|', a character no URL may contain unescaped.
// A member may carry an id ("ID=URL"): shares are placed by the id, so a
// member whose URL changes keeps its place. Without one the id is the URL.
// n (shares per object) defaults to the number of members; happy (members
// that must take a share for a put to succeed) to k+1, at most n.
#pragma once
#include <string>
#include <vector>

#include "core/common/result.h"

namespace gb {

struct GridMember {
  std::string id;
  std::string url;
};

struct GridConfig {
  int k = 0;
  int n = 0;
  int happy = 0;
  std::vector<GridMember> members;

  static Result<GridConfig> parse(const std::string& url);
  // The canonical URL (options left out when they have their default value).
  std::string format() const;
  // The member with this id or URL, or -1.
  int find_member(const std::string& id_or_url) const;
};

bool is_grid_url(const std::string& url);

}  // namespace gb
