// What `backup` reads from its command line about what to back up and what
// to leave out, as restic reads the same options (README "Excludes"): the
// exclude options into an ExcludeSpec, the PATH arguments and --files-from*
// lists into paths, with the paths that do not exist set apart (each is
// skipped with a warning, exit 3; none existing is an error).
#pragma once
#include <string>
#include <vector>

#include "core/cli/options.h"
#include "core/scan/exclude_rules.h"

namespace gb {

class CommandOptions;

// --exclude, --iexclude, --exclude-file, --iexclude-file, --exclude-caches,
// --exclude-if-present, --exclude-larger-than.
void declare_exclude_options(CommandOptions& o);
// --files-from, --files-from-verbatim, --files-from-raw.
void declare_files_from_options(CommandOptions& o);

Result<ExcludeSpec> exclude_spec(const CommandLine& cl);

struct BackupSources {
  std::vector<std::string> paths;      // as given or listed (existing ones)
  std::vector<std::string> missing;    // given or listed, but not there
  std::vector<std::string> unmatched;  // --files-from patterns that match nothing
};
Result<BackupSources> backup_sources(const CommandLine& cl);

}  // namespace gb
