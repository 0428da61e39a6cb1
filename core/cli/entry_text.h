// The one way the commands show an entry's mode, size and time to people
// (ls -l, find, versions), so that the same file reads the same in every
// command's output. Counts: count_text.h.
#pragma once
#include <cstdint>
#include <string>

#include "core/snapshot/entry.h"

namespace gb {

// "drwxr-xr-x", with s/S/t/T for setuid, setgid and sticky, as ls -l shows them.
std::string mode_text(const Entry& e);
// A regular file's size ("12 B", "3.50 MiB"); "-" for anything else.
std::string entry_size_text(const Entry& e);
// The modification time, local: "2026-11-30 14:00:05".
std::string entry_time_text(const Entry& e);

}  // namespace gb
