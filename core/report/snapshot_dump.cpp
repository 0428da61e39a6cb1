#include "core/report/snapshot_dump.h"
#include "core/common/posix_error.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>
#include <memory>
#include <unordered_map>

#include "core/common/fd_io.h"
#include "core/common/path_order.h"
#include "core/snapshot/view_reader.h"

namespace gb {

namespace {

struct ArchiveCloser {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryFreer {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

Error archive_failure(archive* a, const std::string& what) {
  const char* why = archive_error_string(a);
  return make_error(ErrorKind::Io, fmt::format("cannot write the tar stream ({}): {}", what, why ? why : "unknown error"));
}

// The name in the stream: `path` relative to the parent of `root`.
std::string tar_name(const std::string& root, const std::string& path) {
  if (root == "/") return path == "/" ? "." : path.substr(1);
  size_t cut = root.rfind('/');  // root is absolute and not "/": the parent ends there
  return path.substr(cut + 1);
}

unsigned tar_type(NodeType t) {
  switch (t) {
    case NodeType::File:
      return AE_IFREG;
    case NodeType::Dir:
      return AE_IFDIR;
    case NodeType::Symlink:
      return AE_IFLNK;
    case NodeType::Fifo:
      return AE_IFIFO;
    case NodeType::CharDev:
      return AE_IFCHR;
    case NodeType::BlockDev:
      return AE_IFBLK;
    case NodeType::Socket:
      return 0;
  }
  return 0;
}

}  // namespace

Result<std::optional<Entry>> find_view_entry(Repository& repo, const std::vector<std::vector<Hash>>& logs, const std::string& path) {
  ViewReader view(repo, logs);
  Entry e;
  for (;;) {
    GB_ASSIGN(bool more, view.next(e));
    if (!more) return std::optional<Entry>{};
    int c = path_compare(e.path, path);
    if (c == 0) return std::optional<Entry>{std::move(e)};
    if (c > 0) return std::optional<Entry>{};  // the view is sorted: the path is not in it
  }
}

Status dump_file(Repository& repo, const Entry& file, int out_fd, const std::string& scratch_dir) {
  if (!repo.content_present(file.content, file.size))
    return make_error(ErrorKind::NotFound,
                      fmt::format("the content of {} is not in the repository (not uploaded yet, or lost: run verify)", file.path));
  return repo.read_content(
      file.content, file.size,
      [&](ByteView piece) -> Status {
        if (!write_fully(out_fd, piece)) return posix_error("cannot write the output", errno);
        return {};
      },
      scratch_dir);
}

Result<TarDumpResult> dump_tar(Repository& repo, const std::vector<std::vector<Hash>>& logs, const std::string& root, int out_fd,
                               const std::string& scratch_dir) {
  std::unique_ptr<archive, ArchiveCloser> a(archive_write_new());
  if (!a) return make_error(ErrorKind::Io, "cannot start a tar stream: out of memory");
  // pax: exact name bytes (hdrcharset=BINARY when not UTF-8), no length or size limits,
  // nanosecond times and xattrs (SCHILY.xattr, which GNU tar reads; the restricted
  // variant drops both).
  if (archive_write_set_format_pax(a.get()) != ARCHIVE_OK) return archive_failure(a.get(), "pax format");
  if (archive_write_open_fd(a.get(), out_fd) != ARCHIVE_OK) return archive_failure(a.get(), "open");
  TarDumpResult out;
  std::unordered_map<uint64_t, std::string> first_link;  // hardlink id -> the name its first path got in the stream
  std::unique_ptr<archive_entry, EntryFreer> ae(archive_entry_new());
  ViewReader view(repo, logs);
  Entry e;
  bool inside = false;
  for (;;) {
    GB_ASSIGN(bool more, view.next(e));
    if (!more) break;
    if (!path_within(e.path, root)) {
      if (inside) break;  // sorted: everything below root comes together, right after it
      continue;
    }
    inside = true;
    unsigned type = tar_type(e.type);
    if (type == 0) {
      out.skipped.push_back(e.path);
      continue;
    }
    std::string name = tar_name(root, e.path);
    archive_entry_clear(ae.get());
    archive_entry_copy_pathname(ae.get(), name.c_str());
    archive_entry_set_filetype(ae.get(), type);
    archive_entry_set_perm(ae.get(), e.mode & 07777);
    archive_entry_set_uid(ae.get(), e.uid);
    archive_entry_set_gid(ae.get(), e.gid);
    archive_entry_set_mtime(ae.get(), e.mtime_ns / 1000000000, e.mtime_ns % 1000000000);
    for (const auto& [key, value] : e.xattrs) archive_entry_xattr_add_entry(ae.get(), key.c_str(), value.data(), value.size());
    bool content = false;
    if (e.type == NodeType::Symlink) {
      archive_entry_copy_symlink(ae.get(), e.symlink_target.c_str());
    } else if (e.type == NodeType::CharDev || e.type == NodeType::BlockDev) {
      archive_entry_set_rdev(ae.get(), static_cast<dev_t>(e.rdev));
    } else if (e.type == NodeType::File) {
      auto [it, first] = e.hardlink_id ? first_link.try_emplace(e.hardlink_id, name) : std::pair{first_link.end(), true};
      if (!first) {
        archive_entry_copy_hardlink(ae.get(), it->second.c_str());  // a link: no data of its own
        archive_entry_set_size(ae.get(), 0);
      } else {
        if (!repo.content_present(e.content, e.size))
          return make_error(ErrorKind::NotFound,
                            fmt::format("the content of {} is not in the repository (not uploaded yet, or lost: run verify)", e.path));
        archive_entry_set_size(ae.get(), static_cast<la_int64_t>(e.size));
        content = true;
      }
    }
    if (archive_write_header(a.get(), ae.get()) < ARCHIVE_WARN) return archive_failure(a.get(), e.path);
    if (content) {
      uint64_t written = 0;
      GB_CHECK(repo.read_content(
          e.content, e.size,
          [&](ByteView piece) -> Status {
            if (written + piece.size() > e.size)
              return make_error(ErrorKind::Corrupt, fmt::format("the content of {} is longer than its size", e.path));
            if (archive_write_data(a.get(), piece.data(), piece.size()) != static_cast<la_ssize_t>(piece.size()))
              return archive_failure(a.get(), e.path);
            written += piece.size();
            return {};
          },
          scratch_dir));
      if (written != e.size) return make_error(ErrorKind::Corrupt, fmt::format("the content of {} is shorter than its size", e.path));
      out.bytes += written;
    }
    ++out.entries;
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) return archive_failure(a.get(), "end");
  return out;
}

Result<TarDumpResult> dump_entry(Repository& repo, const std::vector<std::vector<Hash>>& logs, const Entry& entry, int out_fd,
                                 const std::string& scratch_dir) {
  if (entry.type != NodeType::File) return dump_tar(repo, logs, entry.path, out_fd, scratch_dir);
  GB_CHECK(dump_file(repo, entry, out_fd, scratch_dir));
  TarDumpResult one;
  one.entries = 1;
  one.bytes = entry.size;
  return one;
}

}  // namespace gb
