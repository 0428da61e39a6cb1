// Attenuated caps: the derivation is deterministic and one-way, the strings
// round-trip, stay short and refuse typos (docs/FORMAT.md, "Attenuated caps").
#include <doctest/doctest.h>

#include <set>

#include "../test_support.h"
#include "core/crypto/keys.h"
#include "core/crypto/public_key.h"
#include "core/repository/derived_cap.h"

using namespace gb;

namespace {

RootCap test_root() { return RootCap{*random_hash(), "file:///home/someone/.local/share/gridbackup/repository"}; }

// Every 32-byte value a cap string carries.
std::set<Hash> secrets_in(const DerivedCap& c) { return {c.secret, c.writer, c.root_key}; }

}  // namespace

TEST_CASE("derived caps are deterministic and round-trip") {
  RootCap root = test_root();
  auto backup = derive_backup_cap(root, "laptop");
  REQUIRE(backup);
  for (const DerivedCap& c : {*backup, derive_read_cap(root), derive_verify_cap(root)}) {
    std::string text = format_derived_cap(c);
    CHECK(text.size() - root.url.size() <= 170);  // with a URL of 40 characters: about 200
    auto back = parse_derived_cap(text + "\n");
    REQUIRE(back);
    CHECK(back->kind == c.kind);
    CHECK(back->secret == c.secret);
    CHECK(back->writer == c.writer);
    CHECK(back->root_key == c.root_key);
    CHECK(back->host == c.host);
    CHECK(back->generation == c.generation);
    CHECK(back->url == root.url);
    CHECK(format_derived_cap(*back) == text);
    auto any = parse_any_cap(text);
    REQUIRE(any);
    CHECK(kind_of(*any) == c.kind);
  }
  // The same root gives the same caps, every time.
  CHECK(format_derived_cap(derive_read_cap(root)) == format_derived_cap(derive_read_cap(root)));
  CHECK(format_derived_cap(*derive_backup_cap(root, "laptop")) == format_derived_cap(*backup));
  CHECK(format_derived_cap(*backup).rfind("gbb1:laptop:1:", 0) == 0);
}

TEST_CASE("derived caps: the hierarchy runs one way") {
  RootCap root = test_root();
  DerivedCap read = derive_read_cap(root);
  DerivedCap verify = derive_verify_cap(root);
  DerivedCap laptop = *derive_backup_cap(root, "laptop");
  DerivedCap desktop = *derive_backup_cap(root, "desktop");
  // A read cap's verify cap is the root's verify cap.
  CHECK(format_derived_cap(derive_verify_cap(read)) == format_derived_cap(verify));
  // Hosts and generations get their own secrets; all share the writer secret and root key.
  CHECK(laptop.secret != desktop.secret);
  CHECK(laptop.secret != derive_backup_cap(root, "laptop", 2)->secret);
  CHECK(laptop.writer == desktop.writer);
  CHECK(laptop.writer == writer_secret(read.secret));
  CHECK(laptop.root_key == read.root_key);
  CHECK(verify.secret == verify_secret(laptop.writer));
  // No secret of a stronger cap appears in a weaker one, nor any private key:
  // the master, the root signing seed, the read secret and read key, other hosts' secrets.
  const std::set<Hash> strong = {root.master,
                                 root_signing_seed(root.master),
                                 read.secret,
                                 read_x25519_key(read.secret),
                                 desktop.secret,
                                 host_signing_seed(desktop.secret),
                                 line_key(desktop.secret)};
  for (const DerivedCap& weak : {laptop, verify})
    for (const Hash& h : secrets_in(weak)) CHECK(strong.count(h) == 0);
  for (const Hash& h : secrets_in(read)) CHECK(h != root.master);
  for (const Hash& h : secrets_in(read)) CHECK(h != root_signing_seed(root.master));
  // What a backup cap can compute from what it holds (every derivation of its
  // own fields) never reaches a stronger secret either.
  std::set<Hash> reachable = {laptop.secret,
                              laptop.writer,
                              host_signing_seed(laptop.secret),
                              line_key(laptop.secret),
                              convergence_secret_v2(laptop.writer),
                              verify_secret(laptop.writer),
                              index_key_v2(verify_secret(laptop.writer))};
  for (const Hash& h : reachable) CHECK(strong.count(h) == 0);
  // The root key in every cap is the public half of the root signing seed.
  CHECK(read.root_key == ed25519_public_key(root_signing_seed(root.master)));
}

TEST_CASE("derived caps: malformed strings get one sentence") {
  RootCap root = test_root();
  std::string text = format_derived_cap(*derive_backup_cap(root, "laptop"));
  CHECK(test::single_character_changes_accepted(text, [](const std::string& bad) { return bool(parse_derived_cap(bad)); }) == 0);
  auto e = parse_derived_cap(text.substr(0, 60));
  REQUIRE_FALSE(e);
  CHECK(e.error().kind == ErrorKind::WrongKey);
  CHECK(e.error().message == "the backup cap is malformed: it is too short or its fields are not where they belong");
  CHECK(parse_any_cap("gbx1:abc").error().message.find("should start with 'gb1:'") != std::string::npos);
  CHECK(parse_any_cap(format_cap(root))->index() == 0);
}

TEST_CASE("derived caps: host names and generations that cannot go into a cap") {
  RootCap root = test_root();
  CHECK_FALSE(derive_backup_cap(root, ""));
  CHECK_FALSE(derive_backup_cap(root, "lap:top"));
  CHECK_FALSE(derive_backup_cap(root, "lap top"));
  CHECK_FALSE(derive_backup_cap(root, std::string(65, 'a')));
  CHECK(derive_backup_cap(root, std::string(64, 'a')));
  CHECK(derive_backup_cap(root, "my-host_2.lan"));
  CHECK_FALSE(derive_backup_cap(root, "laptop", 0));
  CHECK(derive_backup_cap(root, "laptop", 0).error().kind == ErrorKind::InvalidArgument);
}

TEST_CASE("Ed25519 and X25519 through OpenSSL") {
  Hash seed = *random_hash();
  Hash pub = ed25519_public_key(seed);
  Bytes msg = {1, 2, 3};
  Signature sig = ed25519_sign(seed, msg);
  CHECK(ed25519_sign(seed, msg) == sig);  // deterministic (RFC 8032)
  CHECK(ed25519_verify(pub, msg, sig));
  Bytes other = {1, 2, 4};
  CHECK_FALSE(ed25519_verify(pub, other, sig));
  Signature flipped = sig;
  flipped[10] ^= 1;
  CHECK_FALSE(ed25519_verify(pub, msg, flipped));
  CHECK_FALSE(ed25519_verify(ed25519_public_key(*random_hash()), msg, sig));

  Hash a = *random_hash(), b = *random_hash();
  auto ab = x25519_shared(a, x25519_public_key(b));
  auto ba = x25519_shared(b, x25519_public_key(a));
  REQUIRE(ab);
  REQUIRE(ba);
  CHECK(*ab == *ba);
  CHECK(*ab != *x25519_shared(*random_hash(), x25519_public_key(b)));
  CHECK_FALSE(x25519_shared(a, Hash{}));  // small-order point: refused, not an all-zero key
}
