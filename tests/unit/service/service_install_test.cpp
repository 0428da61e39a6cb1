// The always-on service's unit text (agents/linux/service_install.h): the
// words of ExecStart quoted as systemd splits them, ReadWritePaths without
// repeats, and the refusals (a build tree, what PrivateTmp hides) that keep
// a unit from failing at every start.
#include <doctest/doctest.h>

#include <fstream>

#include "agents/linux/service_install.h"
#include "tests/unit/test_support.h"

using namespace gb;
using gb::test::ScratchDir;

namespace {
bool has_line(const std::string& text, const std::string& line) { return ("\n" + text).find("\n" + line + "\n") != std::string::npos; }
}  // namespace

TEST_CASE("systemd_quote: plain words stay, others are quoted, % and $ doubled") {
  CHECK(systemd_quote("/usr/share") == "/usr/share");
  CHECK(systemd_quote("--snapshot-interval") == "--snapshot-interval");
  CHECK(systemd_quote("Mon-Fri 08:00-23:00 = 1MiB/s") == "\"Mon-Fri 08:00-23:00 = 1MiB/s\"");
  CHECK(systemd_quote("/srv/100%") == "/srv/100%%");
  CHECK(systemd_quote("/srv/$HOME") == "/srv/$$HOME");
  CHECK(systemd_quote("a \"b\" \\c") == "\"a \\\"b\\\" \\\\c\"");
  CHECK(systemd_quote("") == "\"\"");
}

TEST_CASE("service unit: ExecStart and ReadWritePaths from the options") {
  ServiceInstallOptions o;
  o.binary = "/usr/local/bin/gridbackup";
  o.roots = {"/", "/home/a b"};
  o.run_options = {"--cap-file", "/root/.config/gridbackup/cap"};
  o.writes = {"/srv/repo", "/"};
  auto text = service_unit_text(o);
  REQUIRE(text);
  CHECK(has_line(*text, "ExecStart=/usr/local/bin/gridbackup service run --cap-file /root/.config/gridbackup/cap / \"/home/a b\""));
  CHECK(has_line(*text, "ReadWritePaths=/srv/repo / \"/home/a b\""));
  CHECK(has_line(*text, "Type=notify"));
  o.writes_roots = false;
  text = service_unit_text(o);
  REQUIRE(text);
  CHECK(has_line(*text, "ReadWritePaths=/srv/repo /"));
}

TEST_CASE("service unit: refusals") {
  ServiceInstallOptions o;
  o.binary = "/usr/local/bin/gridbackup";
  CHECK(!service_unit_text(o));  // no root
  o.roots = {"/tmp/x"};
  auto hidden = service_unit_text(o);
  REQUIRE(!hidden);
  CHECK(hidden.error().message.find("PrivateTmp=yes") != std::string::npos);
  o.user = true;  // a user's unit has no PrivateTmp
  auto user = service_unit_text(o);
  REQUIRE(user);
  CHECK(has_line(*user, "ExecStart=/usr/local/bin/gridbackup service run --user /tmp/x"));
  o = {};
  o.roots = {"/srv"};
  o.reads = {"/dev/shm/cap"};
  o.binary = "/usr/local/bin/gridbackup";
  auto dev = service_unit_text(o);
  REQUIRE(!dev);
  CHECK(dev.error().message.find("PrivateDevices=yes") != std::string::npos);
  o.reads.clear();
  o.run_options = {"--host", "a\nb"};
  CHECK(!service_unit_text(o));
}

TEST_CASE("service unit: a binary in a build tree needs force") {
  ScratchDir d;
  std::ofstream(d.path + "/CMakeCache.txt") << "# cmake\n";
  ServiceInstallOptions o;
  o.binary = d.path + "/sub/gridbackup";
  o.roots = {"/srv"};
  auto refused = service_unit_text(o);
  REQUIRE(!refused);
  CHECK(refused.error().message.find("lies in the build tree " + d.path) != std::string::npos);
  o.force = true;
  // Forced, it is still refused for lying in /var/tmp (where ScratchDir is): hidden from the unit.
  auto forced = service_unit_text(o);
  REQUIRE(!forced);
  CHECK(forced.error().message.find("the gridbackup binary") != std::string::npos);
}
