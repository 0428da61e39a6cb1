// Opening storage by URL: the one place that knows every scheme, so it sits
// above every backend (core/storage's plain ones and core/grid's grid).
#pragma once
#include <memory>
#include <string>

#include "core/common/result.h"
#include "core/grid/grid_backend.h"
#include "core/storage/backend.h"

namespace gb {

// Opens the backend for a URL: file:///path (or a plain absolute path),
// s3://host/bucket, sftp://user@host/path, tahoe://host:port/uri/DIRCAP,
// grid:k=K|MEMBER-URL|MEMBER-URL|... (core/grid/grid_backend.h).
// Opening checks the URL and loads credentials but contacts no server.
// See docs/STORAGE.md.
Result<std::unique_ptr<Backend>> open_backend(const std::string& url);

// A grid URL opened as a grid, for the callers that look below it at its
// shares (verify, repair, retire); its members are opened by open_backend.
Result<std::unique_ptr<GridBackend>> open_grid(const std::string& url);

}  // namespace gb
