// Exit codes of the gridbackup command (documented in the README).
#pragma once

namespace gb {

enum ExitCode : int {
  kExitOk = 0,
  kExitError = 1,          // the command failed (see the message)
  kExitUsage = 2,          // bad arguments or input
  kExitPartial = 3,        // finished, but some files could not be backed up or restored
  kExitAuditMissed = 4,    // backup --audit: the change journal missed changes; the snapshot is right (it comes from the full scan)
  kExitNoRepository = 10,  // no repository at the given location
  kExitWrongCap = 11,      // the cap is malformed or does not open the repository
  kExitDamaged = 12,       // repository data is damaged (verify found damage, restore hit it)
  kExitCapTooWeak = 13,    // the cap is valid but does not allow this command (a backup, read or verify cap)
};

}  // namespace gb
