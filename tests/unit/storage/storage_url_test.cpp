#include <doctest/doctest.h>

#include <unistd.h>
#include <cstdlib>
#include <fstream>

#include "core/connect/open_backend.h"
#include "core/storage/aws_credentials.h"
#include "core/storage/s3_backend.h"
#include "core/storage/storage_url.h"

using namespace gb;

TEST_CASE("storage url: parts, escapes, IPv6, options") {
  auto u = parse_storage_url("SFTP://me%40home:p%3Ass@[::1]:2222/srv/back%20up?key=%2Froot%2Fk&accept-new-host-key=1");
  REQUIRE(u);
  CHECK(u->scheme == "sftp");
  CHECK(u->user == "me@home");
  CHECK(*u->password == "p:ss");
  CHECK(u->host == "::1");
  CHECK(*u->port == 2222);
  CHECK(u->path == "/srv/back up");
  CHECK(u->param("key") == "/root/k");
  CHECK(*u->flag_param("accept-new-host-key", false));
  CHECK(u->authority() == "[::1]:2222");
  CHECK(u->redacted() == "sftp://me%40home@[::1]:2222/srv/back%20up?accept-new-host-key=1&key=/root/k");
  CHECK(u->check_params({"key", "accept-new-host-key"}));
  CHECK(u->check_params({"key"}).error().kind == ErrorKind::InvalidArgument);

  auto plain = parse_storage_url("s3://host/b");
  REQUIRE(plain);
  CHECK_FALSE(plain->port);
  CHECK(plain->user.empty());
  CHECK(*plain->number_param("max-keys", 7) == 7);

  CHECK_FALSE(parse_storage_url("nohost"));
  CHECK_FALSE(parse_storage_url("s3:///bucket"));
  CHECK_FALSE(parse_storage_url("s3://h:99999/b"));
  CHECK_FALSE(parse_storage_url("s3://h:0/b"));
  CHECK_FALSE(parse_storage_url("s3://h/b%zz"));
  CHECK_FALSE(parse_storage_url("s3://h/b?x=1&x=2"));
  CHECK_FALSE(parse_storage_url("s3://[::1/b"));
  CHECK(parse_storage_url("s3://h/b?n=abc")->number_param("n", 0).error().kind == ErrorKind::InvalidArgument);
  CHECK(percent_encode("a b/c~", true) == "a%20b/c~");
  CHECK(percent_encode("a b/c~", false) == "a%20b%2Fc~");
  CHECK(*percent_decode("%41%2f") == "A/");
  CHECK_FALSE(percent_decode("%4"));
}

TEST_CASE("s3 url: bucket, prefix, defaults and AWS regions") {
  auto config = [](const std::string& text) { return parse_s3_config(*parse_storage_url(text)); };
  auto swift = config("s3://127.0.0.1:8080/gridbackup/host1/?scheme=http&max-keys=100&multipart-threshold=8&part-size=5");
  REQUIRE(swift);
  CHECK(swift->endpoint == "127.0.0.1:8080");
  CHECK(swift->bucket == "gridbackup");
  CHECK(swift->prefix == "host1/");
  CHECK_FALSE(swift->https);
  CHECK_FALSE(swift->virtual_host);
  CHECK(swift->region == "us-east-1");
  CHECK(swift->max_keys == 100);
  CHECK(swift->multipart_threshold == 8u << 20);
  CHECK(swift->part_size == 5u << 20);
  CHECK(swift->retry.attempts == 5);

  auto aws = config("s3://s3.eu-west-1.amazonaws.com/my-backups?limit-upload=512&retries=2");
  REQUIRE(aws);
  CHECK(aws->https);
  CHECK(aws->virtual_host);
  CHECK(aws->region == "eu-west-1");
  CHECK(aws->prefix.empty());
  CHECK(aws->http.max_upload_bytes_per_second == 512 * 1024);
  CHECK(aws->retry.attempts == 3);
  CHECK(config("s3://s3-ap-south-1.amazonaws.com/bkt")->region == "ap-south-1");
  CHECK(config("s3://s3.amazonaws.com/with.dots")->virtual_host == false);
  CHECK(config("s3://minio:9000/bkt?region=home&style=virtual")->region == "home");

  CHECK(config("s3://h/").error().kind == ErrorKind::InvalidArgument);
  CHECK(config("s3://h/ab").error().kind == ErrorKind::InvalidArgument);  // too short
  CHECK(config("s3://h/Upper").error().kind == ErrorKind::InvalidArgument);
  CHECK(config("s3://h/bkt?part-size=4").error().kind == ErrorKind::InvalidArgument);
  CHECK(config("s3://h/bkt?style=sideways").error().kind == ErrorKind::InvalidArgument);
  CHECK(config("s3://h/bkt?regoin=x").error().kind == ErrorKind::InvalidArgument);  // typo caught
  auto with_secret = config("s3://key:secret@h/bkt");
  CHECK(with_secret.error().message.find("AWS_ACCESS_KEY_ID") != std::string::npos);
}

TEST_CASE("aws credentials: environment first, then the shared file's profile") {
  const char* text =
      "# comment\n[default]\naws_access_key_id = AKDEFAULT\naws_secret_access_key=SDEFAULT\n\n"
      "[work]\r\naws_access_key_id=AKWORK\r\naws_secret_access_key = S/WORK+=\r\naws_session_token = TOK\r\n"
      "[broken]\naws_access_key_id=x\n";
  auto d = parse_aws_credentials_file(text, "default", "f");
  REQUIRE(d);
  CHECK(d->access_key_id == "AKDEFAULT");
  CHECK(d->secret_access_key == "SDEFAULT");
  auto w = parse_aws_credentials_file(text, "work", "f");
  REQUIRE(w);
  CHECK(w->secret_access_key == "S/WORK+=");
  CHECK(w->session_token == "TOK");
  CHECK(parse_aws_credentials_file(text, "broken", "f").error().kind == ErrorKind::InvalidArgument);
  CHECK(parse_aws_credentials_file(text, "none", "f").error().message.find("[none]") != std::string::npos);

  char tmpl[] = "/tmp/gbcreds-XXXXXX";
  int fd = ::mkstemp(tmpl);
  REQUIRE(fd >= 0);
  ::close(fd);
  std::ofstream(tmpl) << text;
  ::setenv("AWS_SHARED_CREDENTIALS_FILE", tmpl, 1);
  ::unsetenv("AWS_ACCESS_KEY_ID");
  ::setenv("AWS_PROFILE", "work", 1);
  CHECK(load_aws_credentials("")->access_key_id == "AKWORK");
  CHECK(load_aws_credentials("default")->access_key_id == "AKDEFAULT");
  ::setenv("AWS_ACCESS_KEY_ID", "AKENV", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "SENV", 1);
  CHECK(load_aws_credentials("")->access_key_id == "AKENV");
  CHECK(load_aws_credentials("default")->access_key_id == "AKDEFAULT");  // the URL's explicit choice wins
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  CHECK(load_aws_credentials("").error().kind == ErrorKind::InvalidArgument);
  ::unsetenv("AWS_ACCESS_KEY_ID");
  ::unsetenv("AWS_PROFILE");
  ::setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
  CHECK(load_aws_credentials("").error().message.find("AWS_ACCESS_KEY_ID") != std::string::npos);
  ::unsetenv("AWS_SHARED_CREDENTIALS_FILE");
  ::unlink(tmpl);
}

TEST_CASE("open_backend dispatches the remote schemes and names them when refusing one") {
  ::setenv("AWS_ACCESS_KEY_ID", "k", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "s", 1);
  auto s3 = open_backend("s3://127.0.0.1:8080/bucket?scheme=http");
  REQUIRE(s3);
  CHECK((*s3)->url() == "s3://127.0.0.1:8080/bucket?scheme=http");
  ::unsetenv("AWS_ACCESS_KEY_ID");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  CHECK(open_backend("sftp://u@h:2222/srv/x"));
  CHECK(open_backend("tahoe://h:3456/uri/URI:DIR2:a:b"));
  auto other = open_backend("webdav://h/x");
  CHECK(other.error().message.find("s3://, sftp://, tahoe://") != std::string::npos);
}
