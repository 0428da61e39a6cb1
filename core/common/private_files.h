// Local state is private: it holds every path of every snapshot in plaintext
// (view caches, queue, journal). Directories are 0700 and files 0600 from the
// moment they are created, whatever the umask, and state that is found open
// to the group or others is tightened (one line on stderr) or, when this
// user cannot change it, refused with one sentence.
#pragma once
#include <string>

#include "core/common/result.h"

namespace gb {

// Creates `dir` and its missing parents with mode 0700 (created parents too:
// they only ever lead to our state), then checks `dir` itself with
// ensure_private.
Status make_private_dir(const std::string& dir);

// Opens (creating with mode 0600 when missing) `path` with `flags` (O_CREAT
// is added) and makes it private; returns the descriptor.
Result<int> open_private_file(const std::string& path, int flags);

// If `path` exists and the group or others may read, write or enter it, takes
// those permissions away and says so on stderr; an Io error when it cannot
// (another user's file). A missing path is fine.
Status ensure_private(const std::string& path);

// Prepares an SQLite database file before sqlite3_open: creates it 0600 when
// missing (SQLite gives its -wal, -shm and -journal files the main file's
// permissions) and makes it and those companions private.
Status prepare_private_database(const std::string& path);

}  // namespace gb
