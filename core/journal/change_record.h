// The portable change record: what every OS agent (fanotify, FSEvents, USN)
// turns its native events into, and what the change journal stores. This file
// and change_record.cpp use nothing but the C++ standard library, so the
// Windows agent (which has no SQLite, OpenSSL or zstd under mingw) compiles
// them too and hands records to the core as a spool file in this format.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gb {

enum class ChangeKind : uint8_t {
  Created = 1,
  Modified = 2,  // content written (modify or close-after-write)
  Deleted = 3,
  RenamedFrom = 4,   // the old name of a rename
  RenamedTo = 5,     // the new name of a rename
  Attrib = 6,        // metadata only: mode, owner, times, xattrs, link count
  Overflow = 7,      // the agent lost events for the filesystem: rescan all of it
  RescanNeeded = 8,  // the agent cannot vouch for `path` and below: rescan that subtree
};

struct ChangeRecord {
  std::string fs_id;  // the filesystem: Linux fsid, Windows volume serial, macOS volume UUID (hex)
  std::string path;   // absolute, byte-exact, no trailing '/'; for Overflow the filesystem's root
  ChangeKind kind = ChangeKind::Modified;
  bool is_dir = false;
  int64_t time_ns = 0;    // when the agent saw it (wall clock)
  uint64_t position = 0;  // the native journal position: fanotify read counter, USN, FSEvents event id
  // The file's identity where the agent knows it (Linux inode number, NTFS
  // file reference number, FSEvents item inode); 0 when unknown. A write or
  // unlink through one name of a hard-linked file changes every other name,
  // and the name used may be gone by the time the backup looks: the inode
  // finds the other names.
  uint64_t inode = 0;
};

const char* change_kind_name(ChangeKind k);
std::optional<ChangeKind> change_kind_from_name(std::string_view name);

// One line a person can read: "modified dir=0 fs=… pos=… /path" (path bytes
// escaped as \xNN where they are not printable ASCII).
std::string describe(const ChangeRecord& r);

bool operator==(const ChangeRecord& a, const ChangeRecord& b);

// The change-record stream (docs/FORMAT.md, "Change records"): the bytes an
// agent without SQLite spools for the core to import. A stream is the magic
// "GBCR1\n" followed by records, each a little-endian u32 length and the
// record body (varints and length-prefixed strings, as in core/common/serial.h;
// the trailing inode varint may be absent, meaning 0).
extern const std::string_view kChangeStreamMagic;
void append_change_record(const ChangeRecord& r, std::string& out);
// Parses a whole stream (with its magic). Returns false on damage, with the
// records before the damage in `out` — a torn last record (an agent killed
// mid-write) is dropped, never misread.
bool parse_change_stream(std::string_view data, std::vector<ChangeRecord>& out);

}  // namespace gb
