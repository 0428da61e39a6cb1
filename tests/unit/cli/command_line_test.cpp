#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/cli/command.h"

using namespace gb;

namespace {

int run_nothing(const CommandLine&) { return 0; }

const Command kCopy = {"copy",
                       "FROM TO",
                       "copy",
                       [](CommandOptions& o) {
                         o.value("exclude", "PATTERN", "skip");
                         o.flag("force", "again");
                         o.host_and_path();
                       },
                       run_nothing,
                       /*stores=*/true};
const Command kList = {"list", "", "list", [](CommandOptions& o) { o.flag("dry-run", "nothing"); }, run_nothing};
const Command* const kTwo[] = {&kCopy, &kList};

Result<CommandLine> parse(std::vector<std::string> words) {
  words.insert(words.begin(), "gridbackup");
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  return parse_command_line(kTwo, static_cast<int>(argv.size()), argv.data());
}

std::string refusal(std::vector<std::string> words) {
  auto cl = parse(std::move(words));
  REQUIRE_FALSE(cl);
  CHECK(cl.error().kind == ErrorKind::InvalidArgument);
  return cl.error().message;
}

}  // namespace

TEST_CASE("command line: options before or after the command word, values, repeats, '--'") {
  auto cl = parse({"--cap-file", "/c", "--exclude", "copy", "copy", "a", "--exclude=*.o", "--force", "--host", "-x", "b", "--", "--force", "-y"});
  REQUIRE(cl);
  CHECK(cl->command == "copy");
  CHECK(cl->stores);
  CHECK(cl->value("cap-file") == "/c");
  CHECK(cl->all("exclude") == std::vector<std::string>{"copy", "*.o"});  // a value that names a command is a value
  CHECK(cl->flag("force"));
  CHECK(cl->value("host") == "-x");  // a value may start with '-'
  CHECK(cl->args == std::vector<std::string>{"a", "b", "--force", "-y"});
  CHECK_FALSE(cl->flag("dry-run"));
  auto none = parse({"--help"});
  REQUIRE(none);
  CHECK(none->command.empty());
  CHECK(none->flag("help"));
  auto help = parse({"list", "-h"});
  REQUIRE(help);
  CHECK(help->flag("help"));
  CHECK_FALSE(help->stores);
}

TEST_CASE("command line: -v is counted (-vv, -v -v, --verbose), -q is --quiet, for every command") {
  auto none = parse({"list"});
  REQUIRE(none);
  CHECK(none->verbosity == 0);
  CHECK_FALSE(none->flag("verbose"));
  for (auto words : {std::vector<std::string>{"list", "-vv"}, {"list", "-v", "-v"}, {"-v", "copy", "--verbose"}}) {
    auto cl = parse(words);
    REQUIRE(cl);
    CHECK(cl->verbosity == 2);
    CHECK(cl->flag("verbose"));
  }
  auto one = parse({"copy", "a", "-v"});
  REQUIRE(one);
  CHECK(one->verbosity == 1);
  auto quiet = parse({"list", "-q"});
  REQUIRE(quiet);
  CHECK(quiet->flag("quiet"));
}

TEST_CASE("command line: one sentence for an option the command does not take, and for misuse") {
  CHECK(refusal({"list", "--force"}) == "'list' does not take --force (see 'gridbackup help list')");
  CHECK(refusal({"--dry-run", "copy", "a", "b"}) == "'copy' does not take --dry-run (see 'gridbackup help copy')");
  CHECK(refusal({"list", "--bogus"}) == "unknown option --bogus (see 'gridbackup help list')");
  CHECK(refusal({"list", "-x"}) == "unknown option -x (see 'gridbackup help list')");
  CHECK(refusal({"list", "-vx"}) == "unknown option -vx (see 'gridbackup help list')");
  CHECK(refusal({"copy", "--force=yes"}) == "option --force takes no value");
  CHECK(refusal({"copy", "--exclude"}) == "option --exclude needs a value");
  CHECK(refusal({"move"}) == "unknown command 'move' (see 'gridbackup help')");
  CHECK(refusal({"copy", "--host", ""}) == "--host needs a host name, not an empty string");
}

TEST_CASE("command line: a command's help lists its own options and the global ones, not another's") {
  std::string help = command_help(kCopy);
  CHECK(help.find("Usage: gridbackup copy FROM TO [OPTIONS]") != std::string::npos);
  CHECK(help.find("--exclude PATTERN") != std::string::npos);
  CHECK(help.find("--cap-file FILE") != std::string::npos);
  CHECK(help.find("--dry-run") == std::string::npos);
}
