#include "core/storage/file_backend.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>

#include "core/common/bytes.h"
#include "core/common/fd_io.h"
#include "core/common/posix_error.h"
#include "core/crypto/keys.h"

namespace gb {
namespace {

Error io_error(const std::string& what, const std::string& path, int err) {
  return posix_error(what + " " + path, err, err == ENOENT ? ErrorKind::NotFound : ErrorKind::Io).about_path(path);
}

Status make_dirs(const std::string& path) {
  std::string partial;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    partial = path.substr(0, pos);
    if (partial.empty()) continue;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) return io_error("cannot create directory", partial, errno);
  }
  return {};
}

void fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

FileBackend::FileBackend(std::string root) : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

Status FileBackend::create() { return make_dirs(root_ + "/tmp"); }

Result<bool> FileBackend::exists() {
  struct stat st;
  if (::stat(root_.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    return io_error("cannot read", root_, errno);
  }
  return S_ISDIR(st.st_mode);
}

// Atomic put: write a private temporary file, fsync it, rename it into place.
// A crash leaves at most a stray file under tmp/, never a partial object.
Status FileBackend::put(const std::string& name, ByteView data) {
  std::string final_path = path_of(name);
  GB_ASSIGN(Bytes suffix, random_bytes(12));
  std::string tmp = root_ + "/tmp/" + to_hex(suffix);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == ENOENT) {
    GB_CHECK(make_dirs(root_ + "/tmp"));
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  }
  if (fd < 0) return io_error("cannot create", tmp, errno);
  Status st = write_fully(fd, data) ? Status{} : io_error("cannot write", tmp, errno);
  if (st && ::fsync(fd) != 0) st = io_error("cannot flush", tmp, errno);
  ::close(fd);
  if (!st) {
    ::unlink(tmp.c_str());
    return st;
  }
  std::string dir = final_path.substr(0, final_path.rfind('/'));
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    int err = errno;
    if (err == ENOENT) {
      if (Status made = make_dirs(dir); !made) {
        ::unlink(tmp.c_str());
        return made;
      }
      if (::rename(tmp.c_str(), final_path.c_str()) == 0) {
        fsync_dir(dir);
        return {};
      }
      err = errno;
    }
    ::unlink(tmp.c_str());
    return io_error("cannot store", final_path, err);
  }
  fsync_dir(dir);
  return {};
}

Result<Bytes> FileBackend::get(const std::string& name) {
  std::string path = path_of(name);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open", path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return io_error("cannot stat", path, err);
  }
  Bytes out(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  out.resize(done);
  return out;
}

Result<Bytes> FileBackend::get_range(const std::string& name, uint64_t offset, uint64_t length) {
  std::string path = path_of(name);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open", path, errno);
  Bytes out(length);
  size_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd, out.data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  if (done != length)
    return make_error(ErrorKind::Corrupt, fmt::format("object {} is shorter than expected (truncated?)", name))
        .about_object(name)
        .because(Cause::MissingObject);
  return out;
}

Result<std::vector<ObjectInfo>> FileBackend::list(const std::string& prefix) {
  // Objects live in a shallow tree; walk the directory that holds the prefix.
  std::vector<ObjectInfo> out;
  std::string dir_part = prefix.substr(0, prefix.rfind('/') == std::string::npos ? 0 : prefix.rfind('/'));
  std::vector<std::string> pending{dir_part};
  while (!pending.empty()) {
    std::string rel = pending.back();
    pending.pop_back();
    std::string dir = rel.empty() ? root_ : root_ + "/" + rel;
    DIR* d = ::opendir(dir.c_str());
    if (!d) {
      if (errno == ENOENT || errno == ENOTDIR) continue;
      return io_error("cannot list", dir, errno);
    }
    while (struct dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n == "." || n == "..") continue;
      std::string child = rel.empty() ? n : rel + "/" + n;
      if (child == "tmp") continue;
      struct stat st;
      if (::stat((root_ + "/" + child).c_str(), &st) != 0) continue;
      if (S_ISDIR(st.st_mode)) {
        // Only descend where the prefix could still match.
        std::string as_dir = child + "/";
        if (as_dir.compare(0, std::min(as_dir.size(), prefix.size()), prefix, 0, std::min(as_dir.size(), prefix.size())) == 0)
          pending.push_back(child);
      } else if (child.compare(0, prefix.size(), prefix) == 0) {
        out.push_back({child, static_cast<uint64_t>(st.st_size)});
      }
    }
    ::closedir(d);
  }
  return out;
}

Result<ObjectInfo> FileBackend::stat(const std::string& name) {
  struct stat st;
  std::string path = path_of(name);
  if (::stat(path.c_str(), &st) != 0) return io_error("cannot stat", path, errno);
  return ObjectInfo{name, static_cast<uint64_t>(st.st_size)};
}

Status FileBackend::remove(const std::string& name) {
  std::string path = path_of(name);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return io_error("cannot remove", path, errno);
  return {};
}

}  // namespace gb
