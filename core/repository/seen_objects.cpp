#include "core/repository/seen_objects.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <unordered_set>

#include "core/common/fd_io.h"
#include "core/common/posix_error.h"
#include "core/common/private_files.h"

namespace gb {
namespace {

constexpr char kHeader[] = "gridbackup seen-objects v1";

Result<std::unordered_set<std::string>> names_under(Backend& backend, const std::string& prefix) {
  GB_ASSIGN(auto objects, backend.list(prefix));
  std::unordered_set<std::string> out;
  for (const auto& o : objects) out.insert(o.name.substr(prefix.size()));
  return out;
}

// Written to a temporary name and renamed: a full disk leaves the old record whole.
Status write_record(const std::string& path, const std::set<std::string>& snaps, const std::set<std::string>& stones) {
  std::string text = std::string(kHeader) + "\n";
  for (const auto& s : snaps) text += "snapshot " + s + "\n";
  for (const auto& t : stones) text += "tombstone " + t + "\n";
  GB_CHECK(make_private_dir(std::filesystem::path(path).parent_path().string()));  // it names every snapshot
  std::string tmp = path + ".tmp";
  GB_ASSIGN(int fd, open_private_file(tmp, O_WRONLY | O_TRUNC | O_CLOEXEC));
  bool ok = write_fully(fd, as_bytes(text)) && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) err = errno;
    ::unlink(tmp.c_str());
    return posix_error(fmt::format("cannot write {}", path), err);
  }
  return {};
}

// The record as stored; empty sets when there is none (or it is not ours).
void read_record(const std::string& path, std::set<std::string>& snaps, std::set<std::string>& stones, bool& present) {
  std::ifstream in(path);
  std::string line;
  present = false;
  if (!in || !std::getline(in, line) || line != kHeader) return;
  present = true;
  while (std::getline(in, line)) {
    if (line.rfind("snapshot ", 0) == 0) snaps.insert(line.substr(9));
    if (line.rfind("tombstone ", 0) == 0) stones.insert(line.substr(10));
  }
}

}  // namespace

Status record_seen_snapshot(const std::string& path, const std::string& id) {
  std::set<std::string> snaps, stones;
  bool present = false;
  read_record(path, snaps, stones, present);
  if (!snaps.insert(id).second) return {};
  return write_record(path, snaps, stones);
}

Result<std::vector<std::string>> check_seen_objects(Backend& backend, const std::string& path) {
  GB_ASSIGN(auto snaps, names_under(backend, "snapshots/"));
  GB_ASSIGN(auto stones, names_under(backend, "forgotten/"));
  std::set<std::string> seen_snaps, seen_stones;
  bool present = false;
  read_record(path, seen_snaps, seen_stones, present);
  std::vector<std::string> problems;
  for (const auto& id : seen_snaps)
    if (!snaps.count(id) && !stones.count(id))
      problems.push_back(
          fmt::format("snapshot {}, seen here before, is gone and no tombstone says it was forgotten: "
                      "the repository was rolled back or tampered with",
                      id.substr(0, 8)));
  for (const auto& id : seen_stones)
    if (!stones.count(id))
      problems.push_back(fmt::format("the tombstone of snapshot {}, seen here before, is gone: {}", id.substr(0, 8),
                                     snaps.count(id) ? "a forgotten snapshot came back (or the repository was rolled back)"
                                                     : "it was deleted, or the repository was rolled back"));
  size_t before = seen_snaps.size() + seen_stones.size();
  seen_snaps.insert(snaps.begin(), snaps.end());
  seen_stones.insert(stones.begin(), stones.end());
  if (seen_snaps.size() + seen_stones.size() != before || !present) GB_CHECK(write_record(path, seen_snaps, seen_stones));
  if (!problems.empty())
    problems.push_back(fmt::format("(this machine's record of what it saw is {}; delete it to accept the repository as it is now)", path));
  return problems;
}

}  // namespace gb
