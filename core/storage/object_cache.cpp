#include "core/storage/object_cache.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <unordered_set>

#include "core/common/fd_io.h"
#include "core/common/private_files.h"
#include "core/crypto/sha256.h"
#include "core/fs/unique_fd.h"

namespace gb {

namespace {

constexpr const char* kPrefixes[] = {"snapshots/", "index/"};

bool is_hex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// The name's hash part: what the bytes must hash to.
std::string hash_part(const std::string& name) { return name.substr(name.find('/') + 1); }

std::optional<Bytes> read_copy(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return std::nullopt;
  Bytes out;
  uint8_t buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) return out;
    out.insert(out.end(), buf, buf + n);
  }
}

}  // namespace

bool cacheable_object(const std::string& name) {
  for (const char* p : kPrefixes) {
    std::string prefix(p);
    if (name.size() == prefix.size() + 64 && name.compare(0, prefix.size(), prefix) == 0) return is_hex64(name.substr(prefix.size()));
  }
  return false;
}

Result<Bytes> ObjectCacheBackend::get(const std::string& name) {
  if (!cacheable_object(name)) return inner_->get(name);
  if (auto copy = read_copy(dir_ + "/" + name); copy && to_hex(sha256(*copy)) == hash_part(name)) {
    ++hits_;
    return std::move(*copy);
  }
  GB_ASSIGN(Bytes bytes, inner_->get(name));
  keep(name, bytes);
  return bytes;
}

Status ObjectCacheBackend::put(const std::string& name, ByteView data) {
  GB_CHECK(inner_->put(name, data));
  if (cacheable_object(name)) keep(name, data);
  return {};
}

Status ObjectCacheBackend::remove(const std::string& name) {
  if (cacheable_object(name)) ::unlink((dir_ + "/" + name).c_str());
  return inner_->remove(name);
}

Result<std::vector<ObjectInfo>> ObjectCacheBackend::list(const std::string& prefix) {
  GB_ASSIGN(auto objects, inner_->list(prefix));
  for (const char* p : kPrefixes) {
    if (prefix != p) continue;
    std::unordered_set<std::string> listed;
    for (const auto& o : objects) listed.insert(o.name);
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir_ + "/" + prefix, ec)) {
      std::string file = e.path().filename().string();
      if (file.rfind(".tmp-", 0) == 0) continue;  // another process's copy being written
      if (!listed.count(prefix + file)) ::unlink(e.path().c_str());
    }
  }
  return objects;
}

// A copy is written whole under a temporary name and renamed into place, so
// a reader (another process) never sees part of one; only copies whose
// bytes match their name are kept.
void ObjectCacheBackend::keep(const std::string& name, ByteView data) {
  if (to_hex(sha256(data)) != hash_part(name)) return;
  std::string sub = dir_ + "/" + name.substr(0, name.find('/'));
  if (!make_private_dir(dir_) || !make_private_dir(sub)) return;
  static std::atomic<uint64_t> counter{0};
  std::string tmp = sub + "/.tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  auto raw = open_private_file(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC);
  if (!raw) return;
  UniqueFd fd(*raw);
  bool ok = write_fully(fd.get(), data);
  fd.reset();
  if (!ok || ::rename(tmp.c_str(), (dir_ + "/" + name).c_str()) != 0) ::unlink(tmp.c_str());
}

}  // namespace gb
