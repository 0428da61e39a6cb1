// Which commands each kind of cap may run (docs/FORMAT.md, "Attenuated
// caps", threat model). One table, so every command refuses a cap it cannot
// use with the same kind of sentence and exit code 13.
#pragma once
#include <string_view>

#include "core/common/result.h"
#include "core/repository/derived_cap.h"

namespace gb {

// Whether the threat model lets a cap of `kind` run `command` at all.
bool cap_may_run(CapKind kind, std::string_view command);
// The one-sentence refusal (cause CapTooWeak) for a derived cap given to
// `command`: either the cap may never run it, or it may once repositories of
// format version 2 exist (this version opens repositories with the root cap only).
Error cap_refusal(CapKind kind, std::string_view command);

}  // namespace gb
