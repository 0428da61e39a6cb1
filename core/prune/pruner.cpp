#include "core/prune/pruner.h"

#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <thread>
#include <unordered_map>

#include "core/common/clock.h"
#include "core/common/posix_error.h"
#include "core/content/pack_format.h"
#include "core/content/packer.h"
#include "core/crypto/sha256.h"
#include "core/fs/file_system.h"
#include "core/index/index_object.h"
#include "core/prune/reachability.h"
#include "core/repository/prune_plan.h"
#include "core/repository/repository_lock.h"
#include "core/snapshot/snapshot_store.h"

namespace gb {
namespace {

// A rewritten pack's live blobs are read in ranges of at most this many
// bytes, one range spanning gaps under kRewriteGap (a range holds at least one blob).
constexpr uint64_t kRewriteRead = 4u << 20, kRewriteGap = 256u << 10;

std::string mib(uint64_t bytes) { return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20)); }

// The pack ids stored under data/, with their stored sizes (what deleting one frees).
Result<std::unordered_map<std::string, uint64_t>> stored_packs(Backend& backend) {
  GB_ASSIGN(auto objects, backend.list("data/"));
  std::unordered_map<std::string, uint64_t> out;
  for (const auto& o : objects) out.emplace(o.name.substr(o.name.rfind('/') + 1), o.size);
  return out;
}

// The snapshot ids stored under snapshots/ (forgotten or not), with their sizes.
Result<std::unordered_map<std::string, uint64_t>> stored_snapshot_ids(Backend& backend) {
  GB_ASSIGN(auto objects, backend.list("snapshots/"));
  std::unordered_map<std::string, uint64_t> out;
  for (const auto& o : objects) out.emplace(o.name.substr(10), o.size);
  return out;
}

// Where each blob that stays lives (its first indexed copy), and what
// happens to each indexed pack: one choice for the sweep and for the
// dry run's forecast, so the two say the same.
struct PackChoice {
  std::unordered_map<Hash, std::string, HashHasher> home;
  std::unordered_set<std::string> indexed_packs;
  std::vector<std::string> delete_packs;                   // no blob stays
  std::map<std::string, std::vector<PackedBlob>> rewrite;  // more than max_unused unused: live blobs copied out
  std::map<std::string, std::vector<PackedBlob>> keep;     // stays as it is (its unused bytes with it)
  uint64_t delete_bytes = 0, rewrite_bytes = 0, rewrite_live_bytes = 0, unused_bytes_kept = 0;
};

// A pack's unused share is measured against its stored size, not the sum of
// its indexed blobs: bytes an earlier sweep left unindexed in a kept pack
// count as unused, so they go once enough gathers.
PackChoice choose_packs(const LoadedIndexObjects& loaded, const std::unordered_set<Hash, HashHasher>& doomed,
                        const std::unordered_map<std::string, uint64_t>& sizes, double max_unused) {
  PackChoice c;
  std::unordered_map<std::string, uint64_t> indexed, used;
  std::unordered_map<std::string, std::vector<PackedBlob>> kept_in;
  for (const auto& [name, o] : loaded.objects)
    for (const auto& [pack, blobs] : o.packs) {
      c.indexed_packs.insert(pack);
      for (const auto& b : blobs) {
        indexed[pack] += b.length;
        if (doomed.count(b.hash) || !c.home.try_emplace(b.hash, pack).second) continue;
        used[pack] += b.length;
        kept_in[pack].push_back(b);
      }
    }
  for (const auto& [pack, blob_bytes] : indexed) {
    auto it = sizes.find(pack);
    uint64_t size = it == sizes.end() ? blob_bytes : std::max(it->second, blob_bytes);
    uint64_t u = used[pack];
    if (u == 0) {
      c.delete_packs.push_back(pack);
      c.delete_bytes += it == sizes.end() ? 0 : it->second;
    } else if (static_cast<double>(size - u) > max_unused * static_cast<double>(size)) {
      c.rewrite.emplace(pack, std::move(kept_in[pack]));
      c.rewrite_bytes += it == sizes.end() ? 0 : it->second;
      c.rewrite_live_bytes += u;
    } else {
      c.keep.emplace(pack, std::move(kept_in[pack]));
      c.unused_bytes_kept += blob_bytes - u;
    }
  }
  return c;
}

// One opened repository with the whole index, as read now.
struct IndexView {
  std::unique_ptr<Repository> repo;
  LoadedIndexObjects loaded;
  std::vector<Snapshot> kept;
};

Result<IndexView> read_repository(const RepositoryOpener& open, const PruneOptions& options) {
  IndexView v;
  GB_ASSIGN(v.repo, open());
  // Snapshots first: a snapshot is stored after the index object naming
  // its logs, so every snapshot listed here finds its logs in the index
  // read next, even while other hosts back up.
  SnapshotStore store(*v.repo);
  GB_ASSIGN(v.kept, store.list());
  if (options.dry_run) std::erase_if(v.kept, [&](const Snapshot& s) { return options.assume_forgotten.count(s.id) > 0; });
  auto loaded = load_index_objects(v.repo->backend(), v.repo->keys().metadata);
  // A damaged object's packs would look unindexed, and go: refuse, and say how to repair.
  if (!loaded && loaded.error().kind == ErrorKind::Corrupt)
    return make_error(ErrorKind::Corrupt, loaded.error().message +
                                              "; prune does not run while an index object is damaged (delete it, then 'gridbackup upload' "
                                              "re-indexes its packs from their own headers)");
  GB_ASSIGN(v.loaded, std::move(loaded));
  v.repo->use_index(v.loaded);
  return v;
}

// Waits until none of `names` is a live lock any more, or `done` says its
// holder no longer matters. False when `seconds` ran out.
Result<bool> wait_for_locks(Backend& backend, const Hash& key, const std::unordered_set<std::string>& names, int64_t seconds,
                            const PruneOptions& options, const std::function<bool(const LockInfo&)>& done) {
  if (names.empty()) return true;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  bool said = false;
  for (;;) {
    GB_ASSIGN(auto locks, list_locks(backend, key));
    std::vector<const LockInfo*> waiting;
    for (const auto& l : locks)
      if (names.count(l.name) && !l.stale && !done(l)) waiting.push_back(&l);
    if (waiting.empty()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (!said && options.say) {
      options.say(fmt::format("waiting for {} process(es) that started before this point (e.g. {} on host {}, pid {})", waiting.size(),
                              waiting.front()->kind, waiting.front()->host, waiting.front()->pid));
      said = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

// The names of the shared locks alive now, except `self`.
Result<std::unordered_set<std::string>> live_shared_locks(Backend& backend, const Hash& key, const std::string& self) {
  GB_ASSIGN(auto locks, list_locks(backend, key));
  std::unordered_set<std::string> out;
  for (const auto& l : locks)
    if (!l.stale && l.name != self) out.insert(l.name);
  return out;
}

// The forgotten snapshots still stored: those no kept view needs (prune
// deletes them) and those a kept view is built on (they stay until a new
// checkpoint, e.g. backup --force, leaves them out of every kept chain).
struct ForgottenCount {
  uint64_t removable = 0, removable_bytes = 0, needed = 0;
};
Result<ForgottenCount> count_forgotten(Repository& repo, const std::unordered_set<std::string>& needed, const PruneOptions& options) {
  GB_ASSIGN(auto listed, SnapshotStore(repo).forgotten_ids());
  std::unordered_set<std::string> forgotten(listed.begin(), listed.end());
  if (options.dry_run) forgotten.insert(options.assume_forgotten.begin(), options.assume_forgotten.end());
  GB_ASSIGN(auto stored, stored_snapshot_ids(repo.backend()));
  ForgottenCount c;
  for (const auto& id : forgotten) {
    auto it = stored.find(id);
    if (it == stored.end()) continue;
    if (needed.count(id)) {
      ++c.needed;
    } else {
      ++c.removable;
      c.removable_bytes += it->second;
    }
  }
  return c;
}

// find_reachable's progress callback, counting into options.progress.
std::function<void(size_t)> count_views(const PruneOptions& options, size_t total) {
  if (options.progress) {
    options.progress->views_total = total;
    options.progress->views_done = 0;
  }
  return [&options](size_t done) {
    if (options.progress) options.progress->views_done = done;
  };
}

// A new plan: every indexed blob the kept snapshots do not need, every pack
// no index names, every forgotten snapshot no kept view needs.
Result<PrunePlan> make_plan(IndexView& v, const Reachability& reach, const std::optional<PrunePlan>& old, const PruneOptions& options,
                            PruneResult& result) {
  PrunePlan plan;
  std::unordered_set<std::string> indexed;
  for (const auto& [name, o] : v.loaded.objects) {
    plan.index_objects.push_back(name);
    for (const auto& [pack, blobs] : o.packs) {
      indexed.insert(pack);
      for (const auto& b : blobs)
        if (!reach.live_blobs.count(b.hash) && plan.candidates.insert(b.hash).second) result.candidate_bytes += b.length;
    }
  }
  GB_ASSIGN(auto packs, stored_packs(v.repo->backend()));
  std::unordered_set<std::string> condemned;
  if (old) condemned.insert(old->condemned_packs.begin(), old->condemned_packs.end());
  for (const auto& [p, size] : packs)
    if (!indexed.count(p)) plan.unindexed_packs.push_back(p);
  // Packs an earlier sweep condemned but could not delete yet stay condemned.
  for (const auto& p : condemned)
    if (packs.count(p) && !indexed.count(p)) plan.condemned_packs.push_back(p);
  GB_ASSIGN(ForgottenCount f, count_forgotten(*v.repo, reach.needed_snapshots, options));
  result.candidate_snapshots = f.removable;
  result.candidate_snapshot_bytes = f.removable_bytes;
  result.snapshots_needed_as_base = f.needed;
  result.candidate_blobs = plan.candidates.size();
  result.candidate_packs = plan.unindexed_packs.size();
  return plan;
}

// Carries out `plan` (see pruner.h). `self` is our own lock's name.
class Sweep {
 public:
  Sweep(const RepositoryOpener& open, const PruneOptions& options, PrunePlan plan, const std::string& self, PruneResult& result)
      : open_(open), options_(options), plan_(std::move(plan)), self_(self), result_(result) {}

  Status run() {
    say("sweep: waiting for processes older than the plan");
    std::unordered_set<std::string> older(plan_.locks_at_creation.begin(), plan_.locks_at_creation.end());
    {
      GB_ASSIGN(auto probe, open_());
      // A process that has taken the plan in refers to no candidate any more.
      auto took_in_plan = [&](const LockInfo& l) { return l.plan_seen_ns == plan_.created_ns; };
      GB_ASSIGN(bool done, wait_for_locks(probe->backend(), probe->keys().metadata, older, options_.wait_seconds, options_, took_in_plan));
      if (!done) return defer("processes that started before the plan are still running");
    }
    GB_ASSIGN(v_, read_repository(open_, options_));
    say(fmt::format("sweep: marking again what {} snapshot(s) need", v_.kept.size()));
    GB_ASSIGN(reach_, find_reachable(*v_.repo, v_.kept, count_views(options_, v_.kept.size())));
    for (const auto& h : plan_.candidates)
      if (!reach_.live_blobs.count(h)) doomed_.insert(h);
    GB_CHECK(choose_homes());
    if (options_.dry_run) {
      GB_ASSIGN(ForgottenCount f, count_forgotten(*v_.repo, reach_.needed_snapshots, options_));
      result_.snapshots_deleted += f.removable;
      result_.bytes_deleted += f.removable_bytes;
      result_.snapshots_needed_as_base = f.needed;
      return {};
    }
    // An interrupted sweep may have condemned packs this one keeps: only
    // packs no index names any more stay condemned.
    std::erase_if(plan_.condemned_packs, [&](const std::string& p) { return c_.indexed_packs.count(p) > 0; });
    // From here on adopters skip what this sweep deletes.
    plan_.condemned_packs.insert(plan_.condemned_packs.end(), c_.delete_packs.begin(), c_.delete_packs.end());
    for (const auto& [pack, blobs] : c_.rewrite) plan_.condemned_packs.push_back(pack);
    for (const auto& p : plan_.unindexed_packs)
      if (!c_.indexed_packs.count(p)) plan_.condemned_packs.push_back(p);
    GB_CHECK(store_prune_plan(backend(), key(), plan_));
    GB_CHECK(write_new_packs());
    GB_CHECK(write_index());
    say("sweep: waiting for processes that may have read the old index");
    GB_ASSIGN(auto readers, live_shared_locks(backend(), key(), self_));
    // An upload that took the plan in reads nothing by its old locations but
    // signatures, and a signature it cannot read only costs a delta; every
    // other process may read a blob where the old index put it.
    auto harmless = [&](const LockInfo& l) { return l.kind == "upload" && l.plan_seen_ns == plan_.created_ns; };
    GB_ASSIGN(bool done, wait_for_locks(backend(), key(), readers, options_.wait_seconds, options_, harmless));
    if (!done) return defer("processes that may have read the old index are still running");
    // Mark again after the last wait: a backup that read the index before
    // the new one was stored may have committed a snapshot meanwhile that
    // needs a doomed copy (it stored it again after the plan was made, in
    // an object this sweep replaced). Once every such process has finished,
    // the snapshots listed now are all that can need what is deleted next.
    GB_CHECK(keep_what_new_snapshots_need());
    GB_CHECK(delete_unreferenced());
    result_.swept = true;
    return {};
  }

 private:
  Backend& backend() { return v_.repo->backend(); }
  const Hash& key() { return v_.repo->keys().metadata; }
  void say(const std::string& s) {
    if (options_.say) options_.say(s);
  }
  Status defer(const std::string& why) {
    result_.deferred = true;
    say("sweep deferred: " + why + "; nothing was deleted (the next prune carries the plan out)");
    return {};
  }

  // Each blob that stays lives in one place: its first indexed copy.
  // Packs without such blobs go; packs mostly unused are rewritten.
  Status choose_homes() {
    GB_ASSIGN(pack_sizes_, stored_packs(backend()));
    c_ = choose_packs(v_.loaded, doomed_, pack_sizes_, options_.max_unused);
    result_.blobs_deleted += doomed_.size();
    result_.rebased += reach_.rebase.size();
    result_.unused_bytes_kept += c_.unused_bytes_kept;
    say(fmt::format("sweep: {} unused blob(s); {} pack(s) to delete, {} to rewrite, {} version(s) to re-base", doomed_.size(), c_.delete_packs.size(),
                    c_.rewrite.size(), reach_.rebase.size()));
    if (options_.dry_run) {  // what carrying the plan out would do, as the deletions below count it
      result_.packs_deleted += c_.delete_packs.size();
      result_.packs_rewritten += c_.rewrite.size();
      result_.bytes_deleted += c_.delete_bytes + c_.rewrite_bytes;
      result_.bytes_written += c_.rewrite_live_bytes;
    }
    return {};
  }

  // Re-based versions in full, and the live blobs of rewritten packs, go to
  // new packs indexed by an ordinary index object of their own.
  Status write_new_packs() {
    if (reach_.rebase.empty() && c_.rewrite.empty()) return {};
    Packer packer(v_.repo->upload_backend(), v_.repo->keys(), packs_into(fresh_), v_.repo->packer_options(options_.workers));
    for (const auto& [content, size] : reach_.rebase) GB_CHECK(rebase(packer, content, size));
    for (const auto& [pack, live] : c_.rewrite) {
      std::string name = pack_object_name(pack);
      // The live blobs are read in ranged reads of at most kRewriteRead, not
      // the whole pack at once: a pack is rewritten because most of it is
      // unused, and its whole bytes beside the packer's two packs were the
      // largest part of a prune's peak memory (issue 19).
      std::vector<PackedBlob> blobs = live;
      std::sort(blobs.begin(), blobs.end(), [](const PackedBlob& a, const PackedBlob& b) { return a.offset < b.offset; });
      for (size_t i = 0; i < blobs.size();) {
        uint64_t start = blobs[i].offset, end = start + blobs[i].length;
        size_t j = i + 1;
        while (j < blobs.size() && blobs[j].offset <= end + kRewriteGap && blobs[j].offset + blobs[j].length - start <= kRewriteRead)
          end = std::max<uint64_t>(end, blobs[j].offset + blobs[j++].length);
        auto bytes = backend().get_range(name, start, end - start);
        if (!bytes && bytes.error().kind == ErrorKind::Corrupt)
          return make_error(ErrorKind::Corrupt, fmt::format("object {} is truncated", name)).about_object(name).because(Cause::MissingObject);
        if (!bytes) return bytes.error();
        for (; i < j; ++i) {
          const PackedBlob& b = blobs[i];
          BlobLocation loc{0, b.type, b.offset, b.length, b.raw_length};
          GB_ASSIGN(Bytes plain, v_.repo->open_packed_blob(name, loc, b.hash, ByteView(*bytes).subspan(b.offset - start, b.length)));
          packer.add(b.type, b.hash, std::move(plain));
        }
      }
      GB_CHECK(packer.status());
    }
    GB_CHECK(packer.finish());
    result_.bytes_written += packer.stored_bytes();
    return fresh_.flush(v_.repo->upload_backend(), key());
  }

  // Rebuilds a version through its delta chain and stores it in segments.
  Status rebase(Packer& packer, const Hash& content, uint64_t size) {
    GB_ASSIGN(UniqueFd temp, fs::anonymous_temp_file(options_.scratch_dir));
    const int fd = temp.get();
    GB_CHECK(v_.repo->write_content(content, size, fd, options_.scratch_dir));
    std::vector<Hash> segments;
    Bytes buf(v_.repo->config().segment_size);
    for (off_t pos = 0;;) {
      ssize_t n = ::pread(fd, buf.data(), buf.size(), pos);
      if (n < 0) return posix_error("cannot read back a re-based version", errno);
      if (n == 0) break;
      Bytes seg(buf.begin(), buf.begin() + n);
      Hash h = sha256(seg);
      segments.push_back(h);
      if (!survives(h)) packer.add(BlobType::Data, h, std::move(seg));  // else it stays where it is
      pos += n;
    }
    GB_CHECK(packer.status());
    if (segments.size() > 1) fresh_.add_segments(content, segments);
    rebased_.insert(content);
    return {};
  }

  bool survives(const Hash& h) const { return c_.home.count(h) > 0; }

  // One index object with everything that stays, replacing every index
  // object read (and any older one still stored).
  Status write_index() {
    IndexObject o;
    for (const auto& [name, obj] : v_.loaded.objects) o.supersedes.push_back(name);
    o.supersedes.insert(o.supersedes.end(), v_.loaded.superseded_present.begin(), v_.loaded.superseded_present.end());
    for (auto& [pack, blobs] : c_.keep) o.packs.emplace_back(pack, std::move(blobs));  // c_.keep is not read after this
    std::unordered_set<Hash, HashHasher> linked, signed_, delta;
    for (const auto& [name, obj] : v_.loaded.objects) {
      for (const auto& [content, segs] : obj.links) {
        bool ok = std::all_of(segs.begin(), segs.end(), [&](const Hash& h) { return survives(h); });
        if (ok && linked.insert(content).second) o.links.emplace_back(content, segs);
      }
      for (const auto& [content, sig] : obj.signatures)
        if (survives(sig) && signed_.insert(content).second) o.signatures.emplace_back(content, sig);
      for (const auto& [content, d] : obj.deltas) {
        if (rebased_.count(content)) continue;
        bool ok = std::all_of(d.blobs.begin(), d.blobs.end(), [&](const Hash& h) { return survives(h); });
        if (ok && delta.insert(content).second) o.deltas.emplace_back(content, d);
      }
    }
    if (o.supersedes.empty() && o.packs.empty()) return {};
    GB_ASSIGN(std::string name, store_index_object(v_.repo->upload_backend(), key(), o));
    result_.index_objects_replaced += o.supersedes.size();
    say(fmt::format("sweep: new index {} replaces {} index object(s)", name.substr(6, 12), o.supersedes.size()));
    return {};
  }

  // Snapshots committed since the sweep marked keep what they need: their
  // doomed blobs are indexed again where they are (one more index object)
  // and their packs leave the deletion list.
  Status keep_what_new_snapshots_need() {
    GB_ASSIGN(auto now_kept, SnapshotStore(*v_.repo).list());
    std::unordered_set<std::string> marked;
    for (const auto& s : v_.kept) marked.insert(s.id);
    std::vector<Snapshot> fresh;
    for (auto& s : now_kept)
      if (!marked.count(s.id)) fresh.push_back(std::move(s));
    if (fresh.empty()) return {};
    say(fmt::format("sweep: marking what {} snapshot(s) committed meanwhile need", fresh.size()));
    // v_.repo's index is the one read before the new index: it names the doomed copies.
    GB_ASSIGN(auto reach, find_reachable(*v_.repo, fresh));
    std::unordered_set<Hash, HashHasher> placed;
    std::unordered_set<std::string> rescued_packs;
    IndexObject o;
    for (const auto& [name, obj] : v_.loaded.objects)
      for (const auto& [pack, blobs] : obj.packs) {
        std::vector<PackedBlob> keep;
        for (const auto& b : blobs)
          if (doomed_.count(b.hash) && reach.live_blobs.count(b.hash) && placed.insert(b.hash).second) keep.push_back(b);
        if (keep.empty()) continue;
        o.packs.emplace_back(pack, std::move(keep));
        rescued_packs.insert(pack);
      }
    if (placed.empty()) return {};
    auto usable = [&](const Hash& h) { return survives(h) || placed.count(h) > 0; };
    auto any_placed = [&](const std::vector<Hash>& hs) {
      return std::any_of(hs.begin(), hs.end(), [&](const Hash& h) { return placed.count(h) > 0; });
    };
    for (const auto& [name, obj] : v_.loaded.objects) {
      for (const auto& [content, segs] : obj.links)
        if (any_placed(segs) && std::all_of(segs.begin(), segs.end(), usable)) o.links.emplace_back(content, segs);
      for (const auto& [content, sig] : obj.signatures)
        if (placed.count(sig)) o.signatures.emplace_back(content, sig);
      for (const auto& [content, d] : obj.deltas)
        if (any_placed(d.blobs) && std::all_of(d.blobs.begin(), d.blobs.end(), usable)) o.deltas.emplace_back(content, d);
    }
    GB_CHECK(store_index_object(v_.repo->upload_backend(), key(), o));
    std::erase_if(plan_.condemned_packs, [&](const std::string& p) { return rescued_packs.count(p) > 0; });
    say(fmt::format("sweep: {} blob(s) in {} pack(s) stay for them", placed.size(), rescued_packs.size()));
    return {};
  }

  // Deletes what no index names any more and forgotten snapshots nothing needs.
  Status delete_unreferenced() {
    SnapshotStore store(*v_.repo);
    GB_ASSIGN(auto kept, store.list());  // again: a backup may have committed while we waited
    GB_ASSIGN(auto needed, needed_snapshot_ids(*v_.repo, kept));
    GB_ASSIGN(auto forgotten, store.forgotten_ids());
    GB_ASSIGN(auto stored, stored_snapshot_ids(backend()));
    // The tombstone stays (a few dozen bytes): without it a deleted snapshot
    // could not be told apart from one rolled back (seen_objects.h).
    result_.snapshots_needed_as_base = 0;
    for (const auto& id : forgotten) {
      auto it = stored.find(id);
      if (it == stored.end()) continue;
      if (needed.count(id)) {
        ++result_.snapshots_needed_as_base;
        continue;
      }
      GB_ASSIGN(bool removed, remove_if_present("snapshots/" + id));
      if (!removed) continue;
      ++result_.snapshots_deleted;
      result_.bytes_deleted += it->second;
    }
    // Counted as they go, so the figures are what left the repository (a
    // pack rescued for a snapshot committed meanwhile is not counted).
    for (const auto& pack : plan_.condemned_packs) {
      GB_ASSIGN(bool removed, remove_if_present(pack_object_name(pack)));
      if (!removed) continue;
      ++(c_.rewrite.count(pack) ? result_.packs_rewritten : result_.packs_deleted);
      if (auto it = pack_sizes_.find(pack); it != pack_sizes_.end()) result_.bytes_deleted += it->second;
    }
    for (const auto& [name, obj] : v_.loaded.objects) GB_CHECK(remove_if_present(name));
    for (const auto& name : v_.loaded.superseded_present) GB_CHECK(remove_if_present(name));
    GB_CHECK(remove_if_present(kPrunePlanObject));
    return {};
  }

  // True when it was there and is gone now, false when it was gone already.
  Result<bool> remove_if_present(const std::string& name) {
    Status st = backend().remove(name);
    if (!st && st.error().kind != ErrorKind::NotFound) return st.error();
    return static_cast<bool>(st);
  }

  const RepositoryOpener& open_;
  const PruneOptions& options_;
  PrunePlan plan_;
  std::string self_;
  PruneResult& result_;
  IndexView v_;
  Reachability reach_;
  std::unordered_set<Hash, HashHasher> doomed_, rebased_;
  PackChoice c_;
  std::unordered_map<std::string, uint64_t> pack_sizes_;
  LinkIndex fresh_;
};

}  // namespace

Result<PruneResult> run_prune(const RepositoryOpener& open, const PruneOptions& options) {
  PruneResult result;
  auto say = [&](const std::string& s) {
    if (options.say) options.say(s);
  };
  GB_ASSIGN(auto repo, open());
  std::unique_ptr<RepositoryLock> lock;
  if (!options.dry_run) {
    GB_ASSIGN(lock, RepositoryLock::exclusive(repo->backend(), repo->keys().metadata, "prune", options.host));
  }
  std::string self = lock ? lock->name() : "";
  if (lock) {
    // Lock objects that do not open are garbage (damage, a stray put): no
    // process holds them, and verify reports them until they go.
    std::vector<std::string> garbage;
    GB_CHECK(list_locks(repo->backend(), repo->keys().metadata, &garbage));
    for (const auto& name : garbage) {
      Status st = repo->backend().remove(name);
      if (!st && st.error().kind != ErrorKind::NotFound) return st.error();
      if (options.say) options.say("removed " + name + ": not a lock of this repository (damaged)");
    }
  }
  auto read_plan = load_prune_plan(repo->backend(), repo->keys().metadata);
  std::optional<PrunePlan> old;
  if (read_plan) {
    old = std::move(*read_plan);
  } else if (read_plan.error().kind == ErrorKind::Corrupt) {
    // A damaged plan is replaced by a new one: what an interrupted sweep
    // condemned is no longer indexed, so the new mark finds it unindexed;
    // meanwhile processes that met the damage adopt nothing (Repository::load_index).
    if (options.say) options.say(read_plan.error().message + "; a new plan replaces it");
  } else {
    return read_plan.error();
  }

  // A ripe plan is carried out first.
  if (old && now_ns() - old->created_ns >= options.grace_seconds * 1'000'000'000LL) {
    Sweep sweep(open, options, *old, self, result);
    GB_CHECK(sweep.run());
    if (result.deferred || options.dry_run) return result;
    old.reset();
  } else if (old) {
    // A plan waits for its grace period; a new one would restart the wait.
    result.plan_ripe_ns = old->created_ns + options.grace_seconds * 1'000'000'000LL;
    if (!options.dry_run) return result;
  }

  // With no grace the new plan is swept at once; a sweep that re-based
  // versions has made their old bases unused, which only a new mark finds.
  for (int round = 0;; ++round) {
    say("mark: reading the index and the snapshots");
    GB_ASSIGN(auto v, read_repository(open, options));
    result.snapshots_kept = v.kept.size();
    auto count = count_views(options, v.kept.size());
    GB_ASSIGN(auto reach, find_reachable(*v.repo, v.kept, [&](size_t done) {
                count(done);
                if (done % 10 == 0 || done == v.kept.size()) say(fmt::format("mark: {}/{} snapshot views read", done, v.kept.size()));
              }));
    result.live_contents = reach.live_contents;
    GB_ASSIGN(PrunePlan plan, make_plan(v, reach, old, options, result));
    if (plan.candidates.empty() && plan.unindexed_packs.empty() && plan.condemned_packs.empty() && result.candidate_snapshots == 0 &&
        reach.rebase.empty()) {
      result.nothing_to_do = true;
      if (old && !options.dry_run) GB_CHECK(v.repo->backend().remove(kPrunePlanObject));
      return result;
    }
    if (options.dry_run) {
      // What a sweep of this mark would do (a prune with a grace period
      // first only plans it): the same pack choice the sweep makes.
      result.rebased = reach.rebase.size();
      GB_ASSIGN(auto sizes, stored_packs(v.repo->backend()));
      PackChoice c = choose_packs(v.loaded, plan.candidates, sizes, options.max_unused);
      result.blobs_deleted = plan.candidates.size();
      result.packs_deleted = c.delete_packs.size();
      result.packs_rewritten = c.rewrite.size();
      result.bytes_deleted = c.delete_bytes + c.rewrite_bytes + result.candidate_snapshot_bytes;
      std::unordered_set<std::string> gone(plan.unindexed_packs.begin(), plan.unindexed_packs.end());
      gone.insert(plan.condemned_packs.begin(), plan.condemned_packs.end());
      for (const auto& p : gone) {
        ++result.packs_deleted;
        result.bytes_deleted += sizes[p];
      }
      result.bytes_written = c.rewrite_live_bytes;
      result.unused_bytes_kept = c.unused_bytes_kept;
      result.snapshots_deleted = result.candidate_snapshots;
      return result;
    }
    plan.created_ns = now_ns();
    GB_CHECK(store_prune_plan(v.repo->backend(), v.repo->keys().metadata, plan));
    // Listed after the plan is stored: a process that starts later reads the plan.
    GB_ASSIGN(auto at_work, live_shared_locks(v.repo->backend(), v.repo->keys().metadata, self));
    plan.locks_at_creation.assign(at_work.begin(), at_work.end());
    GB_CHECK(store_prune_plan(v.repo->backend(), v.repo->keys().metadata, plan));
    old = plan;
    result.planned = true;
    result.plan_ripe_ns = plan.created_ns + options.grace_seconds * 1'000'000'000LL;
    say(fmt::format("mark: {} unused blob(s) ({}), {} unindexed pack(s), {} forgotten snapshot(s), {} version(s) to re-base", result.candidate_blobs,
                    mib(result.candidate_bytes), result.candidate_packs, result.candidate_snapshots, reach.rebase.size()));
    if (options.grace_seconds > 0) return result;
    // The sweep reads the index and the views again (what changed since the
    // mark counts): the mark's copies would only double its peak memory.
    v = IndexView{};
    reach = Reachability{};
    uint64_t rebased_before = result.rebased;
    Sweep sweep(open, options, std::move(plan), self, result);
    GB_CHECK(sweep.run());
    old.reset();
    if (result.deferred || result.rebased == rebased_before || round == 2) return result;
  }
}

}  // namespace gb
