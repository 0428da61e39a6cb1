#include "core/service/power_supply.h"

#include <filesystem>
#include <fstream>

namespace gb {

namespace {

std::string first_line(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  return line;
}

}  // namespace

PowerState read_power_state(const std::string& root) {
  std::error_code ec;
  bool mains_online = false;
  std::string discharging;
  for (const auto& e : std::filesystem::directory_iterator(root, ec)) {
    std::string type = first_line(e.path() / "type");
    if (type == "Mains" || type == "USB") {
      if (first_line(e.path() / "online") == "1") mains_online = true;
    } else if (type == "Battery" && first_line(e.path() / "status") == "Discharging") {
      discharging = e.path().filename().string();
    }
  }
  if (mains_online || discharging.empty()) return {};
  return {true, "on battery (" + discharging + " discharging)"};
}

}  // namespace gb
