// The service's health (core/service/health.h): each input's level and
// reason, the stale thresholds (WARNING past N, FAILING past 2N), reasons
// worst first, `since` held while the level holds, when hooks run, and the
// record kept in service.db.
#include <doctest/doctest.h>

#include "../test_support.h"
#include "core/service/health.h"
#include "core/service/service_state.h"

using namespace gb;

namespace {
constexpr int64_t kDay = 86400LL * 1000000000;
const int64_t kNow = 1800000000LL * 1000000000;

HealthInputs healthy() {
  HealthInputs in;
  in.now_ns = kNow;
  in.watching_since_ns = kNow - 30 * kDay;
  in.last_complete_snapshot_ns = kNow - kDay / 24;
  in.state_disk_free_bytes = 10ULL << 30;
  return in;
}
bool has_reason(const Health& h, const std::string& text) {
  for (const auto& r : h.reasons)
    if (r.find(text) != std::string::npos) return true;
  return false;
}
}  // namespace

TEST_CASE("health: OK with no reasons when all is well") {
  Health h = evaluate_health(healthy());
  CHECK(h.level == HealthLevel::Ok);
  CHECK(h.reasons.empty());
}

TEST_CASE("health: no complete snapshot for N days is WARNING, for 2N FAILING") {
  HealthInputs in = healthy();
  in.last_complete_snapshot_ns = kNow - 3 * kDay + kDay / 24;
  CHECK(evaluate_health(in).level == HealthLevel::Ok);
  in.last_complete_snapshot_ns = kNow - 4 * kDay;
  Health h = evaluate_health(in);
  CHECK(h.level == HealthLevel::Warning);
  CHECK(h.reasons == std::vector<std::string>{"no complete snapshot for 4 days"});
  in.last_complete_snapshot_ns = kNow - 7 * kDay;
  CHECK(evaluate_health(in).level == HealthLevel::Failing);
  // The threshold is a setting: one hour.
  HealthThresholds hour;
  hour.stale_ns = kDay / 24;
  in.last_complete_snapshot_ns = kNow - kDay / 12 - 1;
  CHECK(evaluate_health(in, hour).level == HealthLevel::Failing);
}

TEST_CASE("health: before any complete snapshot the service's first run is the clock") {
  HealthInputs in = healthy();
  in.last_complete_snapshot_ns.reset();
  in.watching_since_ns = kNow - kDay;
  CHECK(evaluate_health(in).level == HealthLevel::Ok);  // a fresh install uploading its first snapshot
  in.watching_since_ns = kNow - 5 * kDay;
  Health h = evaluate_health(in);
  CHECK(h.level == HealthLevel::Warning);
  CHECK(has_reason(h, "no complete snapshot in the 5 days since the service first ran"));
}

TEST_CASE("health: the oldest queued file's wait") {
  HealthInputs in = healthy();
  in.oldest_queued_ns = kNow - 2 * kDay;
  CHECK(evaluate_health(in).level == HealthLevel::Ok);
  in.oldest_queued_ns = kNow - 3 * kDay - 1000000000LL * 3600 * 5;
  Health h = evaluate_health(in);
  CHECK(h.level == HealthLevel::Warning);
  CHECK(has_reason(h, "the oldest queued file has waited 3 days"));
  in.oldest_queued_ns = kNow - 10 * kDay;
  CHECK(evaluate_health(in).level == HealthLevel::Failing);
}

TEST_CASE("health: the repository unreachable is WARNING, with the probe's sentence on one line") {
  HealthInputs in = healthy();
  in.repository_reachable = false;
  in.repository_error = "there is no GridBackup repository at file:///x:\nthe directory does not exist";
  Health h = evaluate_health(in);
  CHECK(h.level == HealthLevel::Warning);
  REQUIRE(h.reasons.size() == 1);
  CHECK(h.reasons[0] == "repository unreachable: there is no GridBackup repository at file:///x: the directory does not exist");
}

TEST_CASE("health: grid members down: WARNING, FAILING below happy or k") {
  HealthInputs in = healthy();
  in.grid_members = 5;
  in.grid_k = 3;
  in.grid_happy = 4;
  CHECK(evaluate_health(in).level == HealthLevel::Ok);
  in.grid_members_down = {"nas"};
  Health h = evaluate_health(in);
  CHECK(h.level == HealthLevel::Warning);
  CHECK(h.reasons == std::vector<std::string>{"grid members down: nas"});
  in.grid_members_down = {"nas", "s3"};
  h = evaluate_health(in);
  CHECK(h.level == HealthLevel::Failing);
  CHECK(has_reason(h, "3 of 5 answer, fewer than the happy=4 an upload needs"));
  in.grid_members_down = {"nas", "s3", "friend"};
  CHECK(has_reason(evaluate_health(in), "fewer than the k=3 an object needs to be read"));
}

TEST_CASE("health: damage from verify is FAILING, an audit's missed changes WARNING") {
  HealthInputs in = healthy();
  in.audit_missed_changes = true;
  Health h = evaluate_health(in);
  CHECK(h.level == HealthLevel::Warning);
  CHECK(has_reason(h, "the last audit found changes the change journal had missed"));
  in.verify_found_damage = true;
  h = evaluate_health(in);
  CHECK(h.level == HealthLevel::Failing);
  REQUIRE(h.reasons.size() == 2);
  CHECK(h.reasons[0].rfind("damage found by the last verify", 0) == 0);  // worst first
}

TEST_CASE("health: the state disk nearly full, then full") {
  HealthInputs in = healthy();
  in.state_disk_free_bytes = 100ULL << 20;
  Health h = evaluate_health(in);
  CHECK(h.level == HealthLevel::Warning);
  CHECK(h.reasons == std::vector<std::string>{"state disk nearly full: 100 MiB free"});
  in.state_disk_free_bytes = 5ULL << 20;
  h = evaluate_health(in);
  CHECK(h.level == HealthLevel::Failing);
  CHECK(h.reasons == std::vector<std::string>{"state disk full: 5 MiB free"});
  in.state_disk_free_bytes.reset();  // not known: not judged
  CHECK(evaluate_health(in).level == HealthLevel::Ok);
}

TEST_CASE("health: reasons worst first, then in the order found") {
  HealthInputs in = healthy();
  in.repository_reachable = false;
  in.last_complete_snapshot_ns = kNow - 8 * kDay;
  in.audit_missed_changes = true;
  Health h = evaluate_health(in);
  CHECK(h.level == HealthLevel::Failing);
  REQUIRE(h.reasons.size() == 3);
  CHECK(h.reasons[0] == "no complete snapshot for 8 days");
  CHECK(h.reasons[1] == "repository unreachable");
  CHECK(has_reason(Health{HealthLevel::Warning, {h.reasons[2]}}, "audit"));
}

TEST_CASE("health: since moves with the level only; hooks run on a change into WARNING or FAILING") {
  Health ok, warn{HealthLevel::Warning, {"repository unreachable"}}, warn2{HealthLevel::Warning, {"grid members down: nas"}},
      fail{HealthLevel::Failing, {"state disk full: 1 MiB free"}};
  auto r1 = next_health_record(std::nullopt, ok, 100);
  CHECK(r1.since_ns == 100);
  CHECK_FALSE(health_hook_due(std::nullopt, ok));
  CHECK(health_hook_due(r1, warn));
  auto r2 = next_health_record(r1, warn, 200);
  CHECK(r2.since_ns == 200);
  CHECK_FALSE(health_hook_due(r2, warn2));  // new reasons, same level: no hook again
  auto r3 = next_health_record(r2, warn2, 300);
  CHECK(r3.since_ns == 200);
  CHECK(r3.health == warn2);
  CHECK(health_hook_due(r3, fail));
  auto r4 = next_health_record(r3, fail, 400);
  CHECK(health_hook_due(r4, warn));  // FAILING back to WARNING: the warning's hook
  CHECK_FALSE(health_hook_due(r4, ok));
  CHECK(health_hook_due(std::nullopt, warn));  // the first judgement of a service with no record
}

TEST_CASE("health: kept in service.db and read back") {
  test::ScratchDir dir;
  auto state = ServiceState::open(dir.path + "/service.db");
  REQUIRE(state);
  auto none = load_health(**state);
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
  HealthRecord r{{HealthLevel::Failing, {"damage found by the last verify: run 'gridbackup verify' to see which objects", "repository unreachable"}},
                 1234567890123};
  REQUIRE(store_health(**state, r));
  auto back = load_health(**state);
  REQUIRE(back);
  REQUIRE(back->has_value());
  CHECK((*back)->health == r.health);
  CHECK((*back)->since_ns == r.since_ns);
  REQUIRE(store_health(**state, {{HealthLevel::Ok, {}}, 5}));
  back = load_health(**state);
  REQUIRE(back);
  CHECK((*back)->health.reasons.empty());
  CHECK(parse_health_level("WARNING") == HealthLevel::Warning);
  CHECK_FALSE(parse_health_level("warning").has_value());
}
