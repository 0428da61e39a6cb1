#include "core/repository/repository.h"

#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>

#include "core/common/fd_io.h"
#include "core/common/posix_error.h"
#include "core/common/serial.h"
#include "core/content/blob_seal.h"
#include "core/content/content_id.h"
#include "core/content/envelope.h"
#include "core/content/pack_format.h"
#include "core/crypto/keys.h"
#include "core/crypto/sha256.h"
#include "core/delta/delta_patcher.h"
#include "core/fs/file_system.h"
#include "core/index/index_object.h"
#include "core/repository/prune_plan.h"
#include "core/repository/repository_lock.h"

#include <unordered_set>

namespace gb {

const Hash kEmptyContent = sha256({});

namespace {

// The config object: "GBR1" | repository id (16) | key check (8) | envelope.
// The key check (HMAC of a fixed label under the metadata key) tells a wrong
// cap apart from a damaged config without revealing anything about the key.
constexpr char kConfigMagic[] = "GBR1";

Bytes key_check(const RepositoryKeys& keys) {
  Hash h = hmac_sha256(keys.metadata, as_bytes("gridbackup key check"));
  return Bytes(h.begin(), h.begin() + 8);
}

Bytes encode_config(const RepositoryConfig& c) {
  Writer w;
  w.varint(c.version);
  w.bytes(c.repository_id);
  w.svarint(c.created);
  w.varint(c.segment_size);
  w.varint(c.pack_target);
  w.svarint(c.compression_level);
  w.varint(c.checkpoint_interval);
  return w.take();
}

Result<RepositoryConfig> decode_config(ByteView payload) {
  Reader r(payload);
  RepositoryConfig c;
  c.version = r.varint();
  c.repository_id = r.bytes();
  c.created = r.svarint();
  c.segment_size = r.varint();
  c.pack_target = r.varint();
  c.compression_level = static_cast<int>(r.svarint());
  c.checkpoint_interval = r.varint();
  if (!r.ok()) return make_error(ErrorKind::Corrupt, "the repository config is damaged: it is truncated");
  if (c.version != 1)
    return make_error(ErrorKind::Unsupported, fmt::format("the repository has format version {}; this gridbackup reads version 1", c.version));
  if (c.segment_size == 0 || c.segment_size > (64u << 20) || c.checkpoint_interval == 0)
    return make_error(ErrorKind::Corrupt, "the repository config is damaged: impossible parameters");
  return c;
}

}  // namespace

Repository::Repository(std::unique_ptr<Backend> backend, const Hash& master)
    : backend_(std::move(backend)), keys_(RepositoryKeys::from_master(master)) {}

Result<std::unique_ptr<Repository>> Repository::init(std::unique_ptr<Backend> backend, const Hash& master) {
  GB_CHECK(backend->create());
  auto existing = backend->stat("config");
  if (existing) return make_error(ErrorKind::InvalidArgument, fmt::format("a repository already exists at {}", backend->url()));
  if (existing.error().kind != ErrorKind::NotFound) return existing.error();
  std::unique_ptr<Repository> repo(new Repository(std::move(backend), master));
  GB_ASSIGN(repo->config_.repository_id, random_bytes(16));
  repo->config_.created = static_cast<int64_t>(std::time(nullptr));
  Bytes obj(kConfigMagic, kConfigMagic + 4);
  obj.insert(obj.end(), repo->config_.repository_id.begin(), repo->config_.repository_id.end());
  Bytes check = key_check(repo->keys_);
  obj.insert(obj.end(), check.begin(), check.end());
  GB_ASSIGN(Bytes sealed, seal_envelope(repo->keys_.metadata, EnvelopeKind::Config, encode_config(repo->config_)));
  obj.insert(obj.end(), sealed.begin(), sealed.end());
  GB_CHECK(repo->backend_->put("config", obj));
  return repo;
}

Result<std::unique_ptr<Repository>> Repository::open(std::unique_ptr<Backend> backend, const Hash& master, bool load_index) {
  std::unique_ptr<Repository> repo(new Repository(std::move(backend), master));
  auto config = repo->read_config();
  // A torn transfer can end short without an error from the backend; a config
  // that does not read as one is read once more before it is called damaged
  // (fault.robustness saw a short read reported as a damaged repository).
  if (!config && config.error().kind == ErrorKind::Corrupt) config = repo->read_config();
  if (!config) return config.error();
  repo->config_ = *config;
  if (load_index) GB_CHECK(repo->load_index());
  return repo;
}

Result<RepositoryConfig> Repository::read_config() {
  auto raw = backend_->get("config");
  if (!raw) {
    if (raw.error().kind == ErrorKind::NotFound)
      return make_error(ErrorKind::NotFound,
                        fmt::format("there is no GridBackup repository at {} (run 'gridbackup init' to create one)", backend_->url()));
    return raw.error();
  }
  const Bytes& obj = *raw;
  if (obj.size() < 28 || std::memcmp(obj.data(), kConfigMagic, 4) != 0)
    return make_error(ErrorKind::Corrupt, fmt::format("the object 'config' at {} is not a GridBackup repository config", backend_->url()));
  Bytes check = key_check(keys_);
  if (!std::equal(check.begin(), check.end(), obj.begin() + 20))
    return make_error(ErrorKind::WrongKey,
                      fmt::format("this cap does not open the repository at {} (it belongs to another repository)", backend_->url()));
  GB_ASSIGN(Bytes payload, open_envelope(keys_.metadata, EnvelopeKind::Config, ByteView(obj).subspan(28), "the repository config"));
  return decode_config(payload);
}

Status Repository::load_index() {
  if (index_loaded_) return {};
  // A damaged index object or plan must not block restores (issue 21): it is
  // left out and said in one line. Nothing stored from here on may trust the
  // rest, though: a damaged object may have superseded others (stale ones
  // naming deleted packs would come back), and a damaged plan hides what a
  // prune will delete. So for a process that stores (prepare_to_store)
  // everything counts as absent (content is stored again) and no pack is
  // adopted, until the damage is repaired; readers read what is named.
  GB_ASSIGN(auto loaded, load_index_objects(*backend_, keys_.metadata, /*skip_damaged=*/true));
  for (const auto& d : loaded.damaged)
    warn(
        fmt::format("{}; left out: files that need only it do not restore, and backups store content again until it is "
                    "repaired (delete it, then 'gridbackup upload' re-indexes its packs from their own headers, and 'gridbackup prune')",
                    d));
  // What a pending prune will delete counts as absent from here on: nothing
  // this process stores may refer to it (docs/FORMAT.md, "Prune"). Only the
  // copies the plan saw; a copy stored since, in a newer object, stays.
  auto plan = load_prune_plan(*backend_, keys_.metadata);
  if (!plan) {
    if (plan.error().kind != ErrorKind::Corrupt) return plan.error();
    warn(plan.error().message + "; restores are not affected, backups store content again until 'gridbackup prune' rewrites the plan");
    plan = std::optional<PrunePlan>{};
    distrusted_ = true;
  }
  if (!loaded.damaged.empty()) distrusted_ = true;
  std::unordered_set<std::string> planned;
  if (*plan) planned.insert((*plan)->index_objects.begin(), (*plan)->index_objects.end());
  for (const auto& [name, o] : loaded.objects)
    if (!planned.count(name)) index_.merge_object(o);
  if (*plan) {
    for (const auto& [name, o] : loaded.objects)
      if (planned.count(name)) index_.merge_planned(o, (*plan)->candidates);
    took_in(**plan);
  }
  index_loaded_ = true;
  return {};
}

void Repository::warn(const std::string& sentence) const {
  // Core code does not print as a rule; these damage lines are the exception
  // every command shares (restore, snapshots, backup), said once per process.
  std::fprintf(stderr, "warning: %s\n", sentence.c_str());
}

void Repository::took_in(const PrunePlan& plan) {
  not_adoptable_.insert(plan.unindexed_packs.begin(), plan.unindexed_packs.end());
  not_adoptable_.insert(plan.condemned_packs.begin(), plan.condemned_packs.end());
  applied_plan_ns_ = plan.created_ns;
}

Status Repository::refresh_prune_plan() {
  if (!index_loaded_) return {};
  auto read = load_prune_plan(*backend_, keys_.metadata);
  if (!read && read.error().kind == ErrorKind::Corrupt) {
    // Damaged since the index was loaded: trust nothing stored before (see load_index).
    if (!distrusted_) warn(read.error().message + "; content is stored again until 'gridbackup prune' rewrites the plan");
    distrusted_ = true;
    index_.doom_all();
    return {};
  }
  if (!read) return read.error();
  const std::optional<PrunePlan>& plan = *read;
  if (!plan) return {};
  if (plan->created_ns != applied_plan_ns_) {
    index_.doom_blobs(plan->candidates);
    took_in(*plan);
  }
  // Only here, not when the index is loaded: a backup may already refer to
  // its parent's content, chosen before it read the plan; a caller of this
  // has stored everything it referred to before.
  return lock_ ? lock_->note_plan_seen(plan->created_ns) : Status{};
}

void Repository::hold(std::unique_ptr<RepositoryLock> lock) { lock_ = std::move(lock); }

Result<std::string> Repository::lock_shared(const std::string& kind, const std::string& host, bool stores) {
  auto lock = RepositoryLock::shared(*backend_, keys_.metadata, kind, host);
  if (lock) {
    hold(std::move(*lock));
    return std::string();
  }
  if (stores) return lock.error();
  return fmt::format("no lock could be stored ({}); a prune running now could disturb this {}", lock.error().message, kind);
}

Repository::~Repository() = default;

void Repository::use_index(const LoadedIndexObjects& loaded) {
  for (const auto& [name, o] : loaded.objects) index_.merge_object(o);
  index_loaded_ = true;
}

Status Repository::reload_index_once() {
  std::lock_guard lock(reload_mu_);
  if (reloaded_) return {};
  reloaded_ = true;
  GB_ASSIGN(auto loaded, load_index_objects(*backend_, keys_.metadata, /*skip_damaged=*/true));
  for (const auto& [name, o] : loaded.objects) index_.merge_object(o);
  return {};
}

Result<Bytes> Repository::read_blob(const Hash& hash) {
  auto loc = index_.find_blob(hash);
  if (!loc && index_loaded_) {
    // Another host may have committed a snapshot after this process read
    // the index (restore latest while a backup finishes): read it again, once.
    GB_CHECK(reload_index_once());
    loc = index_.find_blob(hash);
  }
  if (!loc && index_loaded_ && storing_) {
    // Still missing, in a process that stores: an index object is lost
    // (deleted, or never written by a killed run that no mark tells of), its
    // packs still there. They are re-indexed from their own headers, once.
    bool first;
    {
      std::lock_guard lock(reload_mu_);
      first = !adopted_on_miss_;
      adopted_on_miss_ = true;
    }
    if (first) {
      GB_CHECK(adopt_unindexed_packs());
      loc = index_.find_blob(hash);
    }
  }
  if (!loc)
    return make_error(ErrorKind::NotFound, fmt::format("blob {} is not in the index (the index object naming it is missing or damaged; "
                                                       "'gridbackup upload' re-indexes packs no index object names)",
                                                       to_hex(hash).substr(0, 16)));
  std::string name = pack_object_name(index_.pack_name(loc->pack));
  auto box = backend_->get_range(name, loc->offset, loc->length);
  if (!box) {
    if (box.error().kind == ErrorKind::NotFound || box.error().kind == ErrorKind::Corrupt)
      return make_error(ErrorKind::Corrupt, fmt::format("object {} is missing or truncated", name)).about_object(name).because(Cause::MissingObject);
    return box.error();
  }
  return open_packed_blob(name, *loc, hash, *box);
}

Result<Bytes> Repository::open_packed_blob(const std::string& object, const BlobLocation& loc, const Hash& hash, ByteView box) const {
  auto plain = open_blob(keys_, loc.type, hash, box);
  if (!plain)
    return make_error(ErrorKind::Corrupt, fmt::format("object {} is damaged: blob {} {}", object, to_hex(hash).substr(0, 16), plain.error().message))
        .about_object(object)
        .because(Cause::Damaged);
  return plain;
}

bool Repository::full_version_present(const Hash& content) const {
  for (const Hash& h : content_segments(content))
    if (!index_.has_blob(h)) return false;
  return true;
}

bool Repository::content_present(const Hash& content, uint64_t size) const {
  if (size == 0 || content == kEmptyContent) return true;
  Hash current = content;
  // Present means restorable from what the index names now: a version stored
  // in full, or a delta whose blobs are stored and whose base is present. A
  // delta record alone proves nothing: its base may have lost its index
  // object, and the version may since have been stored again in full (the
  // healing backup of issue 21). The chain is short (capped when written),
  // and the guard stops a damaged index from looping.
  for (int guard = 0; guard < 1000; ++guard) {
    if (full_version_present(current)) return true;
    auto delta = index_.find_delta(current);
    if (!delta) return false;
    for (const Hash& h : delta->blobs)
      if (!index_.has_blob(h)) return false;
    if (delta->base == kEmptyContent) return true;
    current = delta->base;
  }
  return false;
}

uint32_t Repository::delta_depth(const Hash& content) const {
  if (full_version_present(content)) return 0;
  auto delta = index_.find_delta(content);
  return delta ? delta->depth : 0;
}

Status Repository::write_content(const Hash& content, uint64_t size, int out_fd, const std::string& scratch_dir) {
  if (size == 0 || content == kEmptyContent) return {};
  auto delta = index_.find_delta(content);
  // A full copy, when the index names every segment, needs no base.
  auto segments_known = [&] {
    for (const Hash& seg : content_segments(content))
      if (!index_.find_blob(seg)) return false;
    return true;
  };
  if (!delta || segments_known()) {
    for (const Hash& seg : content_segments(content)) {
      GB_ASSIGN(Bytes data, read_blob(seg));
      if (!write_fully(out_fd, data)) return posix_error("cannot write", errno);
    }
    return {};
  }
  // Rebuild the base first (itself possibly a delta), then patch it.
  GB_ASSIGN(UniqueFd base, fs::anonymous_temp_file(scratch_dir));
  const int base_fd = base.get();
  GB_CHECK(write_content(delta->base, 1, base_fd, scratch_dir));
  off_t start = ::lseek(out_fd, 0, SEEK_CUR);
  DeltaPatcher patcher(base_fd, out_fd);
  for (const Hash& blob : delta->blobs) {
    GB_ASSIGN(Bytes chunk, read_blob(blob));
    Status st = patcher.update(chunk);
    if (!st) return st.error().in_context(fmt::format("the delta of version {} does not apply", to_hex(content).substr(0, 16)));
  }
  GB_CHECK(patcher.finish());
  // librsync deltas carry no checksum: check what was written (content_id.h).
  GB_ASSIGN(bool same, fd_has_content(out_fd, start, content, config_.segment_size));
  if (!same)
    return make_error(ErrorKind::Corrupt, fmt::format("object (delta of version {}) rebuilds to the wrong content", to_hex(content).substr(0, 16)));
  return {};
}

Status Repository::read_content(const Hash& content, uint64_t size, const std::function<Status(ByteView)>& sink, const std::string& scratch_dir) {
  if (size == 0 || content == kEmptyContent) return {};
  bool all_segments = true;
  for (const Hash& seg : content_segments(content))
    if (!index_.find_blob(seg)) all_segments = false;
  if (!index_.find_delta(content) || all_segments) {
    // Each blob is checked against its hash as it is read (read_blob).
    for (const Hash& seg : content_segments(content)) {
      GB_ASSIGN(Bytes data, read_blob(seg));
      GB_CHECK(sink(data));
    }
    return {};
  }
  // A delta needs a seekable output to be patched into and checked.
  GB_ASSIGN(UniqueFd rebuilt, fs::anonymous_temp_file(scratch_dir));
  GB_CHECK(write_content(content, size, rebuilt.get(), scratch_dir));
  Bytes buf(1 << 20);
  for (off_t pos = 0;;) {
    ssize_t got = pread_fully(rebuilt.get(), buf.data(), buf.size(), pos);
    if (got < 0) return posix_error("cannot read back the rebuilt file", errno);
    if (got == 0) return {};
    GB_CHECK(sink(ByteView(buf.data(), static_cast<size_t>(got))));
    pos += got;
  }
}

void Repository::prepare_to_store() {
  storing_ = true;
  if (distrusted_) index_.doom_all();
}

Result<size_t> Repository::adopt_unindexed_packs() {
  prepare_to_store();
  if (distrusted_) return 0;  // a pack may be one a prune is deleting (load_index)
  GB_ASSIGN(auto objects, backend_->list("data/"));
  auto known = index_.pack_names();
  std::unordered_set<std::string> indexed(known.begin(), known.end());
  size_t adopted = 0;
  for (const auto& obj : objects) {
    std::string id = obj.name.substr(obj.name.rfind('/') + 1);
    if (indexed.count(id) || not_adoptable_.count(id)) continue;
    // A pack's bytes are checked against its name before anything in it is trusted.
    auto bytes = backend_->get(obj.name);
    if (!bytes || to_hex(sha256(*bytes)) != id) continue;  // damaged or vanished: verify reports it
    auto header = read_pack_header(keys_.metadata, *bytes, id);
    if (!header) continue;
    index_.add_pack(id, *header);
    ++adopted;
  }
  if (adopted) GB_CHECK(index_.flush(*backend_, keys_.metadata));
  return adopted;
}

std::vector<Hash> Repository::content_segments(const Hash& content) const {
  if (auto segs = index_.find_segments(content)) return *segs;
  return {content};
}

}  // namespace gb
