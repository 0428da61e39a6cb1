// A storage backend is dumb: it stores named immutable objects. Object names
// are '/'-separated keys such as "data/3f/3fa2...". Every backend is one class
// behind this interface, chosen by URL scheme (open_backend, core/connect).
//
// Promises every implementation keeps:
// - put() is atomic: a reader sees the whole object or none of it, never a
//   partial one, even if the writer is killed mid-put.
// - Failures are typed: ErrorKind::NotFound for a missing object,
//   Transient for what a retry may fix, Permanent/Io for what it will not.
#pragma once
#include <functional>
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

// Opens a backend by URL. A backend made of others (the grid) is handed one
// of these for its members, so that it need not know every scheme.
using OpenBackend = std::function<Result<std::unique_ptr<Backend>>(const std::string& url)>;

}  // namespace gb
