// Metered connections (core/service/metered_network.h): the setting's
// words, which NMMetered values hold uploads back, and that no system bus
// means not metered with nothing to say. NetworkManager itself on a private
// bus: tests/cli/service_metered.sh.
#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "core/service/metered_network.h"

using namespace gb;

TEST_CASE("metered: auto, yes, no and nothing else") {
  CHECK(*parse_metered_setting("auto") == MeteredSetting::Auto);
  CHECK(*parse_metered_setting("yes") == MeteredSetting::Yes);
  CHECK(*parse_metered_setting("no") == MeteredSetting::No);
  for (const char* bad : {"", "Yes", "true", "maybe"}) {
    auto m = parse_metered_setting(bad);
    REQUIRE_FALSE(m);
    CHECK(m.error().message == std::string("metered wants auto, yes or no, not '") + bad + "'");
  }
}

TEST_CASE("metered: NMMetered yes and guess-yes hold uploads back; unknown, no and guess-no do not") {
  CHECK(nm_metered_is_metered(1));
  CHECK(nm_metered_is_metered(3));
  CHECK_FALSE(nm_metered_is_metered(0));
  CHECK_FALSE(nm_metered_is_metered(2));
  CHECK_FALSE(nm_metered_is_metered(4));
  CHECK_FALSE(nm_metered_is_metered(99));
}

TEST_CASE("metered: yes and no do not ask; auto without a system bus is not metered and says nothing") {
  MeteredState yes = MeteredNetwork(MeteredSetting::Yes).now();
  CHECK(yes.metered);
  CHECK(yes.reason == "the connection is metered (metered = yes)");
  CHECK_FALSE(MeteredNetwork(MeteredSetting::No).now().metered);

  const char* old = std::getenv("DBUS_SYSTEM_BUS_ADDRESS");
  std::optional<std::string> saved = old ? std::optional<std::string>(old) : std::nullopt;
  ::setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/gridbackup-test-bus", 1);
  MeteredNetwork network(MeteredSetting::Auto);
  for (int i = 0; i < 3; ++i) {
    MeteredState s = network.now();
    CHECK_FALSE(s.metered);
    CHECK(s.reason.empty());
    CHECK(s.problem.empty());
  }
  if (saved)
    ::setenv("DBUS_SYSTEM_BUS_ADDRESS", saved->c_str(), 1);
  else
    ::unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
}
