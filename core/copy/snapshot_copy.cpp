#include "core/copy/snapshot_copy.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <future>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "core/common/fd_io.h"
#include "core/common/posix_error.h"
#include "core/common/serial.h"
#include "core/common/thread_pool.h"
#include "core/content/packer.h"
#include "core/crypto/sha256.h"
#include "core/fs/file_system.h"
#include "core/snapshot/log_writer.h"
#include "core/snapshot/snapshot_store.h"
#include "core/snapshot/view_reader.h"

namespace gb {
namespace {

// What copy needs of a view: a digest of every entry (two views with equal
// digests restore identically and name the same content), and the distinct
// file contents with their sizes.
struct ViewFacts {
  Hash digest{};
  std::vector<std::pair<Hash, uint64_t>> contents;
};

Result<ViewFacts> read_view(Repository& repo, const Snapshot& s, bool with_contents) {
  GB_ASSIGN(auto logs, SnapshotStore(repo).chain(s));
  ViewReader view(repo, logs);
  ViewFacts facts;
  Sha256 digest;
  std::unordered_set<Hash, HashHasher> seen;
  Entry e;
  for (;;) {
    GB_ASSIGN(bool more, view.next(e));
    if (!more) break;
    Writer w;
    encode_entry(e, w);
    digest.update(w.buffer());
    if (with_contents && e.type == NodeType::File && e.size > 0 && e.content != kEmptyContent && seen.insert(e.content).second)
      facts.contents.emplace_back(e.content, e.size);
  }
  facts.digest = digest.finish();
  return facts;
}

// restic's similarSnapshots: everything but the parent (and the view, compared apart).
bool same_description(const Snapshot& a, const Snapshot& b) {
  return a.time_ns == b.time_ns && a.hostname == b.hostname && a.username == b.username && a.paths == b.paths && a.excludes == b.excludes &&
         a.tags == b.tags;
}

class Copier {
 public:
  Copier(Repository& from, Repository& to, const CopyOptions& options, CopyResult& result)
      : from_(from), to_(to), options_(options), result_(result), pool_(std::max(2, options.workers)) {
    if (!options.dry_run) packer_.emplace(to.upload_backend(), to.keys(), packs_into(to.index()), to.packer_options(options.workers));
  }

  Status run(std::vector<Snapshot> chosen) {
    std::stable_sort(chosen.begin(), chosen.end(), [](const Snapshot& a, const Snapshot& b) { return a.time_ns < b.time_ns; });
    GB_ASSIGN(destination_, SnapshotStore(to_).list());
    if (options_.progress) options_.progress->snapshots_total = chosen.size();
    for (const Snapshot& s : chosen) {
      if (Status st = copy_one(s); !st) return st.error().in_context(fmt::format("snapshot {}", s.short_id()));
      if (options_.progress) {
        options_.progress->current_total = 0;
        ++options_.progress->snapshots_done;
      }
    }
    if (packer_) {
      GB_CHECK(drain_reads());
      GB_CHECK(packer_->finish());
      result_.bytes_stored = packer_->stored_bytes();
    }
    return {};
  }

 private:
  Status copy_one(const Snapshot& s) {
    CopiedSnapshot done;
    done.source = s;
    GB_ASSIGN(ViewFacts facts, read_view(from_, s, true));
    GB_ASSIGN(const Snapshot* twin, twin_of(s, facts.digest));
    if (twin) {
      done.outcome = CopiedSnapshot::Outcome::Present;
      done.destination = twin->id;
      done.checkpoint = twin->checkpoint;
      copies_[s.id] = *twin;
      ++result_.present;
      result_.snapshots.push_back(std::move(done));
      return {};
    }
    for (const auto& [content, size] : facts.contents) {
      if (!from_.content_present(content, size)) {
        done.outcome = CopiedSnapshot::Outcome::Incomplete;
        ++result_.incomplete;
        result_.snapshots.push_back(std::move(done));
        return {};
      }
    }
    if (options_.progress) {
      uint64_t total = 0;
      for (const auto& c : facts.contents) total += c.second;
      options_.progress->current_done = 0;
      options_.progress->current_total = total;
    }
    for (const auto& [content, size] : facts.contents) {
      GB_CHECK(count_and_copy(content, size));
      if (options_.progress) options_.progress->current_done += size;
    }

    Snapshot copy = s;
    copy.id.clear();
    auto parent = copies_.find(s.parent);
    copy.parent = parent == copies_.end() ? "" : parent->second.id;
    if (!s.checkpoint && parent != copies_.end()) {
      // The parent's copy has the parent's view: the same delta log applies.
      copy.checkpoint = false;
      copy.depth = parent->second.depth + 1;
      for (const Hash& blob : s.log_blobs) GB_CHECK(copy_blob(BlobType::Log, blob));
    } else {
      copy.checkpoint = true;
      copy.depth = 0;
      copy.log_blobs.clear();
      if (packer_) {
        GB_ASSIGN(copy.log_blobs, write_checkpoint(s));
      }
    }
    done.checkpoint = copy.checkpoint;
    if (packer_) {
      // Packs, then the index object naming them, then the snapshot (FORMAT.md).
      GB_CHECK(drain_reads());
      GB_CHECK(packer_->flush());
      GB_CHECK(to_.index().flush(to_.upload_backend(), to_.keys().metadata));
      GB_CHECK(SnapshotStore(to_).save(copy));
      if (options_.stored) options_.stored(copy);
      done.destination = copy.id;
      digests_[copy.id] = facts.digest;
      destination_.push_back(copy);
    }
    copies_[s.id] = copy;
    ++result_.copied;
    result_.snapshots.push_back(std::move(done));
    return {};
  }

  // The destination's snapshot that already is `s`, if any.
  Result<const Snapshot*> twin_of(const Snapshot& s, const Hash& digest) {
    for (const Snapshot& d : destination_) {
      if (!same_description(s, d)) continue;
      auto known = digests_.find(d.id);
      if (known == digests_.end()) {
        GB_ASSIGN(ViewFacts facts, read_view(to_, d, false));
        known = digests_.emplace(d.id, facts.digest).first;
      }
      if (known->second == digest) return &d;
    }
    return nullptr;
  }

  // The full view of `s` as one checkpoint log in the destination.
  Result<std::vector<Hash>> write_checkpoint(const Snapshot& s) {
    GB_ASSIGN(auto logs, SnapshotStore(from_).chain(s));
    ViewReader view(from_, logs);
    LogWriter log(*packer_);
    Entry e;
    for (;;) {
      GB_ASSIGN(bool more, view.next(e));
      if (!more) break;
      log.add(e);
    }
    return log.finish();
  }

  // A file content the snapshot names, counted once per run: new (stored
  // now) or present (the destination had it).
  Status count_and_copy(const Hash& content, uint64_t size) {
    if (!counted_.insert(content).second) return {};
    bool fresh = stored_.count(content) > 0;
    if (!fresh && !to_.content_present(content, size)) {
      GB_CHECK(copy_content(content, size));
      fresh = true;
    }
    (fresh ? result_.contents_new : result_.contents_present) += 1;
    (fresh ? result_.bytes_new : result_.bytes_present) += size;
    if (options_.progress) (fresh ? options_.progress->bytes_new : options_.progress->bytes_present) += size;
    return {};
  }

  // Stores one version the destination lacks, as the source stores it: its
  // segments (and segment list), or its delta blobs after its base; and its
  // librsync signature, so the next backup into the destination can store a
  // delta against it.
  Status copy_content(const Hash& content, uint64_t size) {
    if (size == 0 || content == kEmptyContent) return {};
    if (stored_.count(content) || to_.content_present(content, size)) return {};
    stored_.insert(content);
    if (from_.full_version_present(content)) {
      std::vector<Hash> segments = from_.content_segments(content);
      for (const Hash& seg : segments) GB_CHECK(copy_blob(BlobType::Data, seg));
      if (segments.size() > 1 && packer_) to_.index().add_segments(content, std::move(segments));
    } else if (auto delta = from_.index().find_delta(content); delta && !to_.index().find_delta(content)) {
      GB_CHECK(copy_content(delta->base, 1));
      for (const Hash& blob : delta->blobs) GB_CHECK(copy_blob(BlobType::Delta, blob));
      DeltaLink link = *delta;
      link.depth = (delta->base == kEmptyContent ? 0 : to_.delta_depth(delta->base)) + 1;
      if (packer_) to_.index().add_delta(content, std::move(link));
    } else {
      // The destination names another delta for this version (whose blobs
      // are gone): store it in full instead.
      GB_CHECK(rebuild(content, size));
    }
    if (auto sig = from_.index().find_signature(content); sig && !to_.index().find_signature(content)) {
      GB_CHECK(copy_blob(BlobType::Signature, *sig));
      if (packer_) to_.index().add_signature(content, *sig);
    }
    return {};
  }

  // The version rebuilt through the source's delta chain, stored in segments.
  Status rebuild(const Hash& content, uint64_t size) {
    if (!packer_) return {};
    GB_ASSIGN(UniqueFd temp, fs::anonymous_temp_file(options_.scratch_dir));
    GB_CHECK(from_.write_content(content, size, temp.get(), options_.scratch_dir));
    std::vector<Hash> segments;
    Bytes buf(to_.config().segment_size);
    for (off_t pos = 0;;) {
      ssize_t n = pread_fully(temp.get(), buf.data(), buf.size(), pos);
      if (n < 0) return posix_error("cannot read back a rebuilt version", errno);
      if (n == 0) break;
      Bytes seg(buf.begin(), buf.begin() + n);
      Hash h = sha256(seg);
      segments.push_back(h);
      if (!to_.index().has_blob(h) && added_.insert(h).second) packer_->add(BlobType::Data, h, std::move(seg));
      pos += n;
    }
    GB_CHECK(packer_->status());
    if (segments.size() > 1) to_.index().add_segments(content, std::move(segments));
    return {};
  }

  // One blob from the source into the destination's packer, unless the
  // destination has it (or it is on its way there). Reads (fetch, open,
  // check, decompress) run on the pool, a bounded window ahead, while the
  // packer seals on its own threads.
  Status copy_blob(BlobType type, const Hash& blob) {
    if (to_.index().has_blob(blob) || !added_.insert(blob).second) return {};
    if (!packer_) return {};
    reads_.push_back({type, blob, pool_.submit([this, blob] { return from_.read_blob(blob); })});
    while (reads_.size() > kReadWindow) GB_CHECK(take_read());
    return packer_->status();
  }
  Status take_read() {
    Read r = std::move(reads_.front());
    reads_.pop_front();
    GB_ASSIGN(Bytes plain, r.plain.get());
    packer_->add(r.type, r.blob, std::move(plain));
    return {};
  }
  // Every read in flight handed to the packer (before a flush).
  Status drain_reads() {
    while (!reads_.empty()) GB_CHECK(take_read());
    return {};
  }

  Repository& from_;
  Repository& to_;
  const CopyOptions& options_;
  CopyResult& result_;
  std::optional<Packer> packer_;
  struct Read {
    BlobType type;
    Hash blob;
    std::future<Result<Bytes>> plain;
  };
  static constexpr size_t kReadWindow = 16;  // blobs (a segment is at most the segment size)
  ThreadPool pool_;
  std::deque<Read> reads_;
  std::vector<Snapshot> destination_;                              // the destination's snapshots (and those copied now)
  std::unordered_map<std::string, Hash> digests_;                  // destination snapshot id -> view digest, as read
  std::map<std::string, Snapshot> copies_;                         // source id -> its copy in the destination
  std::unordered_set<Hash, HashHasher> counted_, stored_, added_;  // contents counted, contents stored, blobs handed to the packer
};

}  // namespace

Result<CopyResult> copy_snapshots(Repository& from, Repository& to, std::vector<Snapshot> chosen, const CopyOptions& options) {
  if (from.config().repository_id == to.config().repository_id)
    return make_error(ErrorKind::InvalidArgument, "the source and the destination are the same repository: nothing to copy");
  // A content hash is made from the version's segment ids (content_id.h):
  // with another segment size the same bytes would have another name.
  if (from.config().segment_size != to.config().segment_size)
    return make_error(ErrorKind::InvalidArgument,
                      fmt::format("cannot copy between repositories that cut files into segments of different sizes ({} and {} bytes)",
                                  from.config().segment_size, to.config().segment_size));
  // A damaged index is not trusted for storing. (What a killed run stored
  // the caller adopts first: storing_run.h.)
  if (!options.dry_run) to.prepare_to_store();
  CopyResult result;
  Copier copier(from, to, options, result);
  GB_CHECK(copier.run(std::move(chosen)));
  return result;
}

}  // namespace gb
