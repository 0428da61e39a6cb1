// gridbackup cap: prints the root cap (from --cap, GRIDBACKUP_CAP or the cap file).
#include <cstdio>

#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"

namespace gb {

int cmd_cap(const CommandLine& cl) {
  auto cap = load_cap(cl);
  if (!cap) return report_error(cap.error());
  std::printf("%s\n", format_cap(*cap).c_str());
  return kExitOk;
}

const Command kCapCommand = {"cap", "", "print the root cap", nullptr, cmd_cap};

}  // namespace gb
