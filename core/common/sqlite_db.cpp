#include "core/common/sqlite_db.h"

#include <fmt/format.h>

#include "core/common/private_files.h"

namespace gb {

Result<sqlite3*> open_sqlite(const std::string& path, const std::string& what) {
  // Created 0600 before SQLite sees it, so its -wal and -shm files are too.
  GB_CHECK(prepare_private_database(path));
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
    Error e = make_error(ErrorKind::Io, fmt::format("cannot open {} {}: {}", what, path, db ? sqlite3_errmsg(db) : "out of memory"));
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
    Error e = make_error(ErrorKind::Io, fmt::format("{} failed: {}", what, err ? err : "unknown error"));
    sqlite3_free(err);
    return e;
  }
  return {};
}

Error sqlite_error(sqlite3* db, const std::string& what, const std::string& doing) {
  return make_error(ErrorKind::Io, fmt::format("{} failed ({}): {}", what, doing, sqlite3_errmsg(db)));
}

}  // namespace gb
