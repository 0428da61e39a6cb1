// The FUSE side of `gridbackup mount` (Linux only, libfuse3): a read-only
// file system answering from a BrowseCatalog (names, stored metadata) and a
// ContentCache (file bytes). Every failure of the repository becomes EIO for
// the caller (never a hang longer than the backend's own timeout); a file
// whose content is not stored yet reads as EIO and carries the xattr
// user.gridbackup.missing.
#pragma once
#include <functional>
#include <string>

#include "core/browse/browse_catalog.h"
#include "core/browse/content_cache.h"
#include "core/common/result.h"

namespace gb {

struct FuseMountOptions {
  std::string mountpoint;
  bool allow_other = false;
  // Called once the file system is mounted, before requests are served (the
  // CLI detaches from its terminal there).
  std::function<void()> mounted;
  // One line per failed request (a read that met a missing object).
  std::function<void(const std::string&)> log;
};

// Mounts, serves until SIGINT, SIGTERM or SIGHUP (or `fusermount3 -u`), then unmounts.
Status serve_fuse_mount(BrowseCatalog& catalog, ContentCache& content, const FuseMountOptions& options);

}  // namespace gb
