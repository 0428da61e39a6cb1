// Whether the machine runs on battery, from a power-supply tree laid out as
// Linux's /sys/class/power_supply (one directory per supply with `type`,
// `online`, `status` files). The root is a parameter so tests fake it with a
// plain directory tree; on a system with no such tree (a desktop, another
// OS) the answer is "on mains": uploads are never paused for want of a file.
#pragma once
#include <string>

namespace gb {

inline constexpr const char* kLinuxPowerSupplyRoot = "/sys/class/power_supply";

struct PowerState {
  bool on_battery = false;
  std::string reason;  // "on battery (BAT0 discharging)" when on_battery
};

// On battery when no mains supply (type Mains or USB) is online and a
// battery (type Battery) says it is discharging.
PowerState read_power_state(const std::string& root);

}  // namespace gb
