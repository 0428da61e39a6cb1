// Consistent slices: to know that every change made before instant T is in
// the journal, a backup writes a cookie file in each root at T and waits
// until the agent has journaled its creation (the trick file watchers such
// as watchman use). The agent reads its event queue in order, so everything
// before the cookie is journaled before it.
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "core/common/result.h"
#include "core/journal/change_journal.h"

namespace gb {

// Returns the journal seq at which every root's cookie arrived: the cut of
// the snapshot about to be taken. Fails with a sentence when a root is not
// writable or the agent does not answer within `timeout`.
Result<int64_t> sync_with_agent(ChangeJournal& journal, const std::vector<std::string>& roots,
                                std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace gb
