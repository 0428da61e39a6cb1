#include <cstdio>

#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"

namespace gb {

int report_error(const Error& e) {
  std::fprintf(stderr, "gridbackup: %s\n", e.message.c_str());
  switch (e.kind) {
    case ErrorKind::InvalidArgument: return kExitUsage;
    case ErrorKind::WrongKey: return kExitWrongCap;
    case ErrorKind::Corrupt: return kExitDamaged;
    default: return kExitError;
  }
}

}  // namespace gb
