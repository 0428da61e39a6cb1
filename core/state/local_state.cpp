#include "core/state/local_state.h"

#include <fcntl.h>
#include <sys/file.h>

#include <fmt/format.h>
#include <cerrno>
#include <filesystem>

#include "core/common/bytes.h"
#include "core/common/fd_io.h"
#include "core/common/posix_error.h"
#include "core/common/private_files.h"
#include "core/common/user_dirs.h"
#include "core/crypto/sha256.h"
#include "core/fs/unique_fd.h"
#include "core/journal/change_journal.h"
#include "core/queue/upload_queue.h"
#include "core/repository/repository.h"
#include "core/snapshot/view_cache.h"

namespace gb {
namespace {

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

// The first 8 bytes of SHA-256, hex: a fixed-length file name for any bytes.
std::string short_hash(const std::string& bytes) { return to_hex(ByteView(sha256(as_bytes(bytes))).first(8)); }

}  // namespace

LocalState LocalState::locate(const std::optional<std::string>& given) {
  if (given) return LocalState(*given, true);
  std::string e = env_value("GRIDBACKUP_STATE_DIR");
  return LocalState(e.empty() ? xdg_dir("XDG_STATE_HOME", ".local/state") + "/gridbackup" : e, false);
}

LocalState LocalState::journal_home() const {
  if (given_ || has_journal()) return *this;
  LocalState system(kSystemAgentDir, false);
  return system.agent_running() ? system : *this;
}

std::string LocalState::journal_path() const { return dir_ + "/journal.db"; }
std::string LocalState::agent_lock_path() const { return dir_ + "/agent.lock"; }
bool LocalState::has_journal() const { return exists(journal_path()); }

bool LocalState::agent_running() const {
  UniqueFd fd(::open(agent_lock_path().c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return false;
  // flock locks belong to the open file description, so our probe on a new
  // descriptor conflicts with the agent's lock exactly while it runs.
  return ::flock(fd.get(), LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
}

Result<std::unique_ptr<ChangeJournal>> LocalState::open_journal() const {
  GB_CHECK(make_private_dir(dir_));
  return ChangeJournal::open(journal_path());
}

Result<std::unique_ptr<ChangeJournal>> LocalState::existing_journal() const {
  if (!has_journal()) return make_error(ErrorKind::NotFound, fmt::format("no change journal in {}: no agent has run with this state dir", dir_));
  return ChangeJournal::open(journal_path());
}

Result<std::string> LocalState::grid_cursor(const std::string& grid_url, const std::string& what) const {
  std::string dir = dir_ + "/grid-" + short_hash(grid_url);
  GB_CHECK(make_private_dir(dir_));
  GB_CHECK(make_private_dir(dir));
  return dir + "/" + what + ".cursor";
}

std::string LocalState::repository_id(const Repository& repo) { return to_hex(repo.config().repository_id); }

std::string LocalState::repository_dir(const Repository& repo) const { return dir_ + "/" + repository_id(repo); }

Result<std::string> LocalState::write_ui_token(const std::string& token) const {
  GB_CHECK(make_private_dir(dir_));
  std::string path = dir_ + "/ui-token";
  GB_ASSIGN(int raw, open_private_file(path, O_WRONLY | O_TRUNC | O_CLOEXEC));
  UniqueFd fd(raw);
  if (!write_fully(fd.get(), as_bytes(token + "\n"))) return posix_error("cannot write " + path, errno);
  return path;
}

Result<std::string> LocalState::prepare_repository_dir(const Repository& repo) const {
  std::string dir = repository_dir(repo);
  GB_CHECK(make_private_dir(dir_));
  GB_CHECK(make_private_dir(dir));
  return dir;
}

Result<std::unique_ptr<UploadQueue>> LocalState::open_queue(const Repository& repo) const {
  GB_ASSIGN(std::string dir, prepare_repository_dir(repo));
  return UploadQueue::open(dir + "/queue.db");
}

std::string LocalState::staging_dir(const Repository& repo) const { return repository_dir(repo) + "/staging"; }

std::string LocalState::object_cache_dir(const Repository& repo) const { return repository_dir(repo) + "/objects"; }

Result<std::unique_ptr<ViewCache>> LocalState::open_view_cache(const Repository& repo, const std::string& line_key) const {
  GB_ASSIGN(std::string dir, prepare_repository_dir(repo));
  GB_CHECK(make_private_dir(dir + "/views"));
  return ViewCache::open(dir + "/views/" + short_hash(line_key) + ".db");
}

std::vector<std::string> LocalState::view_cache_paths() const {
  namespace stdfs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& repo : stdfs::directory_iterator(dir_, ec)) {
    std::error_code ec2;
    for (const auto& f : stdfs::directory_iterator(repo.path() / "views", ec2))
      if (f.path().extension() == ".db") out.push_back(f.path().string());
  }
  return out;
}

std::string LocalState::seen_objects_path(const Repository& repo) const { return repository_dir(repo) + "/seen-objects"; }

}  // namespace gb
