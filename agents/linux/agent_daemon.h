// The Linux change-journal agent: watches the backup roots with fanotify and
// appends their change records to the change journal of a state dir until
// SIGTERM or SIGINT.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/common/result.h"
#include "core/journal/change_record.h"

namespace gb {

struct AgentOptions {
  std::vector<std::string> roots;  // directories; made canonical before watching
  std::string state_dir;           // the journal and the agent lock; empty: no journal (record only)
  std::string record_path;         // also save the raw events as a recording (agents/replay); empty: none
  // The kernel's event queue: unlimited by default (a busy filesystem, such
  // as a build or another backup writing, must not cost a full rescan);
  // bounded by fs.fanotify.max_queued_events when set (tests force overflows).
  bool bounded_queue = false;
  // Called with each committed batch (e.g. to print it); may be empty.
  std::function<void(const std::vector<ChangeRecord>&)> on_records;
};

// Runs the agent; returns once a signal asked it to stop (ok) or on a failure
// (one sentence). On start, before any event, it appends a RescanNeeded
// record for every root: what changed while no agent ran is unknown.
Status run_agent(const AgentOptions& options);

// Roots as the agent watches them: absolute, symlinks resolved, existing
// directories; an Error names the first that is not.
Result<std::vector<std::string>> canonical_roots(const std::vector<std::string>& roots);

}  // namespace gb
