// The subcommands of `gridbackup`. Each returns a process exit code
// (exit_codes.h) and prints its own messages.
#pragma once
#include "core/cli/command.h"
#include "core/cli/options.h"

namespace gb {

int cmd_init(const CommandLine& cl);
int cmd_backup(const CommandLine& cl);
int cmd_snapshots(const CommandLine& cl);
// Lifecycle: forget (tombstones, retention policies), diff, find.
int cmd_forget(const CommandLine& cl);
int cmd_diff(const CommandLine& cl);
int cmd_find(const CommandLine& cl);
int cmd_ls(const CommandLine& cl);
int cmd_restore(const CommandLine& cl);
int cmd_verify(const CommandLine& cl);
int cmd_cap(const CommandLine& cl);
int cmd_upload(const CommandLine& cl);
int cmd_status(const CommandLine& cl);
int cmd_grid(const CommandLine& cl);
int cmd_repair(const CommandLine& cl);
int cmd_prune(const CommandLine& cl);
// Removes lock objects whose process is gone (--remove-all: every lock).
int cmd_unlock(const CommandLine& cl);
// Reports over snapshots (core/report): a path to stdout, space figures, one file's versions.
int cmd_dump(const CommandLine& cl);
int cmd_stats(const CommandLine& cl);
int cmd_versions(const CommandLine& cl);
// Every snapshot as a read-only FUSE file system (agents/fuse).
int cmd_mount(const CommandLine& cl);
// The web page (core/ui serves it): dashboard, snapshots, files, versions, downloads.
int cmd_ui(const CommandLine& cl);
// Adds, removes or sets snapshot tags (a changed snapshot is stored anew).
int cmd_tag(const CommandLine& cl);
// Copies snapshots and their content from another repository (core/copy).
int cmd_copy(const CommandLine& cl);
// The change-journal agent (core/cli/cmd_agent.cpp; linked into gridbackup
// only, with the agent library).
int cmd_agent(const CommandLine& cl);
// The always-on service (core/cli/cmd_service.cpp, core/service).
int cmd_service(const CommandLine& cl);

// Each command's spec (command.h), defined next to the function it runs.
extern const Command kInitCommand, kBackupCommand, kUploadCommand, kStatusCommand, kSnapshotsCommand, kLsCommand, kRestoreCommand, kDiffCommand,
    kFindCommand, kForgetCommand, kVerifyCommand, kCapCommand, kPruneCommand, kGridCommand, kRepairCommand, kAgentCommand, kUnlockCommand,
    kDumpCommand, kStatsCommand, kVersionsCommand, kMountCommand, kUiCommand, kTagCommand, kCopyCommand, kConfigCommand, kServiceCommand;

// Prints "gridbackup: <sentence>" on stderr and returns the matching exit code.
int report_error(const Error& e);
// Opens the command line's repository into `out`; on failure reports it and
// returns the exit code (kExitNoRepository when there is none), else kExitOk.
int open_or_report(const CommandLine& cl, std::unique_ptr<Repository>& out, bool load_index = true);
// The source repository of `copy` (open_source_repository) into `out`, said
// on stderr as "source repository <id> opened (<url>)"; on failure reports it.
int open_source_or_report(const CommandLine& cl, std::unique_ptr<Repository>& out);
// The same, then the snapshot `ref` resolved ("latest" is this host's unless
// --host/--path choose) into `snap`, and, given `chain`, the logs its view
// is read from (SnapshotStore::chain).
int open_snapshot_or_report(const CommandLine& cl, const std::string& ref, std::unique_ptr<Repository>& repo, Snapshot& snap,
                            std::vector<std::vector<Hash>>* chain = nullptr);
// The same, then every live snapshot into `all` and the --host/--path filter
// (every host's unless they narrow it) into `filter`.
int open_listing_or_report(const CommandLine& cl, std::unique_ptr<Repository>& repo, std::vector<Snapshot>& all, SnapshotFilter& filter);
// A PATH argument as snapshots store it (normalised, no trailing '/'), or an
// InvalidArgument naming `command` when it is not absolute.
Result<std::string> stored_path_argument(const std::string& arg, const std::string& command);

}  // namespace gb
