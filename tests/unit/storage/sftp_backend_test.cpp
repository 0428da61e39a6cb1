#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <cstdlib>
#include <fstream>

#include "core/connect/open_backend.h"
#include "core/storage/sftp_backend.h"

using namespace gb;

TEST_CASE("sftp listing: OpenSSH long format, names with spaces, skipped entries") {
  // As libcurl passes on OpenSSH sftp-server's long names (ls -l style).
  std::string text =
      "drwxr-xr-x    2 root     root         4096 Nov 22 00:04 .\n"
      "drwx------    4 root     root         4096 Nov 22 00:04 ..\n"
      "-rw-r--r--    1 root     root            6 Nov 22 00:04 f1\n"
      "-rw-------    1 backup   users  5368709122 Feb  3  2009 a b  c\n"
      "drwxr-xr-x    2 root     root         4096 Nov 22 00:04 data\n"
      "lrwxrwxrwx    1 root     root            4 Nov 22 00:04 link -> f1\r\n"
      "garbage line\n";
  auto entries = parse_sftp_listing(text);
  REQUIRE(entries.size() == 4);
  CHECK(entries[0].name == "f1");
  CHECK(entries[0].is_file);
  CHECK(entries[0].size == 6);
  CHECK(entries[1].name == "a b  c");
  CHECK(entries[1].size == 5368709122ull);
  CHECK(entries[2].name == "data");
  CHECK(entries[2].is_dir);
  CHECK_FALSE(entries[3].is_file);
  CHECK_FALSE(entries[3].is_dir);
}

TEST_CASE("sftp url: user, root, key discovery, options") {
  char tmpl[] = "/tmp/gbsftp-XXXXXX";
  std::string home = ::mkdtemp(tmpl);
  std::string old_home = std::getenv("HOME") ? std::getenv("HOME") : "";
  ::setenv("HOME", home.c_str(), 1);
  ::mkdir((home + "/.ssh").c_str(), 0700);
  std::ofstream(home + "/.ssh/id_rsa") << "x";
  std::ofstream(home + "/.ssh/id_ecdsa") << "x";
  std::ofstream(home + "/.ssh/id_ecdsa.pub") << "x";

  auto config = [](const std::string& text) { return parse_sftp_config(*parse_storage_url(text)); };
  auto c = config("sftp://backup@nas:2222/srv/gb/?retries=1&timeout=5");
  REQUIRE(c);
  CHECK(c->user == "backup");
  CHECK(c->authority == "nas:2222");
  CHECK(c->root == "/srv/gb");
  CHECK(c->private_key == home + "/.ssh/id_ecdsa");  // id_ed25519 is absent; id_ecdsa comes before id_rsa
  CHECK(c->public_key == home + "/.ssh/id_ecdsa.pub");
  CHECK(c->known_hosts == home + "/.ssh/known_hosts");
  CHECK_FALSE(c->accept_new_host_key);
  CHECK(c->retry.attempts == 2);
  CHECK(c->stall_timeout_seconds == 5);

  auto k = config("sftp://nas/~/backup?key=" + home + "/.ssh/id_rsa&known-hosts=/kh&accept-new-host-key=1");
  REQUIRE(k);
  CHECK_FALSE(k->user.empty());  // the local user
  CHECK(k->root == "/~/backup");
  CHECK(k->private_key == home + "/.ssh/id_rsa");
  CHECK(k->public_key.empty());
  CHECK(k->known_hosts == "/kh");
  CHECK(k->accept_new_host_key);

  CHECK(config("sftp://nas/").error().kind == ErrorKind::InvalidArgument);
  CHECK(config("sftp://nas/~").error().kind == ErrorKind::InvalidArgument);
  CHECK(config("sftp://nas/x?key=/no/such/key").error().message.find("/no/such/key") != std::string::npos);
  CHECK(config("sftp://nas/x?accept-new-host-key=maybe").error().kind == ErrorKind::InvalidArgument);
  CHECK(config("sftp://nas/x?bogus=1").error().kind == ErrorKind::InvalidArgument);

  // The password never shows in the backend's URL.
  auto opened = open_backend("sftp://me:secret@nas/x");
  REQUIRE(opened);
  CHECK((*opened)->url().find("secret") == std::string::npos);

  ::setenv("HOME", old_home.c_str(), 1);
  std::system(("rm -rf " + home).c_str());
}
