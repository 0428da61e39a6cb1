#include <doctest/doctest.h>

#include <cerrno>

#include "core/common/posix_error.h"

using namespace gb;

TEST_CASE("posix_error: the context, the system's sentence, and the cause errno maps to") {
  Error e = posix_error("cannot open /x", ENOENT);
  CHECK(e.kind == ErrorKind::Io);
  CHECK(e.message == std::string("cannot open /x: ") + std::strerror(ENOENT));
  CHECK(e.cause == Cause::NotFound);
  CHECK(posix_error("w", ENOTDIR).cause == Cause::NotFound);
  CHECK(posix_error("w", EACCES).cause == Cause::Permission);
  CHECK(posix_error("w", EPERM).cause == Cause::Permission);
  CHECK(posix_error("w", ENOSPC).cause == Cause::NoSpace);
  CHECK(posix_error("w", EIO).cause == Cause::Unspecified);
  CHECK(posix_error("", EIO).message == std::strerror(EIO));
  CHECK(posix_error("w", ENOENT, ErrorKind::NotFound).kind == ErrorKind::NotFound);
}

TEST_CASE("an error keeps its fields when context is added") {
  Error e = make_error(ErrorKind::Corrupt, "object data/ab/abc is missing").about_object("data/ab/abc").because(Cause::MissingObject);
  Error wrapped = e.in_context("restoring /f");
  CHECK(wrapped.message == "restoring /f: object data/ab/abc is missing");
  CHECK(wrapped.object == "data/ab/abc");
  CHECK(wrapped.cause == Cause::MissingObject);
  CHECK(wrapped.kind == ErrorKind::Corrupt);
}
