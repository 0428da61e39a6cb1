#define FUSE_USE_VERSION 31
#include "agents/fuse/fuse_mount.h"

#include <fuse.h>
#include <sys/stat.h>

#include <fmt/format.h>
#include <atomic>
#include <cerrno>
#include <cstring>

namespace gb {

namespace {

constexpr const char* kMissingXattr = "user.gridbackup.missing";

struct Context {
  BrowseCatalog* catalog;
  ContentCache* content;
  const FuseMountOptions* options;
};

// What an open file keeps: its entry, and where the last read ended (read-ahead follows a sequential reader).
// Atomic: the kernel may send reads of one file from several threads.
struct OpenFile {
  BrowseNode node;
  std::atomic<uint64_t> next_offset = 0;
};

Context& ctx() { return *static_cast<Context*>(fuse_get_context()->private_data); }

void log_failure(const std::string& what, const Error& e) {
  if (ctx().options->log) ctx().options->log(fmt::format("{}: {}", what, e.message));
}

int errno_of(const Error& e) { return e.kind == ErrorKind::NotFound && e.cause != Cause::MissingObject ? ENOENT : EIO; }

// Stable inode numbers: hard links of one snapshot share theirs (stat and
// find see the link groups), everything else is its snapshot and path.
uint64_t inode_of(const std::string& a, const std::string& b) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a: a spread, not a secret
  for (char c : a) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  h = (h ^ 0) * 1099511628211ull;
  for (char c : b) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h < 2 ? h + 2 : h;
}

void set_time(struct timespec& ts, int64_t ns) {
  ts.tv_sec = ns / 1'000'000'000;
  ts.tv_nsec = ns % 1'000'000'000;
  if (ts.tv_nsec < 0) ts.tv_nsec += 1'000'000'000, --ts.tv_sec;
}

mode_t type_bits(NodeType t) {
  switch (t) {
    case NodeType::File:
      return S_IFREG;
    case NodeType::Dir:
      return S_IFDIR;
    case NodeType::Symlink:
      return S_IFLNK;
    case NodeType::Fifo:
      return S_IFIFO;
    case NodeType::CharDev:
      return S_IFCHR;
    case NodeType::BlockDev:
      return S_IFBLK;
    case NodeType::Socket:
      return S_IFSOCK;
  }
  return S_IFREG;
}

void fill_stat(const std::string& path, const BrowseNode& n, struct stat* st) {
  std::memset(st, 0, sizeof *st);
  if (n.kind != BrowseNode::Kind::Stored) {
    st->st_ino = inode_of("", path);
    st->st_mode = n.kind == BrowseNode::Kind::Dir ? S_IFDIR | 0555 : S_IFLNK | 0777;
    st->st_nlink = n.kind == BrowseNode::Kind::Dir ? 2 : 1;
    st->st_size = n.kind == BrowseNode::Kind::Symlink ? n.target.size() : 0;
    set_time(st->st_mtim, n.time_ns);
    st->st_ctim = st->st_atim = st->st_mtim;
    return;
  }
  const Entry& e = n.node->entry;
  st->st_ino =
      e.hardlink_id && e.type != NodeType::Dir ? inode_of(n.snapshot_id, fmt::format("#{:x}", e.hardlink_id)) : inode_of(n.snapshot_id, e.path);
  st->st_mode = type_bits(e.type) | (e.mode & 07777);
  st->st_nlink = n.node->links;
  st->st_uid = e.uid;
  st->st_gid = e.gid;
  st->st_rdev = e.rdev;
  st->st_size = e.type == NodeType::Symlink ? e.symlink_target.size() : e.size;  // a directory: its size as stored
  st->st_blocks = (st->st_size + 511) / 512;
  st->st_blksize = 1 << 20;  // a segment: tools read in steps the cache serves whole
  set_time(st->st_mtim, e.mtime_ns);
  set_time(st->st_ctim, e.ctime_ns);
  st->st_atim = st->st_mtim;
}

int op_getattr(const char* path, struct stat* st, struct fuse_file_info*) {
  auto n = ctx().catalog->resolve(path);
  if (!n) return -errno_of(n.error());
  fill_stat(path, *n, st);
  return 0;
}

int op_readlink(const char* path, char* buf, size_t size) {
  auto n = ctx().catalog->resolve(path);
  if (!n) return -errno_of(n.error());
  const std::string* target = nullptr;
  if (n->kind == BrowseNode::Kind::Symlink) target = &n->target;
  if (n->kind == BrowseNode::Kind::Stored && n->node->entry.type == NodeType::Symlink) target = &n->node->entry.symlink_target;
  if (!target) return -EINVAL;
  if (size == 0) return -EINVAL;
  size_t len = std::min(size - 1, target->size());
  std::memcpy(buf, target->data(), len);
  buf[len] = 0;
  return 0;
}

int op_readdir(const char* path, void* buf, fuse_fill_dir_t filler, off_t, struct fuse_file_info*, enum fuse_readdir_flags) {
  auto n = ctx().catalog->resolve(path);
  if (!n) return -errno_of(n.error());
  const std::vector<std::string>* names = &n->children;
  if (n->kind == BrowseNode::Kind::Stored) {
    if (n->node->entry.type != NodeType::Dir) return -ENOTDIR;
    names = &n->node->children;
  } else if (n->kind != BrowseNode::Kind::Dir) {
    return -ENOTDIR;
  }
  filler(buf, ".", nullptr, 0, static_cast<fuse_fill_dir_flags>(0));
  filler(buf, "..", nullptr, 0, static_cast<fuse_fill_dir_flags>(0));
  for (const auto& name : *names)
    if (filler(buf, name.c_str(), nullptr, 0, static_cast<fuse_fill_dir_flags>(0))) break;
  return 0;
}

int op_open(const char* path, struct fuse_file_info* fi) {
  if ((fi->flags & O_ACCMODE) != O_RDONLY) return -EROFS;
  auto n = ctx().catalog->resolve(path);
  if (!n) return -errno_of(n.error());
  if (n->kind != BrowseNode::Kind::Stored || n->node->entry.type != NodeType::File) return -EISDIR;
  auto present = ctx().content->present(n->node->entry);
  if (!present) {
    log_failure(fmt::format("cannot open {}", path), present.error());
    return -EIO;
  }
  if (!*present) return -EIO;  // not stored yet: the xattr user.gridbackup.missing says so
  fi->keep_cache = 1;          // stored content never changes: the page cache stays valid
  fi->fh = reinterpret_cast<uint64_t>(new OpenFile{std::move(*n)});
  return 0;
}

int op_read(const char*, char* buf, size_t size, off_t offset, struct fuse_file_info* fi) {
  auto* f = reinterpret_cast<OpenFile*>(fi->fh);
  bool sequential = static_cast<uint64_t>(offset) == f->next_offset;
  auto got = ctx().content->read(f->node.node->entry, static_cast<uint64_t>(offset), size, sequential);
  if (!got) {
    log_failure(fmt::format("cannot read {}", f->node.node->entry.path), got.error());
    return -EIO;
  }
  std::memcpy(buf, got->data(), got->size());
  f->next_offset = static_cast<uint64_t>(offset) + got->size();
  return static_cast<int>(got->size());
}

int op_release(const char*, struct fuse_file_info* fi) {
  delete reinterpret_cast<OpenFile*>(fi->fh);
  return 0;
}

// The xattrs a path shows: as stored, plus user.gridbackup.missing on a file not stored yet.
Result<std::vector<std::pair<std::string, std::string>>> xattrs_of(const char* path) {
  GB_ASSIGN(BrowseNode n, ctx().catalog->resolve(path));
  std::vector<std::pair<std::string, std::string>> out;
  if (n.kind != BrowseNode::Kind::Stored) return out;
  out = n.node->entry.xattrs;
  if (n.node->entry.type == NodeType::File) {
    GB_ASSIGN(bool present, ctx().content->present(n.node->entry));
    if (!present) out.emplace_back(kMissingXattr, "content not stored yet (its upload is pending)");
  }
  return out;
}

int op_getxattr(const char* path, const char* name, char* value, size_t size) {
  auto all = xattrs_of(path);
  if (!all) return -errno_of(all.error());
  for (const auto& [n, v] : *all) {
    if (n != name) continue;
    if (size == 0) return static_cast<int>(v.size());
    if (size < v.size()) return -ERANGE;
    std::memcpy(value, v.data(), v.size());
    return static_cast<int>(v.size());
  }
  return -ENODATA;
}

int op_listxattr(const char* path, char* list, size_t size) {
  auto all = xattrs_of(path);
  if (!all) return -errno_of(all.error());
  std::string names;
  for (const auto& [n, v] : *all) names.append(n).push_back('\0');
  if (size == 0) return static_cast<int>(names.size());
  if (size < names.size()) return -ERANGE;
  std::memcpy(list, names.data(), names.size());
  return static_cast<int>(names.size());
}

void* op_init(struct fuse_conn_info*, struct fuse_config* cfg) {
  cfg->use_ino = 1;       // our inode numbers: hard links show as one inode
  cfg->kernel_cache = 1;  // content is immutable
  return fuse_get_context()->private_data;
}

}  // namespace

Status serve_fuse_mount(BrowseCatalog& catalog, ContentCache& content, const FuseMountOptions& options) {
  struct fuse_operations ops;
  std::memset(&ops, 0, sizeof ops);
  ops.getattr = op_getattr;
  ops.readlink = op_readlink;
  ops.readdir = op_readdir;
  ops.open = op_open;
  ops.read = op_read;
  ops.release = op_release;
  ops.getxattr = op_getxattr;
  ops.listxattr = op_listxattr;
  ops.init = op_init;
  Context context{&catalog, &content, &options};
  // Others (allow_other) meet the stored owners and modes: the kernel checks them (default_permissions).
  std::string mount_opts = "ro,fsname=gridbackup,subtype=gridbackup";
  if (options.allow_other) mount_opts += ",allow_other,default_permissions";
  const char* argv[] = {"gridbackup", "-o", mount_opts.c_str()};
  struct fuse_args args = FUSE_ARGS_INIT(3, const_cast<char**>(argv));
  struct fuse* fuse = fuse_new(&args, &ops, sizeof ops, &context);
  if (!fuse) return make_error(ErrorKind::Io, "cannot start the FUSE file system (libfuse said why above)");
  if (fuse_mount(fuse, options.mountpoint.c_str()) != 0) {
    fuse_destroy(fuse);
    return make_error(ErrorKind::Io,
                      fmt::format("cannot mount at {} (is /dev/fuse there, and the directory empty and not mounted?)", options.mountpoint));
  }
  struct fuse_session* se = fuse_get_session(fuse);
  // SIGINT, SIGTERM and SIGHUP end the loop; the mount is then taken down below.
  if (fuse_set_signal_handlers(se) != 0) {
    fuse_unmount(fuse);
    fuse_destroy(fuse);
    return make_error(ErrorKind::Io, "cannot install the signal handlers of the mount");
  }
  if (options.mounted) options.mounted();
  int rc = fuse_loop_mt(fuse, 0);
  fuse_remove_signal_handlers(se);
  fuse_unmount(fuse);
  fuse_destroy(fuse);
  if (rc < 0) return make_error(ErrorKind::Io, fmt::format("the FUSE loop failed: {}", std::strerror(-rc)));
  return {};
}

}  // namespace gb
