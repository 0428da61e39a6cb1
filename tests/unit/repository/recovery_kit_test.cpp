#include <doctest/doctest.h>

#include <algorithm>

#include "../test_support.h"
#include "core/crypto/keys.h"
#include "core/crypto/secret_sharing.h"
#include "core/repository/recovery_kit.h"

using namespace gb;

namespace {

RootCap sample_cap() { return {*random_hash(), "sftp://backup@nas.example:22/srv/gridbackup"}; }

std::vector<std::string> kit(const RootCap& cap, unsigned k = 3, unsigned n = 5) {
  auto shares = split_root_cap(cap, k, n);
  REQUIRE(shares);
  std::vector<std::string> out;
  for (const auto& s : *shares) out.push_back(format_recovery_share(s));
  return out;
}

std::string join_error(const std::vector<std::string>& texts) {
  auto joined = join_root_cap(texts);
  REQUIRE_FALSE(joined);
  return joined.error().message;
}

}  // namespace

TEST_CASE("Crockford base32 round trips and reads what people misread") {
  for (size_t n = 0; n < 40; ++n) {
    Bytes b = *random_bytes(n);
    auto back = from_crockford_base32(crockford_base32(b));
    REQUIRE(back);
    CHECK(*back == b);
  }
  CHECK(crockford_base32(as_bytes("f")) == "CR");
  CHECK(*from_crockford_base32("cr") == Bytes{'f'});
  REQUIRE(from_crockford_base32("C0"));
  CHECK(from_crockford_base32("CO") == from_crockford_base32("C0"));
  REQUIRE(from_crockford_base32("11111111"));  // 40 bits: no padding
  CHECK(from_crockford_base32("IiLl1111") == from_crockford_base32("11111111"));
  CHECK_FALSE(from_crockford_base32("CU"));  // U is not a digit
  CHECK_FALSE(from_crockford_base32("CS"));  // non-zero padding bits
}

TEST_CASE("secret sharing: any threshold of shares rebuild the secret, fewer do not") {
  Bytes secret = *random_bytes(70);
  auto shares = split_secret(secret, 3, 5);
  REQUIRE(shares);
  REQUIRE(shares->size() == 5);
  for (int a = 0; a < 5; ++a)
    for (int b = a + 1; b < 5; ++b) {
      std::vector<SecretShare> two = {(*shares)[a], (*shares)[b]};
      CHECK(join_secret(two) != secret);
      for (int c = b + 1; c < 5; ++c) {
        std::vector<SecretShare> three = {(*shares)[c], (*shares)[a], (*shares)[b]};
        CHECK(join_secret(three) == secret);
      }
    }
  CHECK(split_secret(secret, 1, 5).error().kind == ErrorKind::InvalidArgument);
  CHECK(split_secret(secret, 4, 3).error().kind == ErrorKind::InvalidArgument);
  // Two splits of one secret are different shares.
  CHECK((*split_secret(secret, 3, 5))[0].bytes != (*shares)[0].bytes);
}

TEST_CASE("recovery share: self-describing, one line, no secret in the clear") {
  RootCap cap = sample_cap();
  auto texts = kit(cap);
  const std::string id = recovery_cap_id(cap);
  for (size_t i = 0; i < texts.size(); ++i) {
    CHECK(texts[i].rfind("GBK1-3OF5-" + std::to_string(i + 1) + "-" + id + "-", 0) == 0);
    CHECK(texts[i].size() < 200);
    CHECK(texts[i].find(cap.url) == std::string::npos);
    CHECK(texts[i].find(base64url(cap.master).substr(0, 8)) == std::string::npos);
    auto back = parse_recovery_share(texts[i]);
    REQUIRE(back);
    CHECK(back->threshold == 3);
    CHECK(back->count == 5);
    CHECK(back->number == i + 1);
    CHECK(back->cap_id == id);
  }
  // As typed: lower case, broken over lines, blanks.
  std::string typed = texts[1];
  std::transform(typed.begin(), typed.end(), typed.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  typed.insert(20, "\n  ");
  CHECK(parse_recovery_share(typed));
}

TEST_CASE("recovery share: every single-character change is caught by the check") {
  const std::string text = kit(sample_cap())[0];
  // The check has 30 bits: a change slipping through is a 1 in a billion event.
  CHECK(test::single_character_changes_accepted(text, [](const std::string& bad) { return bool(parse_recovery_share(bad)); }) == 0);
  // A character dropped or doubled, and two neighbours swapped (the dashes
  // between groups are only breaks: moving one changes nothing).
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '-' || text[i + 1] == '-' || text[i] == text[i + 1]) continue;
    std::string dropped = text, doubled = text, swapped = text;
    dropped.erase(i, 1);
    doubled.insert(i, 1, text[i]);
    std::swap(swapped[i], swapped[i + 1]);
    CHECK_FALSE(parse_recovery_share(dropped));
    CHECK_FALSE(parse_recovery_share(doubled));
    CHECK_FALSE(parse_recovery_share(swapped));
  }
  auto e = parse_recovery_share(text.substr(0, text.size() - 1) + (text.back() == 'A' ? 'B' : 'A'));
  CHECK(e.error().kind == ErrorKind::WrongKey);
  CHECK(e.error().message == "the share (marked share 1 of 5) does not match its check digits: a character is mistyped, missing or extra");
  CHECK(parse_recovery_share("gb1:abc").error().message.find("is a cap, not a share") != std::string::npos);
  CHECK(parse_recovery_share("hello").error().message.find("is not a recovery share") != std::string::npos);
}

TEST_CASE("join: any three of five rebuild the cap, in any order") {
  RootCap cap = sample_cap();
  auto texts = kit(cap);
  int joined = 0;
  for (int a = 0; a < 5; ++a)
    for (int b = 0; b < 5; ++b)
      for (int c = 0; c < 5; ++c) {
        if (a == b || b == c || a == c) continue;
        std::vector<std::string> three = {texts[a], texts[b], texts[c]};
        auto back = join_root_cap(three);
        REQUIRE(back);
        CHECK(back->cap.master == cap.master);
        CHECK(back->cap.url == cap.url);
        CHECK(back->left_out.empty());
        ++joined;
      }
  CHECK(joined == 60);
  auto all = join_root_cap(texts);
  REQUIRE(all);
  CHECK(all->cap.master == cap.master);
}

TEST_CASE("join: too few, twice, two caps, two splits and a typo each get one sentence") {
  RootCap cap = sample_cap();
  auto texts = kit(cap);
  CHECK(join_error({texts[0], texts[3]}) == "3 of 5 shares needed, 2 given");
  CHECK(join_root_cap(std::vector<std::string>{texts[0]}).error().kind == ErrorKind::InvalidArgument);
  CHECK(join_error({texts[0], texts[2], texts[0]}) == "share 1 of 5 was given twice (1st and 3rd): give 3 different shares");
  auto other = kit(sample_cap());
  CHECK(join_error({texts[0], texts[1], other[2]}).find("the 1st and 3rd shares given belong to different caps (ids ") == 0);
  auto resplit = kit(cap);
  CHECK(join_error({texts[0], resplit[0], texts[2]}) ==
        "the 1st and 2nd shares given are both share 1 of 5 but differ: they come from different splits of cap " + recovery_cap_id(cap));
  CHECK(join_error({texts[0], texts[1], resplit[2]}).find("these shares do not rebuild cap ") == 0);
  auto smaller = kit(cap, 2, 3);
  CHECK(join_error({texts[0], smaller[1]}).find("come from different splits of cap " + recovery_cap_id(cap) + " (3 of 5 and 2 of 3)") !=
        std::string::npos);
  std::string typo = texts[4];
  typo[25] = typo[25] == '7' ? '8' : '7';
  auto e = join_root_cap(std::vector<std::string>{texts[0], typo, texts[1]});
  REQUIRE_FALSE(e);
  CHECK(e.error().kind == ErrorKind::WrongKey);
  CHECK(e.error().message == "the 2nd share given (marked share 5 of 5) does not match its check digits: a character is mistyped, missing or extra");
}

TEST_CASE("join: a share of another split beyond the threshold is left out, said") {
  RootCap cap = sample_cap();
  auto texts = kit(cap);
  auto resplit = kit(cap);
  auto joined = join_root_cap(std::vector<std::string>{resplit[3], texts[0], texts[1], texts[2]});
  REQUIRE(joined);
  CHECK(joined->cap.master == cap.master);
  REQUIRE(joined->left_out.size() == 1);
  CHECK(joined->left_out[0].find("the 1st share given (share 4 of 5) does not fit the others") == 0);
}
