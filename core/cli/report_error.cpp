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

int open_or_report(const CommandLine& cl, std::unique_ptr<Repository>& out, bool load_index) {
  auto repo = open_repository(cl, load_index);
  if (!repo) {
    int code = report_error(repo.error());
    return repo.error().kind == ErrorKind::NotFound ? kExitNoRepository : code;
  }
  out = std::move(*repo);
  return kExitOk;
}

}  // namespace gb
