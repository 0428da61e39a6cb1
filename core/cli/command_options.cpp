// The option declarations of every command, on CLI11 (Debian: libcli11-dev):
// it keeps the per-command spec, binds the values and writes the help.
#include <CLI/CLI.hpp>

#include "core/cli/command.h"

namespace gb {

void CommandOptions::value(const std::string& name, const std::string& type, const std::string& help) {
  CommandLine& out = out_;
  app_.add_option(
          "--" + name,
          [&out, name](const CLI::results_t& given) {
            for (const auto& v : given) out.values[name].push_back(v);
            return true;
          },
          help)
      ->type_name(type)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

void CommandOptions::flag(const std::string& name, const std::string& help) {
  CommandLine& out = out_;
  app_.add_flag_function(
          "--" + name, [&out, name](int64_t) { out.flags[name] = true; }, help)
      ->disable_flag_override();
}

void CommandOptions::flag(const std::string& name, char letter, const std::string& help) {
  CommandLine& out = out_;
  app_.add_flag_function(
          std::string("-") + letter + ",--" + name, [&out, name](int64_t) { out.flags[name] = true; }, help)
      ->disable_flag_override();
}

void CommandOptions::json(const std::string& what) { flag("json", what); }

void CommandOptions::no_progress() { flag("no-progress", "no progress line on stderr"); }

void CommandOptions::verbose(const std::string& what) { verbose_help_ = what; }

void CommandOptions::host_and_path() {
  value("host", "NAME",
        "only this host's snapshots (repeatable); SNAPSHOT 'latest' is this host's newest "
        "(default GRIDBACKUP_HOST, then the machine's name)");
  value("path", "PATH", "only snapshots of this absolute path (repeatable)");
  value("tag", "TAG[,TAG...]", "only snapshots with every tag of the list (repeatable: any of the lists)");
}

void CommandOptions::transfer() {
  value("limit-upload", "KiB/s", "upload rate limit");
  value("parallel", "N", "parallel uploads (default: the number of cores, at least 2)");
  value("max-delta-chain", "N", "store a full version after N deltas (default 8; 0: no deltas)");
  value("commit-interval", "S", "the uploader records its progress (and takes in a prune plan) at least every S seconds (default 30)");
}

void CommandOptions::global() {
  // Every command's options, listed apart in each command's help.
  const char* group = "Global options";
  auto mark = [&](const std::string& name) { app_.get_option("--" + name)->group(group); };
  value("repo", "URL", "repository (file:///path, s3://, sftp://, tahoe://, grid:k=K|URL|...); default GRIDBACKUP_REPO, then the cap's");
  value("cap-file", "FILE", "root cap file (default GRIDBACKUP_CAP_FILE, then ~/.config/gridbackup/cap)");
  value("cap", "CAP", "the root cap itself (visible to other users in ps: prefer GRIDBACKUP_CAP or --cap-file)");
  value("state-dir", "DIR", "local state and caches (default GRIDBACKUP_STATE_DIR, then ~/.local/state/gridbackup)");
  flag("quiet", 'q', "print only errors");
  for (const char* name : {"repo", "cap-file", "cap", "state-dir", "quiet"}) mark(name);
  CommandLine& out = out_;
  // Counted, as restic's: -v, -vv (or -v -v); each command says what it adds.
  app_.add_flag_function(
          "-v,--verbose",
          [&out](int64_t n) {
            out.verbosity = static_cast<int>(n);
            out.flags["verbose"] = true;
          },
          verbose_help_.empty() ? std::string("more detail where the command has any (-vv: more still)") : verbose_help_)
      ->group(group);
  app_.add_flag_function(
          "-h,--help", [&out](int64_t) { out.flags["help"] = true; }, "this command's help")
      ->disable_flag_override()
      ->group(group);
}

}  // namespace gb
