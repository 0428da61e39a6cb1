// The one way a failed system call becomes an Error (after LevelDB's
// env_posix.cc PosixError): the context, the system's sentence for errno,
// and a Cause callers can act on without reading the text.
#pragma once
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include "core/common/result.h"

namespace gb {

inline Cause cause_of_errno(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return Cause::NotFound;
    case EACCES:
    case EPERM:
      return Cause::Permission;
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
      return Cause::NoSpace;
    default:
      return Cause::Unspecified;
  }
}

// "context: No such file or directory" with the cause errno maps to.
// An empty context gives the system's sentence alone.
inline Error posix_error(std::string_view context, int err, ErrorKind kind = ErrorKind::Io) {
  std::string message = context.empty() ? std::string(std::strerror(err)) : std::string(context) + ": " + std::strerror(err);
  return Error{kind, std::move(message), cause_of_errno(err), {}, {}};
}

}  // namespace gb
