// Imports a change spool (change_spool.h: how the Windows agent, which cannot
// link SQLite, hands records over) into the change journal. Resumable: the
// journal remembers how far each segment was read, a growing segment is
// read again from there, and a segment is deleted once read and superseded.
#pragma once
#include <string>

#include "core/common/result.h"
#include "core/journal/change_journal.h"

namespace gb {

// Returns the number of records appended. A damaged segment still yields
// the records before the damage and then an Overflow record for "/" (every
// root): records were lost, so the next backup rescans instead of trusting.
Result<size_t> import_spool(ChangeJournal& journal, const std::string& spool_dir);

}  // namespace gb
