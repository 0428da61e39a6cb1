// Finds the command on the command line and parses its options with its own
// CLI11 spec (command.h). Options may come before the command word, as
// scripts have always written them (`gridbackup --cap-file F --host H backup
// PATH`): the command word is found first, then the whole line is the
// command's. Refusals are worded here rather than left to CLI11's messages,
// so each is one sentence that names the command and where to look.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <set>

#include "core/cli/command.h"

namespace gb {
namespace {

// "Usage: gridbackup restore SNAPSHOT|latest --target DIR [PATH...] [OPTIONS]":
// CLI11 would list the positionals by the one catch-all it parses them into.
class UsageLine : public CLI::Formatter {
 public:
  explicit UsageLine(std::string args) : args_(std::move(args)) {}
  std::string make_usage(const CLI::App*, std::string name) const override {
    return "Usage: " + name + (args_.empty() ? "" : " " + args_) + " [OPTIONS]\n";
  }

 private:
  std::string args_;
};

std::unique_ptr<CLI::App> make_app(const Command& c, CommandLine& out) {
  auto app = std::make_unique<CLI::App>(c.summary, std::string("gridbackup ") + c.name);
  app->set_help_flag();  // -h/--help is a flag of ours (CommandOptions::global): main prints the help, exit 0
  app->formatter(std::make_shared<UsageLine>(c.args));
  if (*c.details) app->footer(c.details);
  CommandOptions o(*app, out);
  if (c.options) c.options(o);
  o.global();
  // The positionals, in order; each command checks its own (with its own sentences).
  app->add_option("args", out.args)->expected(0, 1 << 30)->group("");
  return app;
}

bool takes_value(const CLI::Option* o) { return !o->get_positional() && o->get_expected_min() > 0; }

// The options some command takes: a value option before the command word
// takes the next argument with it, and an option refused here was at least
// spelled right.
struct KnownOptions {
  std::set<std::string> with_value, all;
};

KnownOptions known_options(std::span<const Command* const> commands) {
  KnownOptions k;
  for (const Command* c : commands) {
    CommandLine scratch;
    auto app = make_app(*c, scratch);
    for (const CLI::Option* o : app->get_options())
      for (const auto& n : o->get_lnames()) {
        k.all.insert(n);
        if (takes_value(o)) k.with_value.insert(n);
      }
  }
  return k;
}

Error invalid(std::string sentence) { return make_error(ErrorKind::InvalidArgument, std::move(sentence)); }

// Each argument that looks like an option must be one of this command's,
// with a value if and only if it takes one.
Status check_options(const Command& c, const CLI::App& app, const std::vector<std::string>& args, const KnownOptions& known) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") break;
    if (a == "-h" || a == "-" || a.empty() || a[0] != '-') continue;
    if (a.rfind("--", 0) != 0) {
      // A one-letter flag the command declares ("ls -l"); no one-letter option takes a value.
      if (a.size() == 2 && app.get_option_no_throw(a) && !takes_value(app.get_option_no_throw(a))) continue;
      if (a.find_first_not_of('v', 1) == std::string::npos) continue;  // -vv, -vvv: counted verbosity
      return invalid(fmt::format("unknown option {} (see 'gridbackup help {}')", a, c.name));
    }
    std::string name = a.substr(2);
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      name.resize(eq);
      has_value = true;
    }
    const CLI::Option* o = app.get_option_no_throw("--" + name);
    if (!o) {
      if (known.all.count(name)) return invalid(fmt::format("'{}' does not take --{} (see 'gridbackup help {}')", c.name, name, c.name));
      return invalid(fmt::format("unknown option --{} (see 'gridbackup help {}')", name, c.name));
    }
    if (!takes_value(o)) {
      if (has_value) return invalid(fmt::format("option --{} takes no value", name));
    } else if (!has_value) {
      if (i + 1 >= args.size()) return invalid(fmt::format("option --{} needs a value", name));
      ++i;
    }
  }
  return {};
}

}  // namespace

Result<CommandLine> parse_command_line(std::span<const Command* const> commands, int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  KnownOptions known = known_options(commands);
  // The command word: the first argument that is neither an option nor an option's value.
  size_t at = args.size();
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") break;
    if (a.size() > 1 && a[0] == '-') {
      if (a.rfind("--", 0) == 0 && a.find('=') == std::string::npos && known.with_value.count(a.substr(2))) ++i;
      continue;
    }
    at = i;
    break;
  }
  CommandLine cl;
  if (at == args.size()) {
    // No command: `gridbackup`, `gridbackup --help`, `gridbackup --version`.
    for (const auto& a : args) {
      if (a == "--help" || a == "-h")
        cl.flags["help"] = true;
      else if (a == "--version")
        cl.flags["version"] = true;
      else if (a == "--")
        break;
      else if (a.rfind("--", 0) == 0 && !known.all.count(a.substr(2, a.find('=') - 2)))
        return invalid(fmt::format("unknown option {} (see 'gridbackup help')", a.substr(0, a.find('='))));
    }
    return cl;
  }
  auto spec = std::find_if(commands.begin(), commands.end(), [&](const Command* c) { return args[at] == c->name; });
  if (spec == commands.end()) return invalid(fmt::format("unknown command '{}' (see 'gridbackup help')", args[at]));
  cl.command = args[at];
  cl.stores = (*spec)->stores;
  args.erase(args.begin() + static_cast<std::ptrdiff_t>(at));
  auto app = make_app(**spec, cl);
  GB_CHECK(check_options(**spec, *app, args, known));
  // After "--" everything is a positional, even "-x"; CLI11 is given only what comes before.
  std::vector<std::string> after;
  if (auto dashes = std::find(args.begin(), args.end(), "--"); dashes != args.end()) {
    after.assign(dashes + 1, args.end());
    args.erase(dashes, args.end());
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector back to front
  try {
    app->parse(args);
  } catch (const CLI::ParseError& e) {
    return invalid(fmt::format("{} (see 'gridbackup help {}')", e.what(), cl.command));
  }
  cl.args.insert(cl.args.end(), after.begin(), after.end());
  for (const CLI::Option* o : app->get_options())
    for (const auto& n : o->get_lnames()) cl.takes.insert(n);
  for (const auto& h : cl.all("host"))
    if (h.empty()) return invalid("--host needs a host name, not an empty string");
  for (const auto& x : cl.all("exclude")) GB_CHECK(check_exclude_pattern(x, "--exclude"));
  for (const auto& x : cl.all("iexclude")) GB_CHECK(check_exclude_pattern(x, "--iexclude"));
  return cl;
}

std::string command_help(const Command& c) {
  CommandLine scratch;
  return make_app(c, scratch)->help();
}

}  // namespace gb
