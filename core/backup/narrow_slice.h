// The narrow slice: a backup driven by the change journal. It stats only the
// paths a slice plan names (plus the other names of hard-linked files they
// touch), rescans only the subtrees it names, looks every previous entry up
// in the view cache, and writes the differences as a delta log. Its cost
// follows the size of the change, not of the tree.
#pragma once
#include <string>
#include <vector>

#include "core/backup/backup_session.h"
#include "core/journal/slice_plan.h"
#include "core/snapshot/view_cache.h"

namespace gb {

// `excludes` are the full scan's (built once from options.excludes), so the
// slice leaves out exactly what a full scan would.
Status run_narrow_slice(const SlicePlan& plan, const std::vector<std::string>& roots, const BackupOptions& options, const ExcludeRules& excludes,
                        BackupProgress& progress, BackupSession& session, ViewCache& cache, BackupResult& result);

}  // namespace gb
