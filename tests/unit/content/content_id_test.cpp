#include <doctest/doctest.h>

#include <openssl/evp.h>
#include <unistd.h>

#include <cstdlib>

#include "core/content/content_id.h"
#include "core/crypto/sha256.h"

using namespace gb;

namespace {
Hash h(const char* s) { return sha256(as_bytes(s)); }
}  // namespace

TEST_CASE("content hash: empty file, one segment, a list of segments") {
  CHECK(content_id_of_segments({}) == sha256({}));
  CHECK(content_id_of_segments({h("a")}) == h("a"));  // a one-segment file is named by its blob id
  Hash two = content_id_of_segments({h("a"), h("b")});
  CHECK(two != h("a"));
  CHECK(two == content_id_of_segments({h("a"), h("b")}));
  CHECK(two != content_id_of_segments({h("b"), h("a")}));  // order matters
  CHECK(two != content_id_of_segments({h("a"), h("b"), h("b")}));
}

TEST_CASE("a list hash is SHA-512/256 over tag, count and ids, never the SHA-256 of the same bytes") {
  std::vector<Hash> ids{h("x"), h("y"), h("z")};
  std::string preimage = "gridbackup segment list v2";
  preimage += std::string("\x03\0\0\0\0\0\0\0", 8);
  for (const Hash& id : ids) preimage.append(reinterpret_cast<const char*>(id.data()), id.size());
  Hash expected;
  unsigned len = 0;
  REQUIRE(EVP_Digest(preimage.data(), preimage.size(), expected.data(), &len, EVP_sha512_256(), nullptr) == 1);
  CHECK(content_id_of_segments(ids) == expected);
  // A one-segment file whose bytes are that preimage is named by their
  // SHA-256: a different hash, so it cannot stand in for the large file.
  CHECK(sha256(as_bytes(preimage)) != content_id_of_segments(ids));
}

TEST_CASE("fd_has_content: a file read back is named by its segments, or (before v2) by the SHA-256 of it whole") {
  char name[] = "/tmp/gb-content-id-XXXXXX";
  int fd = ::mkstemp(name);
  REQUIRE(fd >= 0);
  ::unlink(name);
  std::string head = "skip me|", body(10, 'a');
  body += "bbbbb";  // 15 bytes: segments of 4 are "aaaa" "aaaa" "aabb" "bbb"
  REQUIRE(::write(fd, head.data(), head.size()) == static_cast<ssize_t>(head.size()));
  REQUIRE(::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size()));
  Hash v2 = content_id_of_segments({h("aaaa"), h("aaaa"), h("aabb"), h("bbb")});
  CHECK(*fd_has_content(fd, static_cast<off_t>(head.size()), v2, 4));
  CHECK(*fd_has_content(fd, static_cast<off_t>(head.size()), sha256(as_bytes(body)), 4));  // a v1 name
  CHECK_FALSE(*fd_has_content(fd, 0, v2, 4));                                              // the head is not the content
  CHECK_FALSE(*fd_has_content(fd, static_cast<off_t>(head.size()), v2, 5));                // other segments, another name
  ::close(fd);
  CHECK_FALSE(fd_has_content(fd, 0, v2, 4).ok());  // unreadable: an error, not "differs"
}
