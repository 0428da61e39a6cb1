// A storage backend is dumb: it stores named immutable objects. Object names
// are '/'-separated keys such as "data/3f/3fa2...". Every backend is one class
// behind this interface, chosen by URL scheme (see open_backend).
//
// Promises every implementation keeps:
// - put() is atomic: a reader sees the whole object or none of it, never a
//   partial one, even if the writer is killed mid-put.
// - Failures are typed: ErrorKind::NotFound for a missing object,
//   Transient for what a retry may fix, Permanent/Io for what it will not.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/common/bytes.h"
#include "core/common/result.h"

namespace gb {

struct ObjectInfo {
  std::string name;
  uint64_t size = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // The URL this backend was opened with, for messages.
  virtual std::string url() const = 0;
  // Make the location usable (directory, bucket); succeeds if it exists.
  virtual Status create() = 0;
  // True when the location exists and can be read.
  virtual Result<bool> exists() = 0;
  virtual Status put(const std::string& name, ByteView data) = 0;
  virtual Result<Bytes> get(const std::string& name) = 0;
  // Reads `length` bytes at `offset`; fails with Corrupt if the object is shorter.
  virtual Result<Bytes> get_range(const std::string& name, uint64_t offset, uint64_t length) = 0;
  // All objects whose name starts with `prefix`, in no particular order.
  virtual Result<std::vector<ObjectInfo>> list(const std::string& prefix) = 0;
  virtual Result<ObjectInfo> stat(const std::string& name) = 0;
  virtual Status remove(const std::string& name) = 0;
};

// Opens the backend for a URL: file:///path (or a plain absolute path),
// s3://host/bucket, sftp://user@host/path, tahoe://host:port/uri/DIRCAP,
// grid:k=K|MEMBER-URL|MEMBER-URL|... (core/storage/grid_backend.h).
// Opening checks the URL and loads credentials but contacts no server.
// See docs/STORAGE.md.
Result<std::unique_ptr<Backend>> open_backend(const std::string& url);

}  // namespace gb
