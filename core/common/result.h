// Result<T>: a value or an Error. Errors cross module boundaries as values,
// never as exceptions, so every caller decides what a failure means.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace gb {

enum class ErrorKind {
  InvalidArgument,  // the caller (usually the user) asked for something malformed
  NotFound,         // an object, file or snapshot does not exist
  Corrupt,          // stored data failed authentication or does not parse
  WrongKey,         // the cap does not open this repository
  Io,               // a local system call failed
  Transient,        // a remote failure worth retrying (timeout, 5xx)
  Permanent,        // a remote failure not worth retrying (403, 400)
  Unsupported,      // the platform or repository lacks a feature
};

// The kind's own name ("NotFound"): for tools and tests that print it.
constexpr const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::InvalidArgument:
      return "InvalidArgument";
    case ErrorKind::NotFound:
      return "NotFound";
    case ErrorKind::Corrupt:
      return "Corrupt";
    case ErrorKind::WrongKey:
      return "WrongKey";
    case ErrorKind::Io:
      return "Io";
    case ErrorKind::Transient:
      return "Transient";
    case ErrorKind::Permanent:
      return "Permanent";
    case ErrorKind::Unsupported:
      return "Unsupported";
  }
  return "?";
}

// What went wrong, for callers that act on it (retry from a staged copy,
// list the damaged object, ...): they read this, never the message text.
enum class Cause {
  Unspecified,
  Unstable,       // a file kept changing while it was read
  MissingObject,  // a repository object is absent or shorter than its index says
  Damaged,        // stored data is there but fails authentication or does not parse
  NotFound,       // a local file or directory does not exist (ENOENT, ENOTDIR)
  Permission,     // the system refused access (EACCES, EPERM)
  NoSpace,        // the local disk or quota is full (ENOSPC, EDQUOT)
  CapTooWeak,     // the cap given does not allow what was asked (a derived cap, docs/FORMAT.md "Attenuated caps")
};

struct Error {
  ErrorKind kind;
  std::string message;  // one sentence a user can read
  Cause cause = Cause::Unspecified;
  std::string object;  // the repository object at fault, when one is
  std::string path;    // the local path at fault, when one is

  Error because(Cause c) && {
    cause = c;
    return std::move(*this);
  }
  Error about_object(std::string name) && {
    object = std::move(name);
    return std::move(*this);
  }
  Error about_path(std::string p) && {
    path = std::move(p);
    return std::move(*this);
  }
  // The same error, its message prefixed with "context: ", its fields kept.
  Error in_context(std::string_view context) const {
    Error e = *this;
    e.message = std::string(context) + ": " + message;
    return e;
  }
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& value() const& { return std::get<0>(v_); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : err_(std::move(error)), failed_(true) {}
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return err_; }

 private:
  Error err_{};
  bool failed_ = false;
};

using Status = Result<void>;

inline Error make_error(ErrorKind kind, std::string message) { return Error{kind, std::move(message), Cause::Unspecified, {}, {}}; }

}  // namespace gb

// Propagate a failed Result from the enclosing function.
#define GB_CHECK(expr)                                      \
  do {                                                      \
    auto gb_check_result_ = (expr);                         \
    if (!gb_check_result_) return gb_check_result_.error(); \
  } while (0)

#define GB_CONCAT_INNER(a, b) a##b
#define GB_CONCAT(a, b) GB_CONCAT_INNER(a, b)
// Declare `decl` from a Result, or propagate its error.
#define GB_ASSIGN(decl, expr) GB_ASSIGN_IMPL(GB_CONCAT(gb_assign_, __LINE__), decl, expr)
#define GB_ASSIGN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                    \
  if (!tmp) return tmp.error();         \
  decl = std::move(tmp).value()
