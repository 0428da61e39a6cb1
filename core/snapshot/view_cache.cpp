#include "core/snapshot/view_cache.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <filesystem>

#include "core/common/serial.h"
#include "core/common/sqlite_db.h"

namespace gb {
namespace {

const char* const kWhat = "the view cache";

Error db_error(sqlite3* db, const std::string& doing) { return sqlite_error(db, kWhat, doing); }

bool decode(const std::string& blob, Entry& e) {
  Reader r(as_bytes(blob));
  return decode_entry(r, e) && r.ok();
}

}  // namespace

Result<std::unique_ptr<ViewCache>> ViewCache::open(const std::string& path) {
  GB_ASSIGN(sqlite3 * db, open_sqlite(path, kWhat));
  std::unique_ptr<ViewCache> c(new ViewCache(db));
  sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  GB_CHECK(exec_sql(db, fmt::format("PRAGMA wal_autocheckpoint={};", kFoldPages).c_str(), kWhat));
  GB_CHECK(exec_sql(db,
                    "CREATE TABLE IF NOT EXISTS entries (path BLOB PRIMARY KEY, device INTEGER, inode INTEGER, entry BLOB NOT NULL)"
                    " WITHOUT ROWID;"
                    "CREATE INDEX IF NOT EXISTS entries_inode ON entries (inode);"
                    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB);",
                    kWhat));
  return c;
}

ViewCache::ViewCache(sqlite3* db) : db_(db) {}

ViewCache::~ViewCache() {
  abandon_update();
  put_.reset();
  update_.reset();
  get_.reset();
  remove_.reset();
  by_inode_.reset();
  sqlite3_close(db_);
}

Result<std::string> ViewCache::snapshot_id() {
  Stmt s(db_, "SELECT value FROM meta WHERE key = 'snapshot'");
  if (!s.ok()) return db_error(db_, "prepare");
  int rc = s.step();
  if (rc == SQLITE_ROW) return s.blob(0);
  if (rc != SQLITE_DONE) return db_error(db_, "read snapshot id");
  return std::string();
}

Result<std::optional<Entry>> ViewCache::get(const std::string& path) {
  if (!get_) get_ = std::make_unique<Stmt>(db_, "SELECT entry FROM entries WHERE path = ?");
  Stmt& s = *get_;
  s.reset();
  if (!s.ok()) return db_error(db_, "prepare");
  s.bind(1, path);
  int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<Entry>();
  if (rc != SQLITE_ROW) return db_error(db_, "lookup");
  Entry e;
  if (!decode(s.blob(0), e)) return make_error(ErrorKind::Corrupt, "the view cache holds a damaged entry; delete it to rebuild");
  return std::optional<Entry>(std::move(e));
}

Result<std::vector<Entry>> ViewCache::below(const std::string& dir) {
  // Bytewise, every path that starts with "dir/" sorts from "dir/" up to
  // (not including) "dir0", '0' being the byte after '/'.
  std::string lo = dir == "/" ? "/" : dir + "/";
  std::string hi = dir == "/" ? "0" : dir + "0";
  Stmt s(db_, "SELECT entry FROM entries WHERE path >= ? AND path < ?");
  if (!s.ok()) return db_error(db_, "prepare");
  s.bind(1, lo);
  s.bind(2, hi);
  std::vector<Entry> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    Entry e;
    if (!decode(s.blob(0), e)) return make_error(ErrorKind::Corrupt, "the view cache holds a damaged entry; delete it to rebuild");
    if (e.path != dir) out.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) return db_error(db_, "list");
  return out;
}

Result<std::vector<std::string>> ViewCache::paths_of_inode(uint64_t device, uint64_t inode) {
  if (!by_inode_) by_inode_ = std::make_unique<Stmt>(db_, "SELECT path FROM entries WHERE inode = ?1 AND (?2 = 0 OR device = ?2)");
  Stmt& s = *by_inode_;
  s.reset();
  if (!s.ok()) return db_error(db_, "prepare");
  s.bind(1, static_cast<int64_t>(inode));
  s.bind(2, static_cast<int64_t>(device));
  std::vector<std::string> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(s.blob(0));
  if (rc != SQLITE_DONE) return db_error(db_, "inode lookup");
  return out;
}

Status ViewCache::begin_update(bool clear) {
  GB_CHECK(exec_sql(db_, "BEGIN IMMEDIATE", kWhat));
  in_update_ = true;
  // Until the commit names a snapshot the cache mirrors none; a crash mid-
  // update rolls back anyway, this only guards a half-applied commit.
  if (clear) GB_CHECK(exec_sql(db_, "DELETE FROM entries; DELETE FROM meta WHERE key = 'snapshot';", kWhat));
  return {};
}

Status ViewCache::put(const Entry& e) {
  Writer w;
  encode_entry(e, w);
  std::string entry(w.buffer().begin(), w.buffer().end());
  // First as an update of the same inode under the same path, which leaves
  // the inode index alone: INSERT OR REPLACE (and an upsert setting inode)
  // delete and re-insert the index entry, a page read and written for each
  // modified file, half of what a narrow slice dirtied.
  if (!update_) update_ = std::make_unique<Stmt>(db_, "UPDATE entries SET entry = ?1 WHERE path = ?2 AND inode = ?3 AND device = ?4");
  Stmt& u = *update_;
  u.reset();
  u.bind(1, entry);
  u.bind(2, e.path);
  u.bind(3, static_cast<int64_t>(e.inode));
  u.bind(4, static_cast<int64_t>(e.device));
  if (!u.ok() || u.step() != SQLITE_DONE) return db_error(db_, "put");
  if (sqlite3_changes(db_) > 0) return {};
  if (!put_) put_ = std::make_unique<Stmt>(db_, "INSERT OR REPLACE INTO entries (path, device, inode, entry) VALUES (?,?,?,?)");
  Stmt& s = *put_;
  s.reset();
  s.bind(1, e.path);
  s.bind(2, static_cast<int64_t>(e.device));
  s.bind(3, static_cast<int64_t>(e.inode));
  s.bind(4, entry);
  if (!s.ok() || s.step() != SQLITE_DONE) return db_error(db_, "put");
  return {};
}

Status ViewCache::remove(const std::string& path) {
  // Prepared once: a burst of deletes removes one row per deleted path.
  if (!remove_) remove_ = std::make_unique<Stmt>(db_, "DELETE FROM entries WHERE path = ?");
  Stmt& s = *remove_;
  s.reset();
  s.bind(1, path);
  if (!s.ok() || s.step() != SQLITE_DONE) return db_error(db_, "remove");
  return {};
}

Status ViewCache::commit_update(const std::string& snapshot_id) {
  Stmt s(db_, "INSERT OR REPLACE INTO meta (key, value) VALUES ('snapshot', ?)");
  s.bind(1, snapshot_id);
  if (!s.ok() || s.step() != SQLITE_DONE) return db_error(db_, "name snapshot");
  in_update_ = false;
  return exec_sql(db_, "COMMIT", kWhat);
}

void ViewCache::abandon_update() {
  if (in_update_) (void)exec_sql(db_, "ROLLBACK", kWhat);
  in_update_ = false;
}

size_t fold_view_cache_logs(const std::vector<std::string>& paths) {
  size_t folded = 0;
  for (const std::string& db_path : paths) {
    std::error_code ec;
    if (std::filesystem::file_size(db_path + "-wal", ec) == 0 || ec) continue;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
      // No busy timeout: a backup using it now keeps it, the next round
      // folds it. TRUNCATE empties the log file too: a process that opens
      // the cache alone reads the whole log to rebuild its index.
      sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
      // (The pragma, not sqlite3_wal_checkpoint_v2: a fresh connection
      // has not yet looked at the file and so does not know it has a log.)
      Stmt s(db, "PRAGMA wal_checkpoint(TRUNCATE)");
      if (s.ok() && s.step() == SQLITE_ROW && s.i64(0) == 0) ++folded;
    }
    sqlite3_close(db);
  }
  return folded;
}

}  // namespace gb
