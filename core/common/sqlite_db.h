// Thin RAII helpers over SQLite, shared by the local-state databases (upload
// queue, change journal, view cache). Blobs everywhere: paths are bytes.
#pragma once
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "core/common/bytes.h"
#include "core/common/result.h"

namespace gb {

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  sqlite3_stmt* get() { return s_; }
  void bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void bind(int i, const std::string& v) { sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void bind(int i, const Hash& v) { sqlite3_bind_blob(s_, i, v.data(), 32, SQLITE_TRANSIENT); }
  void bind_null(int i) { sqlite3_bind_null(s_, i); }
  int step() { return sqlite3_step(s_); }
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  int64_t i64(int c) { return sqlite3_column_int64(s_, c); }
  bool is_null(int c) { return sqlite3_column_type(s_, c) == SQLITE_NULL; }
  std::string blob(int c) {
    auto p = static_cast<const char*>(sqlite3_column_blob(s_, c));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, c))) : std::string();
  }
  Hash hash(int c) {
    Hash h{};
    std::string b = blob(c);
    if (b.size() == 32) std::copy(b.begin(), b.end(), h.begin());
    return h;
  }

 private:
  sqlite3_stmt* s_ = nullptr;
  int rc_;
};

// Opens (creating) a database in WAL mode with a busy timeout, so an agent
// writing and a backup reading never fail on each other's locks. `what`
// names the database in error sentences ("the change journal").
Result<sqlite3*> open_sqlite(const std::string& path, const std::string& what);
// Runs statements with no results; an error names `what`.
Status exec_sql(sqlite3* db, const char* sql, const std::string& what);
Error sqlite_error(sqlite3* db, const std::string& what, const std::string& doing);

// The `meta (key TEXT PRIMARY KEY, value BLOB)` table the local databases
// keep their odd values in (keys bound as blobs, as the journal always has).
Status set_meta_value(sqlite3* db, const std::string& what, const std::string& key, const std::string& value);
Result<std::optional<std::string>> meta_value(sqlite3* db, const std::string& what, const std::string& key);

}  // namespace gb
