#include "core/cli/entry_text.h"

#include "core/cli/progress_line.h"
#include "core/cli/time_text.h"

namespace gb {

std::string mode_text(const Entry& e) {
  char type = '-';
  switch (e.type) {
    case NodeType::File:
      type = '-';
      break;
    case NodeType::Dir:
      type = 'd';
      break;
    case NodeType::Symlink:
      type = 'l';
      break;
    case NodeType::Fifo:
      type = 'p';
      break;
    case NodeType::CharDev:
      type = 'c';
      break;
    case NodeType::BlockDev:
      type = 'b';
      break;
    case NodeType::Socket:
      type = 's';
      break;
  }
  std::string s(1, type);
  const char* rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i) s += (e.mode & (0400u >> i)) ? rwx[i] : '-';
  // The execute column shows setuid, setgid and sticky: lower case when executable.
  auto special = [&](uint32_t bit, size_t at, char on) {
    if (e.mode & bit) s[at] = s[at] == '-' ? static_cast<char>(on - 'a' + 'A') : on;
  };
  special(04000, 3, 's');
  special(02000, 6, 's');
  special(01000, 9, 't');
  return s;
}

std::string entry_size_text(const Entry& e) { return e.type == NodeType::File ? human_bytes(e.size) : "-"; }

std::string entry_time_text(const Entry& e) { return local_time_text(e.mtime_ns); }

}  // namespace gb
