#include "core/cli/restore_json.h"

#include <fmt/format.h>

#include "core/cli/exit_codes.h"

namespace gb {

Result<Overwrite> overwrite_mode_named(const std::string& mode) {
  if (mode == "always") return Overwrite::Always;
  if (mode == "if-changed") return Overwrite::IfChanged;
  if (mode == "if-newer") return Overwrite::IfNewer;
  if (mode == "never") return Overwrite::Never;
  return make_error(ErrorKind::InvalidArgument, fmt::format("--overwrite takes always, if-changed, if-newer or never, not '{}'", mode));
}

Json restore_json(const Snapshot& snap, const std::string& target, const RestoreOptions& opts, const RestoreResult& r, double seconds) {
  auto failed = [](const std::vector<RestoreFailure>& list) {
    Json out = Json::array();
    for (const auto& f : list) out.push_back({{"path", f.path}, {"message", f.message}});
    return out;
  };
  return {{"snapshot", snap.id},
          {"short_id", snap.short_id()},
          {"target", target},
          {"dry_run", opts.dry_run},
          {"files", r.files},
          {"dirs", r.dirs},
          {"others", r.others},
          {"bytes", r.bytes},
          {"kept", r.kept},
          {"kept_bytes", r.kept_bytes},
          {"deleted", r.deleted},
          {"deleted_bytes", r.deleted_bytes},
          {"verified", r.verified},
          {"failures", failed(r.failures)},
          {"damaged", failed(r.damaged)},
          {"damaged_objects", Json(std::vector<std::string>(r.damaged_objects.begin(), r.damaged_objects.end()))},
          {"not_uploaded", r.not_uploaded},
          {"mismatched", failed(r.mismatched)},
          {"metadata_warnings", r.warnings},
          {"replaced_links", r.replaced_links},
          {"seconds", json_seconds(seconds)}};
}

int restore_exit_code(const RestoreResult& r) {
  if (!r.damaged.empty()) return kExitDamaged;
  if (!r.not_uploaded.empty()) return kExitPartial;
  if (!r.mismatched.empty()) return kExitError;
  if (!r.failures.empty()) return kExitPartial;
  return kExitOk;
}

}  // namespace gb
