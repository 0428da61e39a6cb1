// Whether the network connection is metered (a phone's hotspot, a capped
// mobile plan), so the service holds uploads back. `auto` asks
// NetworkManager over the system D-Bus for its Metered property (Linux,
// sd-bus from libsystemd); where NetworkManager does not run, where there
// is no system bus, or on another OS, the connection counts as not metered
// and nothing is said: a desktop on a cable is the common case, not an error.
// `yes` and `no` decide without asking.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/common/result.h"

namespace gb {

enum class MeteredSetting { Auto, Yes, No };

// "auto" | "yes" | "no"; anything else one sentence naming the value.
Result<MeteredSetting> parse_metered_setting(std::string_view text);

// NetworkManager's NMMetered: 0 unknown, 1 yes, 2 no, 3 guess-yes, 4 guess-no.
// Yes and guess-yes are metered; unknown (no connection yet) is not.
bool nm_metered_is_metered(uint32_t nm_metered);

struct MeteredState {
  bool metered = false;
  std::string reason;  // "the connection is metered (NetworkManager)" when metered
  // A failure worth one log line (NetworkManager answered with an error);
  // empty when all is well or NetworkManager simply is not there.
  std::string problem;
};

// Asks once and then follows NetworkManager's PropertiesChanged and
// NameOwnerChanged signals, re-asking at most once a minute besides; so
// now() is cheap to call every tick of the service's loop and blocks at most
// a couple of seconds when the bus does not answer. Not thread-safe: one
// thread calls it.
class MeteredNetwork {
 public:
  explicit MeteredNetwork(MeteredSetting setting);
  ~MeteredNetwork();
  MeteredNetwork(const MeteredNetwork&) = delete;
  MeteredNetwork& operator=(const MeteredNetwork&) = delete;

  MeteredState now();

  struct NetworkManagerBus;  // the D-Bus side (sd-bus on Linux)

 private:
  MeteredSetting setting_;
  std::unique_ptr<NetworkManagerBus> bus_;
};

}  // namespace gb
