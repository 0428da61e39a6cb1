#include "core/journal/change_journal.h"

#include "core/common/number_text.h"
#include "core/common/sqlite_db.h"

namespace gb {
namespace {

const char* const kWhat = "the change journal";

Error db_error(sqlite3* db, const std::string& doing) { return sqlite_error(db, kWhat, doing); }

// A row of "SELECT seq, fs_id, path, kind, is_dir, time_ns, position, inode".
JournalRow row_from(Stmt& s) {
  JournalRow row;
  row.seq = s.i64(0);
  row.record.fs_id = s.blob(1);
  row.record.path = s.blob(2);
  row.record.kind = static_cast<ChangeKind>(s.i64(3));
  row.record.is_dir = s.i64(4) != 0;
  row.record.time_ns = s.i64(5);
  row.record.position = static_cast<uint64_t>(s.i64(6));
  row.record.inode = static_cast<uint64_t>(s.i64(7));
  return row;
}

std::string join_lines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t nl; (nl = s.find('\n', start)) != std::string::npos; start = nl + 1) out.push_back(s.substr(start, nl - start));
  return out;
}

}  // namespace

Result<std::unique_ptr<ChangeJournal>> ChangeJournal::open(const std::string& path) {
  GB_ASSIGN(sqlite3 * db, open_sqlite(path, kWhat));
  std::unique_ptr<ChangeJournal> j(new ChangeJournal(db));
  GB_CHECK(exec_sql(db,
                    "CREATE TABLE IF NOT EXISTS changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, fs_id BLOB NOT NULL,"
                    " path BLOB NOT NULL, kind INTEGER NOT NULL, is_dir INTEGER NOT NULL, time_ns INTEGER NOT NULL,"
                    " position INTEGER NOT NULL, inode INTEGER NOT NULL DEFAULT 0);"
                    "CREATE INDEX IF NOT EXISTS changes_path ON changes (path);"
                    "CREATE TABLE IF NOT EXISTS cuts (repo TEXT NOT NULL, snapshot TEXT NOT NULL, seq INTEGER NOT NULL,"
                    " PRIMARY KEY (repo, snapshot));"
                    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB);",
                    kWhat));
  return j;
}

ChangeJournal::~ChangeJournal() { sqlite3_close(db_); }

Result<int64_t> ChangeJournal::append(const std::vector<ChangeRecord>& records) {
  GB_CHECK(exec_sql(db_, "BEGIN IMMEDIATE", kWhat));
  Stmt s(db_, "INSERT INTO changes (fs_id, path, kind, is_dir, time_ns, position, inode) VALUES (?,?,?,?,?,?,?)");
  auto fail = [&](const char* doing) {
    Error e = db_error(db_, doing);
    (void)exec_sql(db_, "ROLLBACK", kWhat);
    return e;
  };
  if (!s.ok()) return fail("prepare");
  for (const auto& r : records) {
    s.bind(1, r.fs_id);
    s.bind(2, r.path);
    s.bind(3, static_cast<int64_t>(r.kind));
    s.bind(4, static_cast<int64_t>(r.is_dir));
    s.bind(5, r.time_ns);
    s.bind(6, static_cast<int64_t>(r.position));
    s.bind(7, static_cast<int64_t>(r.inode));
    if (s.step() != SQLITE_DONE) return fail("append");
    s.reset();
  }
  int64_t last = sqlite3_last_insert_rowid(db_);
  GB_CHECK(exec_sql(db_, "COMMIT", kWhat));
  return last;
}

Result<std::vector<JournalRow>> ChangeJournal::read_since(int64_t after, size_t limit) {
  Stmt s(db_, "SELECT seq, fs_id, path, kind, is_dir, time_ns, position, inode FROM changes WHERE seq > ? ORDER BY seq LIMIT ?");
  if (!s.ok()) return db_error(db_, "prepare");
  s.bind(1, after);
  s.bind(2, static_cast<int64_t>(limit));
  std::vector<JournalRow> rows;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) rows.push_back(row_from(s));
  if (rc != SQLITE_DONE) return db_error(db_, "read");
  return rows;
}

Result<int64_t> ChangeJournal::last_seq() {
  // The AUTOINCREMENT counter, not max(seq): trimmed rows must not make a
  // seq be handed out twice.
  Stmt s(db_, "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)");
  if (!s.ok() || s.step() != SQLITE_ROW) return db_error(db_, "last seq");
  return s.i64(0);
}

Result<std::optional<int64_t>> ChangeJournal::find_created(int64_t after, const std::string& path) {
  Stmt s(db_, "SELECT seq FROM changes WHERE path = ? AND seq > ? AND kind = ? ORDER BY seq LIMIT 1");
  if (!s.ok()) return db_error(db_, "prepare");
  s.bind(1, path);
  s.bind(2, after);
  s.bind(3, static_cast<int64_t>(ChangeKind::Created));
  int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional<int64_t>(s.i64(0));
  if (rc != SQLITE_DONE) return db_error(db_, "find cookie");
  return std::optional<int64_t>();
}

Status ChangeJournal::record_cut(const std::string& repo, const std::string& snapshot_id, int64_t seq) {
  Stmt s(db_, "INSERT OR REPLACE INTO cuts (repo, snapshot, seq) VALUES (?,?,?)");
  s.bind(1, repo);
  s.bind(2, snapshot_id);
  s.bind(3, seq);
  if (!s.ok() || s.step() != SQLITE_DONE) return db_error(db_, "record cut");
  return {};
}

Result<std::optional<int64_t>> ChangeJournal::cut_of(const std::string& repo, const std::string& snapshot_id) {
  Stmt s(db_, "SELECT seq FROM cuts WHERE repo = ? AND snapshot = ?");
  if (!s.ok()) return db_error(db_, "prepare");
  s.bind(1, repo);
  s.bind(2, snapshot_id);
  int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional<int64_t>(s.i64(0));
  if (rc != SQLITE_DONE) return db_error(db_, "read cut");
  return std::optional<int64_t>();
}

Result<std::vector<JournalRow>> ChangeJournal::pending_rescans(const std::optional<std::string>& repo) {
  // A cut is where a backup of its repository read up to; with no repo
  // named, the least advanced repository's newest cut (no cut: the start).
  Stmt s(db_,
         "SELECT seq, fs_id, path, kind, is_dir, time_ns, position, inode FROM changes WHERE kind IN (?, ?) AND seq >"
         " coalesce((SELECT min(newest) FROM (SELECT max(seq) AS newest FROM cuts WHERE ?3 IS NULL OR repo = ?3 GROUP BY repo)), 0)"
         " ORDER BY seq LIMIT 1000");
  if (!s.ok()) return db_error(db_, "prepare");
  s.bind(1, static_cast<int64_t>(ChangeKind::Overflow));
  s.bind(2, static_cast<int64_t>(ChangeKind::RescanNeeded));
  if (repo) s.bind(3, *repo);
  std::vector<JournalRow> rows;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) rows.push_back(row_from(s));
  if (rc != SQLITE_DONE) return db_error(db_, "read rescans");
  return rows;
}

Status ChangeJournal::set_value(const std::string& key, const std::string& value) { return set_meta_value(db_, kWhat, key, value); }

Result<std::optional<std::string>> ChangeJournal::value(const std::string& key) { return meta_value(db_, kWhat, key); }

Status ChangeJournal::set_agent(const AgentInfo& info) {
  GB_CHECK(set_value("agent.pid", std::to_string(info.pid)));
  GB_CHECK(set_value("agent.started_ns", std::to_string(info.started_ns)));
  GB_CHECK(set_value("agent.mode", info.mode));
  return set_value("agent.roots", join_lines(info.roots));
}

Result<std::optional<AgentInfo>> ChangeJournal::agent() {
  GB_ASSIGN(auto pid, value("agent.pid"));
  if (!pid) return std::optional<AgentInfo>();
  AgentInfo info;
  auto damaged = [&](const Error& e) { return make_error(ErrorKind::Corrupt, std::string(kWhat) + " is damaged: the agent's " + e.message); };
  auto pid_value = parse_int(*pid);
  if (!pid_value) return damaged(pid_value.error().in_context("pid"));
  info.pid = *pid_value;
  GB_ASSIGN(auto started, value("agent.started_ns"));
  if (started) {
    auto started_value = parse_int(*started);
    if (!started_value) return damaged(started_value.error().in_context("start time"));
    info.started_ns = *started_value;
  }
  GB_ASSIGN(auto mode, value("agent.mode"));
  if (mode) info.mode = *mode;
  GB_ASSIGN(auto roots, value("agent.roots"));
  if (roots) info.roots = split_lines(*roots);
  return std::optional<AgentInfo>(std::move(info));
}

Status ChangeJournal::trim() {
  // A slice reads from its parent's cut, and a parent is always a recent
  // snapshot: keep the newest 64 cuts of each repository and the rows after
  // the oldest of them. A parent whose cut was dropped costs a full scan,
  // never a missed change.
  return exec_sql(db_,
                  "DELETE FROM cuts WHERE rowid IN (SELECT rowid FROM (SELECT rowid, row_number() OVER"
                  " (PARTITION BY repo ORDER BY seq DESC) AS n FROM cuts) WHERE n > 64);"
                  "DELETE FROM changes WHERE seq <= (SELECT min(seq) FROM cuts);",
                  kWhat);
}

}  // namespace gb
