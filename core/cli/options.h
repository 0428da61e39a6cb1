// Command-line parsing and the resolution of repository, cap and state dir
// from flags, environment and defaults.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/common/result.h"
#include "core/config/config_file.h"
#include "core/queue/upload_queue.h"
#include "core/repository/derived_cap.h"
#include "core/repository/repository.h"
#include "core/repository/root_cap.h"
#include "core/snapshot/snapshot_select.h"
#include "core/state/local_state.h"

namespace gb {

struct CommandLine {
  std::string command;
  std::vector<std::string> args;                           // positional arguments after the command
  std::map<std::string, std::vector<std::string>> values;  // --name VALUE (repeatable)
  std::map<std::string, bool> flags;                       // --name
  bool stores = false;                                     // the command stores objects (Command::stores)
  std::set<std::string> takes;                             // the option names the command declares (without "--")
  std::shared_ptr<const Config> config;                    // the config files as read (apply_config); null: none read
  std::set<std::string> from_config;                       // the options apply_config filled (not typed)
  int verbosity = 0;                                       // -v: 1, -vv: 2 (each command says what it adds)
  std::function<bool()> keep_going;                        // in-process callers (the service): false stops an upload at its next file
  bool scheduled = false;                                  // run by the service's schedule, not typed
  bool flag(const std::string& name) const { return flags.count(name) > 0; }
  std::optional<std::string> value(const std::string& name) const;
  std::vector<std::string> all(const std::string& name) const;
};

// Refuses an empty exclude pattern or one with an unclosed '['; `where` names it.
Status check_exclude_pattern(const std::string& pattern, const std::string& where);
// The tags of one --tag value, as restic reads it: comma-separated, blanks
// around each trimmed, empty ones dropped; control characters refused.
Result<std::vector<std::string>> tag_names(const std::string& value);
// Every tag of several values, sorted and unique: what a snapshot stores.
Result<std::vector<std::string>> tag_set(const std::vector<std::string>& values);
// --host (repeatable), --path (repeatable, absolute) and --tag (repeatable:
// either list; within one comma list, every tag). With no --host and
// this_host_by_default, the filter names this host (host_name): what "latest" means.
Result<SnapshotFilter> snapshot_filter(const CommandLine& cl, bool this_host_by_default);

// Fills what the command line leaves open from the config files (config_step.cpp):
// each setting (core/config/settings.cpp) whose option the command takes, unless
// its flag was given or its environment variable is set. A bad file: InvalidArgument.
Status apply_config(CommandLine& cl);

std::string default_repository_url();
std::string default_cap_file();
// The local state dir: --state-dir, GRIDBACKUP_STATE_DIR, or the XDG default.
LocalState local_state(const CommandLine& cl);
std::string cap_file(const CommandLine& cl);
// Writes a cap file 0600 (creating its directory) and refuses to replace one:
// losing an old cap would lose access to the repository it opens.
Status save_cap_file(const std::string& path, const std::string& cap);

// The cap from --cap, GRIDBACKUP_CAP, or the cap file: any kind, or the
// root cap only (a derived cap is refused for cl.command, cap_policy.h).
Result<AnyCap> load_any_cap(const CommandLine& cl);
Result<RootCap> load_cap(const CommandLine& cl);
// The repository URL from --repo, GRIDBACKUP_REPO, or the cap.
std::string repository_url(const CommandLine& cl, const RootCap& cap);

// Opens the repository named by the command line.
Result<std::unique_ptr<Repository>> open_repository(const CommandLine& cl, bool load_index = true);
// Opens the repository at `url` with `cap`, under the command's shared lock
// (one that must be stored when `stores`), as open_repository does.
Result<std::unique_ptr<Repository>> open_repository_at(const CommandLine& cl, const RootCap& cap, const std::string& url, bool stores,
                                                       bool load_index);
// The source repository of `copy`, as restic's --from-* options: --from-repo
// URL (else GRIDBACKUP_FROM_REPO, else the cap's), --from-cap CAP (else
// GRIDBACKUP_FROM_CAP), --from-cap-file FILE (else GRIDBACKUP_FROM_CAP_FILE);
// a cap is required (never the destination's). Read under a shared lock.
Result<std::unique_ptr<Repository>> open_source_repository(const CommandLine& cl);

// The upload queue of this repository, in the state dir (created if needed).
Result<std::unique_ptr<UploadQueue>> open_queue(const CommandLine& cl, const Repository& repo);
// Shared by backup and upload: --limit-upload KiB/s and --parallel N.
struct TransferOptions {
  uint64_t limit_bytes_per_second = 0;  // 0: unlimited
  int parallel = 2;
  uint32_t max_delta_chain = 8;           // --max-delta-chain N: then a full version is stored
  uint64_t commit_interval_seconds = 30;  // --commit-interval S: the uploader records its progress at least this often
};
Result<TransferOptions> transfer_options(const CommandLine& cl);

std::string host_name(const CommandLine& cl);
std::string user_name();

}  // namespace gb
