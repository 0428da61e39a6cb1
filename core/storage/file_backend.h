// file:// — a repository in a local directory (the embedded default).
#pragma once
#include <string>

#include "core/storage/backend.h"

namespace gb {

class FileBackend final : public Backend {
 public:
  explicit FileBackend(std::string root);
  std::string url() const override { return "file://" + root_; }
  Status create() override;
  Result<bool> exists() override;
  Status put(const std::string& name, ByteView data) override;
  Result<Bytes> get(const std::string& name) override;
  Result<Bytes> get_range(const std::string& name, uint64_t offset, uint64_t length) override;
  Result<std::vector<ObjectInfo>> list(const std::string& prefix) override;
  Result<ObjectInfo> stat(const std::string& name) override;
  Status remove(const std::string& name) override;

 private:
  std::string path_of(const std::string& name) const { return root_ + "/" + name; }
  std::string root_;
};

}  // namespace gb
