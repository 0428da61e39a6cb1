// The control socket's requests (core/service/service_control.h) kept in a
// real service.db: a pause and a backup-now survive a reopen (kill -9 and a
// restart), a pause with an end is over by itself, a backup-now asked while
// a snapshot ran is not taken for served, and bad requests are one sentence.
// Then the socket itself (control_socket.h) between two threads of this
// process: one request, one answer; no service: NotFound; a second server
// on the same state dir refused; a stale socket file replaced.
#include <doctest/doctest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/service/control_socket.h"
#include "core/service/service_control.h"
#include "tests/unit/test_support.h"

using namespace gb;
using gb::test::ScratchDir;

namespace {
constexpr int64_t kSecond = 1000000000;
const ControlPeer kRoot{0, 1, "root"};
}  // namespace

TEST_CASE("service control: a pause and a backup-now are kept in service.db") {
  ScratchDir dir;
  std::string db = dir.path + "/service.db";
  {
    auto control = ServiceControl::open(db);
    REQUIRE(control);
    auto a = (*control)->answer({{"command", "pause"}, {"for_seconds", 7200}}, kRoot, 100 * kSecond);
    CHECK(!a.contains("error"));
    CHECK(a["was_paused"] == false);
    CHECK(a["user_pause"]["by"] == "root");
    CHECK(a["user_pause"]["until_ns"] == 7300 * kSecond);
    auto b = (*control)->answer({{"command", "backup-now"}}, kRoot, 101 * kSecond);
    CHECK(b["backup_now_pending"] == true);
  }
  auto control = ServiceControl::open(db);  // as after kill -9
  REQUIRE(control);
  auto pause = (*control)->user_pause(200 * kSecond);
  REQUIRE(pause);
  CHECK(pause->by == "root");
  CHECK(pause->since_ns == 100 * kSecond);
  CHECK(!(*control)->user_pause(7300 * kSecond));  // its time is up
  int64_t asked = (*control)->snapshot_asked();
  CHECK(asked == 101 * kSecond);
  // A second backup-now while the first one's snapshot runs is not served by it.
  (void)(*control)->answer({{"command", "backup-now"}}, kRoot, 101 * kSecond);
  CHECK((*control)->snapshot_served(asked));
  CHECK((*control)->snapshot_asked() > asked);
  CHECK((*control)->snapshot_served((*control)->snapshot_asked()));
  CHECK((*control)->snapshot_asked() == 0);
  auto reopened = ServiceControl::open(db);
  REQUIRE(reopened);
  CHECK((*reopened)->snapshot_asked() == 0);
  CHECK(!(*reopened)->user_pause(7300 * kSecond));
}

TEST_CASE("service control: resume, upload-now, the other pause, bad requests") {
  ScratchDir dir;
  auto control = ServiceControl::open(dir.path + "/service.db");
  REQUIRE(control);
  ServiceControl& c = **control;
  CHECK(c.answer({{"command", "resume"}}, kRoot, kSecond)["was_paused"] == false);
  (void)c.answer({{"command", "pause"}}, kRoot, kSecond);
  auto paused = c.user_pause(1000000 * kSecond);
  REQUIRE(paused);  // no end: until resumed
  CHECK(paused->until_ns == 0);
  c.set_other_pause("on battery (BAT0 discharging)");
  auto r = c.answer({{"command", "resume"}}, kRoot, 2 * kSecond);
  CHECK(r["was_paused"] == true);
  CHECK(r["user_pause"].is_null());
  CHECK(r["other_pause"] == "on battery (BAT0 discharging)");
  auto u = c.answer({{"command", "upload-now"}}, kRoot, 3 * kSecond);
  CHECK(u["upload_now_pending"] == true);
  int64_t asked = c.upload_asked();
  c.upload_served(asked);
  CHECK(c.upload_asked() == 0);
  for (const nlohmann::json& bad :
       {nlohmann::json{{"command", "explode"}}, nlohmann::json{{"command", 3}}, nlohmann::json::object(),
        nlohmann::json{{"command", "pause"}, {"for_seconds", -5}}, nlohmann::json{{"command", "pause"}, {"for_seconds", "2h"}}}) {
    auto e = c.answer(bad, kRoot, 4 * kSecond);
    REQUIRE(e.contains("error"));
    CHECK(e["error"].get<std::string>().find('\n') == std::string::npos);
  }
  CHECK(!c.user_pause(5 * kSecond));  // the bad pauses paused nothing
}

TEST_CASE("control socket: one request, one answer; no service; one server per state dir") {
  ScratchDir dir;
  auto none = control_request(dir.path, {{"command", "status"}});
  REQUIRE(!none);
  CHECK(none.error().kind == ErrorKind::NotFound);
  CHECK(none.error().message.find("no service runs with the state dir " + dir.path) == 0);

  // A stale socket file, as a kill -9 leaves it: replaced.
  int stale = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  control_socket_path(dir.path).copy(addr.sun_path, sizeof addr.sun_path - 1);
  REQUIRE(::bind(stale, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  ::close(stale);

  std::vector<std::string> logged;
  auto server = ControlServer::start(
      dir.path,
      [](const nlohmann::json& request, const ControlPeer& peer) {
        return nlohmann::json{{"echo", request["command"]}, {"uid", peer.uid}};
      },
      [&](const std::string& line) { logged.push_back(line); });
  REQUIRE(server);
  CHECK(gb::test::mode_of(control_socket_path(dir.path)) == 0600);
  auto answer = control_request(dir.path, {{"command", "status"}});
  REQUIRE(answer);
  CHECK((*answer)["echo"] == "status");
  CHECK((*answer)["uid"] == static_cast<int64_t>(::geteuid()));
  auto second = ControlServer::start(
      dir.path, [](const nlohmann::json&, const ControlPeer&) { return nlohmann::json::object(); }, [](const std::string&) {});
  REQUIRE(!second);
  CHECK(second.error().message.find("another service runs with the state dir") == 0);
  server->reset();
  CHECK(!control_request(dir.path, {{"command", "status"}}));
  CHECK(logged.empty());
}
