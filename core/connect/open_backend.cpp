#include "core/connect/open_backend.h"

#include <fmt/format.h>

#include "core/grid/grid_config.h"
#include "core/storage/file_backend.h"
#include "core/storage/s3_backend.h"
#include "core/storage/sftp_backend.h"
#include "core/storage/storage_url.h"
#include "core/storage/tahoe_backend.h"

namespace gb {

Result<std::unique_ptr<Backend>> open_backend(const std::string& url) {
  if (url.rfind("file://", 0) == 0) {
    std::string path = url.substr(7);
    if (path.empty() || path[0] != '/')
      return make_error(ErrorKind::InvalidArgument,
                        fmt::format("'{}' is not a usable file:// URL: the path must be absolute (file:///srv/backup)", url));
    return std::unique_ptr<Backend>(new FileBackend(path));
  }
  if (!url.empty() && url[0] == '/') return std::unique_ptr<Backend>(new FileBackend(url));
  if (is_grid_url(url)) {
    GB_ASSIGN(auto grid, open_grid(url));
    return std::unique_ptr<Backend>(std::move(grid));
  }
  auto scheme_end = url.find("://");
  if (scheme_end != std::string::npos) {
    GB_ASSIGN(StorageUrl parsed, parse_storage_url(url));
    if (parsed.scheme == "s3") return S3Backend::open(parsed);
    if (parsed.scheme == "sftp") return SftpBackend::open(parsed);
    if (parsed.scheme == "tahoe") return TahoeBackend::open(parsed);
    return make_error(
        ErrorKind::InvalidArgument,
        fmt::format("repository URL scheme '{}' is not supported (supported: file://, s3://, sftp://, tahoe://, grid:)", url.substr(0, scheme_end)));
  }
  return make_error(ErrorKind::InvalidArgument, fmt::format("'{}' is not a repository URL (expected file:///path or an absolute path)", url));
}

Result<std::unique_ptr<GridBackend>> open_grid(const std::string& url) { return GridBackend::open(url, open_backend); }

}  // namespace gb
