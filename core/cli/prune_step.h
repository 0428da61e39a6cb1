// Prune from the command line, shared by `prune` and `forget --prune`: the
// options, the run (core/prune/pruner.h) and its report.
#pragma once
#include "core/cli/command.h"
#include "core/cli/json.h"
#include "core/cli/options.h"
#include "core/prune/pruner.h"

namespace gb {

// --grace, --wait, --max-unused: declared by both commands.
void prune_tuning_options(CommandOptions& o);
// PruneOptions from the command line (--dry-run included); the lock names
// `lock_host`. An InvalidArgument naming the option when one is wrong.
Result<PruneOptions> prune_options_from(const CommandLine& cl, const std::string& lock_host);
// Runs prune on the command line's repository with a progress line on a
// terminal; the error is reported by the caller.
Result<PruneResult> run_prune_step(const CommandLine& cl, PruneOptions options);
// The result as people read it (stdout), or as JSON (prune_json).
void print_prune_result(const PruneResult& r, const PruneOptions& options);
Json prune_json(const PruneResult& r, const PruneOptions& options);

}  // namespace gb
