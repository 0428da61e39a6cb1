// LocalState: the one owner of the local state dir, the cache GridBackup
// keeps on this machine (deleting it loses nothing but time). Every path in
// it is built here and nowhere else, and every directory and file is made
// private on the way (0700 / 0600, core/common/private_files.h): the state
// holds every path of every snapshot in plaintext.
//
//   DIR/journal.db                the change journal (the agent appends, backups read)
//   DIR/agent.lock                flocked by the running agent
//   DIR/service.db                the service's schedule (core/service/service_state.h)
//   DIR/grid-H/WHAT.cursor        progress of a grid's verify, repair or retire (H: the grid URL's hash)
//   DIR/REPO/queue.db             the upload queue of repository REPO (its id, hex)
//   DIR/REPO/staging/             copies of files that would not hold still
//   DIR/REPO/views/H.db           view caches, one per host and set of roots (a snapshot line)
//   DIR/REPO/seen-objects         every snapshot and tombstone this machine saw
//   DIR/REPO/objects/             copies of its snapshot and index objects (core/storage/object_cache.h)
//   DIR/                          also prune's scratch for nameless temp files
//
// DIR is --state-dir, else $GRIDBACKUP_STATE_DIR, else
// $XDG_STATE_HOME/gridbackup (~/.local/state/gridbackup); the system agent's
// is kSystemAgentDir.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/result.h"

namespace gb {

// Declared only: this header is included widely (core/cli/options.h), and
// those who open one of these include its header.
class ChangeJournal;
class Repository;
class UploadQueue;
class ViewCache;

class LocalState {
 public:
  // The state dir of the agent the systemd unit runs (StateDirectory=).
  static constexpr const char* kSystemAgentDir = "/var/lib/gridbackup";

  // The state dir this process uses: `given` (--state-dir) when set, else
  // the environment's, else the XDG default. Nothing is created yet.
  static LocalState locate(const std::optional<std::string>& given);
  explicit LocalState(std::string dir, bool given = true) : dir_(std::move(dir)), given_(given) {}

  const std::string& dir() const { return dir_; }
  // Named by --state-dir rather than found by default.
  bool given() const { return given_; }

  // The state dir whose change journal this process uses: this one when it
  // was given or has a journal, else the system agent's while that runs, so
  // root's backups use it with no configuration.
  LocalState journal_home() const;

  // The change journal and the agent that writes it.
  std::string journal_path() const;
  std::string agent_lock_path() const;
  bool has_journal() const;
  // The always-on service's schedule.
  std::string service_path() const { return dir_ + "/service.db"; }
  // The web page's token (`gridbackup ui`): written 0600 (the dir made
  // private) so a script of this user can read it; returns its path.
  Result<std::string> write_ui_token(const std::string& token) const;
  // True while an agent process holds this dir's agent lock.
  bool agent_running() const;
  // Opens the journal, creating it (and the dir) when missing.
  Result<std::unique_ptr<ChangeJournal>> open_journal() const;
  // Opens the journal only if there is one: NotFound, in a sentence, when no
  // agent has run with this dir.
  Result<std::unique_ptr<ChangeJournal>> existing_journal() const;

  // The progress file `what` of the grid at `grid_url` (its dir made).
  Result<std::string> grid_cursor(const std::string& grid_url, const std::string& what) const;
  // Where nameless temp files are made (on the state's file system).
  const std::string& scratch_dir() const { return dir_; }

  // A repository's id as its part of the state dir and the journal's cuts
  // name it (hex).
  static std::string repository_id(const Repository& repo);
  // One repository's part of the state dir.
  std::string repository_dir(const Repository& repo) const;
  Result<std::unique_ptr<UploadQueue>> open_queue(const Repository& repo) const;
  // The staging area's directory (StagingArea makes it when it stages).
  std::string staging_dir(const Repository& repo) const;
  // The view cache of one snapshot line: `line_key` names the host and the
  // set of roots (any bytes; it is hashed into the name).
  Result<std::unique_ptr<ViewCache>> open_view_cache(const Repository& repo, const std::string& line_key) const;
  // Every view cache of every repository in this dir (the agent folds their logs).
  std::vector<std::string> view_cache_paths() const;
  std::string seen_objects_path(const Repository& repo) const;
  std::string object_cache_dir(const Repository& repo) const;
  // Makes the dir and the repository's part private; returns the latter.
  Result<std::string> prepare_repository_dir(const Repository& repo) const;

 private:
  std::string dir_;
  bool given_ = true;
};

}  // namespace gb
