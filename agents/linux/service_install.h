// Installing the always-on service as a systemd unit (gridbackup service
// install): the text of agents/linux/gridbackup.service (or, --user,
// gridbackup-user.service) with ExecStart running the installed binary's
// `service run ROOT...` and ReadWritePaths for what it writes. What the unit
// cannot see or should not run is refused here with one sentence, not left
// to a restart loop.
#pragma once
#include <string>
#include <vector>

#include "core/common/result.h"

namespace gb {

struct ServiceInstallOptions {
  bool user = false;               // the user's manager (~/.config/systemd/user), not the system's
  std::string unit_dir;            // where the unit goes (default by `user`)
  std::string binary;              // the gridbackup the unit runs (absolute)
  std::vector<std::string> roots;  // canonical directories
  // `service run`'s options before the roots (--cap-file F, --repo URL, ...).
  std::vector<std::string> run_options;
  // Paths the service writes beside its state dir: a local repository, a
  // --state-dir (the roots are added: a backup writes its cookie files there).
  std::vector<std::string> writes;
  // A backup writes a cookie file in each root to sync with the agent: the
  // roots are writable to the unit unless no agent runs (--no-agent).
  bool writes_roots = true;
  // Files it reads (the cap file): they must be visible to the unit too.
  std::vector<std::string> reads;
  bool force = false;  // a binary in a build tree
  bool start = true;   // daemon-reload, enable --now
};

inline constexpr const char* kServiceUnitName = "gridbackup.service";

// The default unit directory: /etc/systemd/system, or for a user
// $XDG_CONFIG_HOME/systemd/user (~/.config/systemd/user).
std::string default_service_unit_dir(bool user);

// The unit's text, or the sentence saying why it would not work.
Result<std::string> service_unit_text(const ServiceInstallOptions& options);

// Writes the unit, then (when asked and systemd runs) reloads the manager
// and enables and starts it. `said` gets the lines to show the user.
Status install_service(const ServiceInstallOptions& options, std::vector<std::string>& said);
// Stops and disables the unit (when systemd runs) and removes it.
Status uninstall_service(const ServiceInstallOptions& options, std::vector<std::string>& said);

// One word of a systemd command line or path list, quoted as systemd
// splits them ("..." with \\ and \"), with % and $ doubled.
std::string systemd_quote(const std::string& word);

}  // namespace gb
