// STAND-IN for the lead engineer's implementation on main (replaced at merge):
// just enough of change_journal.h for the fanotify agent to build and test.
#include "core/journal/change_journal.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

namespace gb {
namespace {

Error db_error(sqlite3* db, const std::string& doing) {
  return make_error(ErrorKind::Io, "the change journal failed (" + doing + "): " + sqlite3_errmsg(db));
}

struct Stmt {
  sqlite3_stmt* s = nullptr;
  Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s, nullptr); }
  ~Stmt() { sqlite3_finalize(s); }
  void text(int i, const std::string& v) { sqlite3_bind_blob(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void i64(int i, int64_t v) { sqlite3_bind_int64(s, i, v); }
  std::string col(int i) {
    auto p = static_cast<const char*>(sqlite3_column_blob(s, i));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s, i))) : std::string();
  }
};

Status exec(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return db_error(db, sql);
  return {};
}

}  // namespace

std::string agent_lock_path(const std::string& state_dir) { return state_dir + "/agent.lock"; }
std::string journal_path(const std::string& state_dir) { return state_dir + "/journal.db"; }

bool agent_is_running(const std::string& state_dir) {
  int fd = ::open(agent_lock_path(state_dir).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return held;
}

Result<std::unique_ptr<ChangeJournal>> ChangeJournal::open(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
    Error e = make_error(ErrorKind::Io, "cannot open the change journal " + path);
    sqlite3_close(db);
    return e;
  }
  std::unique_ptr<ChangeJournal> j(new ChangeJournal(db));
  sqlite3_busy_timeout(db, 10000);
  GB_CHECK(exec(db,
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                "CREATE TABLE IF NOT EXISTS changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, fs_id BLOB NOT NULL,"
                " path BLOB NOT NULL, kind INTEGER NOT NULL, is_dir INTEGER NOT NULL, time_ns INTEGER NOT NULL,"
                " position INTEGER NOT NULL);"
                "CREATE TABLE IF NOT EXISTS cuts (repo TEXT NOT NULL, snapshot TEXT NOT NULL, seq INTEGER NOT NULL,"
                " PRIMARY KEY (repo, snapshot));"
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB);"));
  return j;
}

ChangeJournal::~ChangeJournal() { sqlite3_close(db_); }

Result<int64_t> ChangeJournal::append(const std::vector<ChangeRecord>& records) {
  GB_CHECK(exec(db_, "BEGIN IMMEDIATE"));
  {
    Stmt s(db_, "INSERT INTO changes (fs_id, path, kind, is_dir, time_ns, position) VALUES (?,?,?,?,?,?)");
    for (const auto& r : records) {
      s.text(1, r.fs_id);
      s.text(2, r.path);
      s.i64(3, static_cast<int64_t>(r.kind));
      s.i64(4, r.is_dir);
      s.i64(5, r.time_ns);
      s.i64(6, static_cast<int64_t>(r.position));
      if (sqlite3_step(s.s) != SQLITE_DONE) {
        Error e = db_error(db_, "append");
        (void)exec(db_, "ROLLBACK");
        return e;
      }
      sqlite3_reset(s.s);
    }
  }
  GB_CHECK(exec(db_, "COMMIT"));
  return last_seq();
}

Result<std::vector<JournalRow>> ChangeJournal::read_since(int64_t after, size_t limit) {
  Stmt s(db_, "SELECT seq, fs_id, path, kind, is_dir, time_ns, position FROM changes WHERE seq > ? ORDER BY seq LIMIT ?");
  s.i64(1, after);
  s.i64(2, static_cast<int64_t>(limit));
  std::vector<JournalRow> rows;
  while (sqlite3_step(s.s) == SQLITE_ROW) {
    JournalRow row;
    row.seq = sqlite3_column_int64(s.s, 0);
    row.record.fs_id = s.col(1);
    row.record.path = s.col(2);
    row.record.kind = static_cast<ChangeKind>(sqlite3_column_int64(s.s, 3));
    row.record.is_dir = sqlite3_column_int64(s.s, 4) != 0;
    row.record.time_ns = sqlite3_column_int64(s.s, 5);
    row.record.position = static_cast<uint64_t>(sqlite3_column_int64(s.s, 6));
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<int64_t> ChangeJournal::last_seq() {
  Stmt s(db_, "SELECT COALESCE(MAX(seq), 0) FROM changes");
  if (sqlite3_step(s.s) != SQLITE_ROW) return db_error(db_, "last seq");
  return static_cast<int64_t>(sqlite3_column_int64(s.s, 0));
}

Result<std::optional<int64_t>> ChangeJournal::find_created(int64_t after, const std::string& path) {
  Stmt s(db_, "SELECT seq FROM changes WHERE seq >= ? AND path = ? AND kind = ? ORDER BY seq LIMIT 1");
  s.i64(1, after);
  s.text(2, path);
  s.i64(3, static_cast<int64_t>(ChangeKind::Created));
  if (sqlite3_step(s.s) == SQLITE_ROW) return std::optional<int64_t>(sqlite3_column_int64(s.s, 0));
  return std::optional<int64_t>();
}

Status ChangeJournal::record_cut(const std::string& repo, const std::string& snapshot_id, int64_t seq) {
  Stmt s(db_, "INSERT OR REPLACE INTO cuts (repo, snapshot, seq) VALUES (?,?,?)");
  s.text(1, repo);
  s.text(2, snapshot_id);
  s.i64(3, seq);
  if (sqlite3_step(s.s) != SQLITE_DONE) return db_error(db_, "record cut");
  return {};
}

Result<std::optional<int64_t>> ChangeJournal::cut_of(const std::string& repo, const std::string& snapshot_id) {
  Stmt s(db_, "SELECT seq FROM cuts WHERE repo = ? AND snapshot = ?");
  s.text(1, repo);
  s.text(2, snapshot_id);
  if (sqlite3_step(s.s) == SQLITE_ROW) return std::optional<int64_t>(sqlite3_column_int64(s.s, 0));
  return std::optional<int64_t>();
}

Status ChangeJournal::set_value(const std::string& key, const std::string& value) {
  Stmt s(db_, "INSERT OR REPLACE INTO meta (key, value) VALUES (?,?)");
  s.text(1, key);
  s.text(2, value);
  if (sqlite3_step(s.s) != SQLITE_DONE) return db_error(db_, "set value");
  return {};
}

Result<std::optional<std::string>> ChangeJournal::value(const std::string& key) {
  Stmt s(db_, "SELECT value FROM meta WHERE key = ?");
  s.text(1, key);
  if (sqlite3_step(s.s) == SQLITE_ROW) return std::optional<std::string>(s.col(0));
  return std::optional<std::string>();
}

Status ChangeJournal::set_agent(const AgentInfo& info) {
  std::string roots;
  for (const auto& r : info.roots) roots += r + "\n";
  GB_CHECK(set_value("agent.pid", std::to_string(info.pid)));
  GB_CHECK(set_value("agent.started_ns", std::to_string(info.started_ns)));
  GB_CHECK(set_value("agent.roots", roots));
  return set_value("agent.mode", info.mode);
}

Result<std::optional<AgentInfo>> ChangeJournal::agent() {
  GB_ASSIGN(auto pid, value("agent.pid"));
  if (!pid) return std::optional<AgentInfo>();
  AgentInfo info;
  info.pid = std::stoll(*pid);
  GB_ASSIGN(auto started, value("agent.started_ns"));
  GB_ASSIGN(auto roots, value("agent.roots"));
  GB_ASSIGN(auto mode, value("agent.mode"));
  info.started_ns = started ? std::stoll(*started) : 0;
  info.mode = mode.value_or("");
  for (size_t start = 0, nl; roots && (nl = roots->find('\n', start)) != std::string::npos; start = nl + 1)
    info.roots.push_back(roots->substr(start, nl - start));
  return std::optional<AgentInfo>(info);
}

Status ChangeJournal::trim() {
  return exec(db_, "DELETE FROM changes WHERE seq <= (SELECT MIN(seq) FROM cuts)");
}

}  // namespace gb
