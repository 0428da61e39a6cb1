#include "core/service/metered_network.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "core/common/clock.h"

#if defined(__linux__)
#include <systemd/sd-bus.h>
#endif

namespace gb {

Result<MeteredSetting> parse_metered_setting(std::string_view text) {
  if (text == "auto") return MeteredSetting::Auto;
  if (text == "yes") return MeteredSetting::Yes;
  if (text == "no") return MeteredSetting::No;
  return make_error(ErrorKind::InvalidArgument, fmt::format("metered wants auto, yes or no, not '{}'", text));
}

bool nm_metered_is_metered(uint32_t nm_metered) { return nm_metered == 1 || nm_metered == 3; }

#if defined(__linux__)

namespace {

constexpr const char* kNetworkManager = "org.freedesktop.NetworkManager";
constexpr const char* kNetworkManagerPath = "/org/freedesktop/NetworkManager";
constexpr int64_t kSecond = 1000000000;
// Asked again this often even without a signal: a lost signal costs a
// minute at most.
constexpr int64_t kAskEvery = 60 * kSecond;
constexpr uint64_t kCallTimeoutUsec = 2000000;

}  // namespace

// The system bus connection, NetworkManager's last answer and the two
// signals that say it may have changed.
struct MeteredNetwork::NetworkManagerBus {
  sd_bus* bus = nullptr;
  sd_bus_slot* properties_changed = nullptr;
  sd_bus_slot* owner_changed = nullptr;
  bool stale = true;  // a signal came (or none was asked yet): ask again
  int64_t next_open_ns = 0;
  int64_t next_ask_ns = 0;
  std::optional<uint32_t> nm_metered;  // none: NetworkManager is not on the bus
  std::string problem;

  ~NetworkManagerBus() { close(); }

  void close() {
    properties_changed = sd_bus_slot_unref(properties_changed);
    owner_changed = sd_bus_slot_unref(owner_changed);
    bus = sd_bus_flush_close_unref(bus);
    nm_metered.reset();
  }

  static int on_signal(sd_bus_message*, void* self, sd_bus_error*) {
    static_cast<NetworkManagerBus*>(self)->stale = true;
    return 0;
  }

  // No system bus (a container, a minimal install) is tried again each
  // minute, silently.
  bool open(int64_t now) {
    if (bus) return true;
    if (now < next_open_ns) return false;
    next_open_ns = now + kAskEvery;
    if (sd_bus_open_system(&bus) < 0) {
      bus = nullptr;
      return false;
    }
    (void)sd_bus_set_method_call_timeout(bus, kCallTimeoutUsec);
    const char* owner_rule =
        "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',interface='org.freedesktop.DBus',"
        "member='NameOwnerChanged',arg0='org.freedesktop.NetworkManager'";
    if (sd_bus_match_signal(bus, &properties_changed, kNetworkManager, kNetworkManagerPath, "org.freedesktop.DBus.Properties", "PropertiesChanged",
                            on_signal, this) < 0 ||
        sd_bus_add_match(bus, &owner_changed, owner_rule, on_signal, this) < 0) {
      close();
      return false;
    }
    stale = true;
    return true;
  }

  // Properties.Get without auto-start: asking must not start NetworkManager
  // on a machine whose admin chose not to run it.
  void ask(int64_t now) {
    stale = false;
    next_ask_ns = now + kAskEvery;
    sd_bus_message* call = nullptr;
    sd_bus_message* reply = nullptr;
    sd_bus_error error = SD_BUS_ERROR_NULL;
    uint32_t value = 0;
    int r = sd_bus_message_new_method_call(bus, &call, kNetworkManager, kNetworkManagerPath, "org.freedesktop.DBus.Properties", "Get");
    if (r >= 0) r = sd_bus_message_append(call, "ss", kNetworkManager, "Metered");
    if (r >= 0) r = sd_bus_message_set_auto_start(call, 0);
    if (r >= 0) r = sd_bus_call(bus, call, 0, &error, &reply);
    if (r >= 0) r = sd_bus_message_read(reply, "v", "u", &value);
    if (r >= 0) {
      nm_metered = value;
      problem.clear();
    } else if (sd_bus_error_has_names(&error, SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER)) {
      nm_metered.reset();  // not running: the usual case on a server or in a container
      problem.clear();
    } else {
      nm_metered.reset();
      problem = fmt::format("NetworkManager did not say whether the connection is metered ({}); uploads go on",
                            sd_bus_error_is_set(&error) ? error.message : std::strerror(-r));
      if (!sd_bus_is_open(bus)) {
        close();
        next_open_ns = now + 10 * kSecond;
      }
    }
    sd_bus_error_free(&error);
    sd_bus_message_unref(reply);
    sd_bus_message_unref(call);
  }

  // NetworkManager's NMMetered now, after the signals that came since.
  std::optional<uint32_t> poll(int64_t now) {
    if (!open(now)) return std::nullopt;
    int r;
    while ((r = sd_bus_process(bus, nullptr)) > 0) {}
    if (r < 0) {  // the bus went away (dbus restarted): open it again soon
      close();
      next_open_ns = now + 10 * kSecond;
      return std::nullopt;
    }
    if (stale || now >= next_ask_ns) ask(now);
    return nm_metered;
  }
};

#else

// No NetworkManager here: never metered.
struct MeteredNetwork::NetworkManagerBus {
  std::string problem;
  std::optional<uint32_t> poll(int64_t) { return std::nullopt; }
};

#endif

MeteredNetwork::MeteredNetwork(MeteredSetting setting) : setting_(setting) {}
MeteredNetwork::~MeteredNetwork() = default;

MeteredState MeteredNetwork::now() {
  if (setting_ == MeteredSetting::No) return {};
  if (setting_ == MeteredSetting::Yes) return {true, "the connection is metered (metered = yes)", ""};
  if (!bus_) bus_ = std::make_unique<NetworkManagerBus>();
  std::optional<uint32_t> value = bus_->poll(monotonic_ns());
  MeteredState state;
  state.problem = bus_->problem;
  if (value && nm_metered_is_metered(*value)) {
    state.metered = true;
    state.reason = *value == 1 ? "the connection is metered (NetworkManager)" : "the connection is metered (NetworkManager guesses so)";
  }
  return state;
}

}  // namespace gb
