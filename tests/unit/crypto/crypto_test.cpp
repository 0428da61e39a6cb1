#include <doctest/doctest.h>

#include "core/crypto/aead.h"
#include "core/crypto/keys.h"
#include "core/crypto/sha256.h"

using namespace gb;

TEST_CASE("SHA-256 matches the FIPS 180-2 test vector, incrementally too") {
  CHECK(to_hex(sha256(as_bytes("abc"))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 h;
  h.update(as_bytes("a"));
  h.update(as_bytes("bc"));
  CHECK(to_hex(h.finish()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("HMAC-SHA256 matches RFC 4231 test case 2") {
  CHECK(to_hex(hmac_sha256(as_bytes("Jefe"), as_bytes("what do ya want for nothing?"))) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("AES-GCM seals and opens; any change to box, key or aad is refused") {
  Hash key = *random_hash();
  Bytes box;
  REQUIRE(aead_seal(key, as_bytes("secret data"), as_bytes("aad"), box));
  CHECK(box.size() == 11 + kAeadOverhead);
  auto plain = aead_open(key, box, as_bytes("aad"));
  REQUIRE(plain);
  CHECK(to_string(*plain) == "secret data");
  CHECK(!aead_open(key, box, as_bytes("other")));
  CHECK(!aead_open(*random_hash(), box, as_bytes("aad")));
  for (size_t i = 0; i < box.size(); ++i) {
    Bytes bad = box;
    bad[i] ^= 1;
    CHECK(!aead_open(key, bad, as_bytes("aad")));
  }
  CHECK(!aead_open(key, ByteView(box).first(box.size() - 1), as_bytes("aad")));
}

TEST_CASE("derived keys differ per purpose and per master") {
  Hash m1 = *random_hash(), m2 = *random_hash();
  auto k1 = RepositoryKeys::from_master(m1), k2 = RepositoryKeys::from_master(m2);
  CHECK(k1.metadata != k1.convergence);
  CHECK(k1.metadata != k2.metadata);
  CHECK(k1.content_key(sha256(as_bytes("x"))) == RepositoryKeys::from_master(m1).content_key(sha256(as_bytes("x"))));
  CHECK(k1.content_key(sha256(as_bytes("x"))) != k2.content_key(sha256(as_bytes("x"))));
}
