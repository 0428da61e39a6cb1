#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/cli/commands.h"
#include "core/cli/exit_codes.h"
#include "core/cli/json.h"
#include "core/connect/open_backend.h"
#include "core/crypto/keys.h"

namespace gb {

int cmd_init(const CommandLine& cl) {
  if (!cl.args.empty()) return report_error(make_error(ErrorKind::InvalidArgument, "init takes no arguments (use --repo URL to choose where)"));
  std::string url = cl.value("repo").value_or(std::getenv("GRIDBACKUP_REPO") ? std::getenv("GRIDBACKUP_REPO") : default_repository_url());
  auto backend = open_backend(url);
  if (!backend) return report_error(backend.error());
  // The backend's own form of the URL: a secret in it (a Tahoe dircap) is redacted.
  std::string shown_url = (*backend)->url();
  std::string file = cap_file(cl);
  std::error_code exists_error;
  if (std::filesystem::exists(file, exists_error))
    return report_error(
        make_error(ErrorKind::InvalidArgument,
                   fmt::format("a cap file already exists at {}; choose another with --cap-file (it may open another repository)", file)));
  auto master = random_hash();
  if (!master) return report_error(master.error());
  RootCap cap{*master, url};
  auto repo = Repository::init(std::move(*backend), cap.master);
  if (!repo) return report_error(repo.error());
  std::string text = format_cap(cap);
  const bool json = cl.flag("json");
  if (Status st = save_cap_file(file, text); !st) {
    std::fprintf(stderr, "gridbackup: the repository was created, but: %s\nKeep this cap safe; it is the only key:\n", st.error().message.c_str());
    // Under --json stdout holds no secret: the cap goes where a person reads it.
    std::fprintf(json ? stderr : stdout, "%s\n", text.c_str());
    return kExitError;
  }
  if (json) {
    // What a script needs to go on; never the cap (it is in the cap file).
    Json out = {{"repository_id", to_hex((*repo)->config().repository_id)}, {"url", shown_url}, {"cap_file", file}};
    std::printf("%s\n", json_text(out).c_str());
    return kExitOk;
  }
  if (!cl.flag("quiet"))
    std::fprintf(stderr,
                 "Created repository %s\nIts root cap is saved in %s (mode 0600). Keep a copy somewhere safe:\n"
                 "with it alone, any machine can list and restore everything; without it, nothing can.\n",
                 shown_url.c_str(), file.c_str());
  std::printf("%s\n", text.c_str());
  return kExitOk;
}

const Command kInitCommand = {
    "init",
    "",
    "create a repository and print its root cap (saved 0600 in the cap file)",
    [](CommandOptions& o) { o.json("print the repository id, its URL (no secrets) and the cap file as JSON; never the cap"); },
    cmd_init,
    false,
    "The repository is --repo's, else GRIDBACKUP_REPO's, else ~/.local/share/gridbackup/repository.\n"};

}  // namespace gb
