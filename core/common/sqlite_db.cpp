#include "core/common/sqlite_db.h"

#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "core/common/disk_space.h"
#include "core/common/private_files.h"

namespace gb {
namespace {

// Below this much free space the state databases are not opened: SQLite
// maps its -shm file and writes through the mapping, and on a filesystem
// with 1 KiB blocks the pages it has not written yet are holes, so a full
// disk there is a SIGBUS, not an error code.
constexpr uint64_t kMinFreeBytes = 1 << 20;

std::string full_sentence(const std::string& dir, const std::string& detail) {
  return fmt::format("the state directory's filesystem is full: {} (free some space there, or point --state-dir or GRIDBACKUP_STATE_DIR elsewhere)",
                     detail.empty() ? dir : detail);
}

// The last resort for the case above: one sentence instead of "Bus error".
// SQLite's write-ahead log keeps every database whole when the process dies
// at any point (kill -9 is tested), so nothing is half-written.
char g_bus_message[1024];
void on_bus_error(int) {
  ssize_t n = ::write(2, g_bus_message, std::strlen(g_bus_message));
  (void)n;
  ::_exit(1);
}

void catch_bus_errors(const std::string& path) {
  static std::mutex m;
  std::lock_guard<std::mutex> lock(m);
  std::string dir = std::filesystem::path(path).parent_path().string();
  std::string text = "gridbackup: " + full_sentence(dir, fmt::format("a memory-mapped SQLite file in {} could not grow", dir)) + "\n";
  std::snprintf(g_bus_message, sizeof g_bus_message, "%s", text.c_str());
  static bool installed = false;
  if (installed) return;
  installed = true;
  struct sigaction sa {};
  sa.sa_handler = on_bus_error;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGBUS, &sa, nullptr);
}

Status check_free_space(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  auto free = free_disk_bytes(dir.empty() ? "." : dir);
  if (!free || *free >= kMinFreeBytes) return {};
  uint64_t free_bytes = *free;
  return make_error(ErrorKind::Io, full_sentence(dir, fmt::format("only {} KiB are free where {} lives, and GridBackup needs at least {} KiB there",
                                                                  free_bytes / 1024, path, kMinFreeBytes / 1024)));
}

Error full_error(const std::string& what, const std::string& path) {
  return make_error(ErrorKind::Io, full_sentence("", fmt::format("cannot write {} ({})", what, path)));
}

bool disk_full(sqlite3* db) { return sqlite3_errcode(db) == SQLITE_FULL || sqlite3_system_errno(db) == ENOSPC; }

std::string db_path(sqlite3* db) {
  const char* f = sqlite3_db_filename(db, "main");
  return f ? f : "";
}

}  // namespace

Result<sqlite3*> open_sqlite(const std::string& path, const std::string& what) {
  // Created 0600 before SQLite sees it, so its -wal and -shm files are too.
  GB_CHECK(check_free_space(path));
  GB_CHECK(prepare_private_database(path));
  catch_bus_errors(path);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
    Error e = db && disk_full(db)
                  ? full_error(what, path)
                  : make_error(ErrorKind::Io, fmt::format("cannot open {} {}: {}", what, path, db ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close(db);
    return e;
  }
  sqlite3_busy_timeout(db, 10000);
  // A 16 MiB page cache: a narrow slice does thousands of point lookups and
  // upserts, and each page read beyond the default 2 MiB costs a pread.
  if (Status st = exec_sql(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384;", what); !st) {
    sqlite3_close(db);
    return st.error();
  }
  return db;
}

Status exec_sql(sqlite3* db, const char* sql, const std::string& what) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    Error e =
        disk_full(db) ? full_error(what, db_path(db)) : make_error(ErrorKind::Io, fmt::format("{} failed: {}", what, err ? err : "unknown error"));
    sqlite3_free(err);
    return e;
  }
  return {};
}

Error sqlite_error(sqlite3* db, const std::string& what, const std::string& doing) {
  if (disk_full(db)) return full_error(what, db_path(db));
  return make_error(ErrorKind::Io, fmt::format("{} failed ({}): {}", what, doing, sqlite3_errmsg(db)));
}

Status set_meta_value(sqlite3* db, const std::string& what, const std::string& key, const std::string& value) {
  Stmt s(db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?,?)");
  if (!s.ok()) return sqlite_error(db, what, "prepare");
  s.bind(1, key);
  s.bind(2, value);
  if (s.step() != SQLITE_DONE) return sqlite_error(db, what, "set " + key);
  return {};
}

Result<std::optional<std::string>> meta_value(sqlite3* db, const std::string& what, const std::string& key) {
  Stmt s(db, "SELECT value FROM meta WHERE key = ?");
  if (!s.ok()) return sqlite_error(db, what, "prepare");
  s.bind(1, key);
  int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(s.blob(0));
  if (rc != SQLITE_DONE) return sqlite_error(db, what, "read " + key);
  return std::optional<std::string>();
}

}  // namespace gb
