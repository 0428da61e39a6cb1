#include <doctest/doctest.h>

#include "core/connect/open_backend.h"
#include "core/storage/tahoe_backend.h"
#include "core/storage/tree_listing.h"

using namespace gb;

TEST_CASE("tahoe answers: malformed JSON is damage, sizes are exact 64-bit numbers") {
  for (const char* bad : {"", "{", "[1,]", "[\"dirnode\" {}]", "01", "[\"filenode\", {\"size\": 1}] x", "tru"}) {
    CHECK_MESSAGE(parse_tahoe_children(bad).error().kind == ErrorKind::Corrupt, bad);
    CHECK_MESSAGE(parse_tahoe_file_size(bad).error().kind == ErrorKind::Corrupt, bad);
  }
  CHECK(parse_tahoe_file_size(R"(["filenode", {"size": 18446744073709551615}])").value() == 18446744073709551615ull);
  for (const char* bad_size : {"18446744073709551616", "-1", "1.5", "\"5\"", "null"})
    CHECK_MESSAGE(parse_tahoe_file_size(std::string(R"(["filenode", {"size": )") + bad_size + "}]").error().kind == ErrorKind::Corrupt, bad_size);
  std::string deep(100000, '[');  // no recursion to run out of stack
  CHECK(parse_tahoe_children(deep).error().kind == ErrorKind::Corrupt);
  auto named = parse_tahoe_children(R"(["dirnode", {"children": {"q\"\u00e9\ud83d\ude00": ["dirnode", {}]}}])");
  REQUIRE(named);
  CHECK(named->at(0).name == "q\"\xC3\xA9\xF0\x9F\x98\x80");
}

// The dirnode example of webapi.rst ("Getting Information About A File Or
// Directory (as JSON)"), with the placeholders filled in.
const char* kDocumentedDirectory = R"([ "dirnode", {
  "rw_uri": "URI:DIR2:djrdkfawoqihigoett4g6auz6a:jx5mplfpwexnoqff7y5e4zjus4lidm76dcuarpct7cckorh2dpgq",
  "ro_uri": "URI:DIR2-RO:aaaa:bbbb",
  "verify_uri": "URI:DIR2-Verifier:cccc:dddd",
  "mutable": true,
  "format": "SDMF",
  "children": {
   "foo.txt": [ "filenode",
                {
                  "ro_uri": "URI:CHK:ime6pvkaxuetdfah2p2f35pe54:4btz54xk3tew6nd4y2ojpxj4m6wxjqqlwnztgre6gnjgtucd5r4a:3:10:202",
                  "size": 202,
                  "metadata": {
                    "ctime": 1202777696.7564139,
                    "mtime": 1202777696.7564139,
                    "tahoe": {
                      "linkcrtime": 1202777696.7564139,
                      "linkmotime": 1202777696.7564139
                    } } } ],
   "subdir":  [ "dirnode",
                {
                  "rw_uri": "URI:DIR2:eeee:ffff",
                  "ro_uri": "URI:DIR2-RO:gggg:hhhh",
                  "metadata": {
                    "ctime": 1202778102.7589991,
                    "mtime": 1202778111.2160511,
                    "tahoe": {
                      "linkcrtime": 1202777696.7564139,
                      "linkmotime": 1202777696.7564139
                    } } } ],
   "Fran\u00e7ais": [ "unknown", { "ro_uri": "ro.x-tahoe-future:abc" } ]
   } } ])";

TEST_CASE("tahoe: the documented directory and file JSON") {
  auto children = parse_tahoe_children(kDocumentedDirectory);
  REQUIRE(children);
  REQUIRE(children->size() == 3);
  CHECK((*children)[0].name == "foo.txt");
  CHECK((*children)[0].is_file);
  CHECK((*children)[0].size == 202);
  CHECK((*children)[1].name == "subdir");
  CHECK((*children)[1].is_dir);
  CHECK((*children)[2].name ==
        "Fran\xC3\xA7"
        "ais");  // an unknown kind of node: neither file nor directory
  CHECK_FALSE((*children)[2].is_file);
  CHECK_FALSE((*children)[2].is_dir);

  auto size = parse_tahoe_file_size(R"([ "filenode", { "ro_uri": "URI:CHK:a:b:3:10:5368709122", "verify_uri": "URI:CHK-Verifier:a:b:3:10:5368709122",
      "size": 5368709122, "mutable": false, "format": "CHK" } ])");
  REQUIRE(size);
  CHECK(*size == 5368709122ull);
  CHECK(parse_tahoe_file_size(kDocumentedDirectory).error().kind == ErrorKind::NotFound);
  CHECK(parse_tahoe_children(R"(["filenode", {"size": 1}])").error().kind == ErrorKind::NotFound);
  CHECK(parse_tahoe_children(R"(["dirnode", {}])").error().kind == ErrorKind::Corrupt);
  CHECK(parse_tahoe_children(R"(["dirnode", {"children": {"f": ["filenode", {}]}}])").error().kind == ErrorKind::Corrupt);
}

TEST_CASE("tahoe url: cap, subpath, options; the cap is never shown") {
  std::string cap = "URI:DIR2:djrdkfawoqihigoett4g6auz6a:jx5mplfpwexnoqff7y5e4zjus4lidm76dcuarpct7cckorh2dpgq";
  auto url = parse_storage_url("tahoe://127.0.0.1:3456/uri/" + cap + "/backups/host1/?retries=2");
  REQUIRE(url);
  auto c = parse_tahoe_config(*url);
  REQUIRE(c);
  CHECK(c->base == "http://127.0.0.1:3456");
  CHECK(c->dircap == cap);
  CHECK(c->subpath == "backups/host1");
  CHECK(c->retry.attempts == 3);
  auto encoded = parse_storage_url("tahoe://h:3456/uri/URI%3ADIR2%3Aabc%3Adef?scheme=https");
  CHECK(parse_tahoe_config(*encoded)->dircap == "URI:DIR2:abc:def");
  CHECK(parse_tahoe_config(*encoded)->base == "https://h:3456");

  auto opened = open_backend("tahoe://127.0.0.1:3456/uri/" + cap + "/backups");
  REQUIRE(opened);
  CHECK((*opened)->url() == "tahoe://127.0.0.1:3456/uri/URI:DIR2:djrd…/backups");

  CHECK(open_backend("tahoe://h:3456/" + cap).error().kind == ErrorKind::InvalidArgument);
  CHECK(open_backend("tahoe://h:3456/uri/URI:CHK:a:b:3:10:5").error().kind == ErrorKind::InvalidArgument);
  CHECK(open_backend("tahoe://h:3456/uri/" + cap + "?format=SDMF").error().kind == ErrorKind::InvalidArgument);
  auto bad = open_backend("tahoe://h:3456/uri/URI:CHK:secretsecret:b");
  CHECK(bad.error().message.find("secretsecret") == std::string::npos);
}

TEST_CASE("tree listing: walks only where the prefix leads, skips the staging directory") {
  std::vector<std::string> visited;
  auto read = [&](const std::string& dir) -> Result<std::vector<TreeEntry>> {
    visited.push_back(dir);
    if (dir.empty())
      return std::vector<TreeEntry>{{"data", true, false, 0}, {"index", true, false, 0}, {"tmp", true, false, 0}, {"config", false, true, 7}};
    if (dir == "data") return std::vector<TreeEntry>{{"ab", true, false, 0}, {"cd", true, false, 0}};
    if (dir == "data/ab") return std::vector<TreeEntry>{{"abc", false, true, 3}, {"abd", false, true, 4}, {"link", false, false, 0}};
    if (dir == "data/cd") return std::vector<TreeEntry>{{"cde", false, true, 5}};
    if (dir == "index") return make_error(ErrorKind::NotFound, "gone meanwhile");
    return make_error(ErrorKind::Permanent, "should not be read: " + dir);
  };
  auto all = list_tree("", read, "tmp");
  REQUIRE(all);
  CHECK(all->size() == 4);
  visited.clear();
  auto some = list_tree("data/ab", read, "tmp");
  REQUIRE(some);
  CHECK(some->size() == 2);
  CHECK(visited == std::vector<std::string>{"data", "data/ab"});
  auto one = list_tree("data/ab/abd", read, "tmp");
  REQUIRE(one);
  REQUIRE(one->size() == 1);
  CHECK((*one)[0].name == "data/ab/abd");
  CHECK((*one)[0].size == 4);
}

// Error bodies as a Tahoe-LAFS 1.17.1 node sends them (issue 20), whatever Accept says.
TEST_CASE("tahoe: the meaningful line of HTML pages, tracebacks and one-line errors") {
  // twisted.web.resource.ErrorPage: begins with an empty line
  CHECK(tahoe_error_text("\n<html>\n  <head><title>404 - No Such Resource</title></head>\n  <body>\n    <h1>No Such Resource</h1>\n"
                         "    <p>No such child: data</p>\n  </body>\n</html>\n") == "No such child: data");
  CHECK(tahoe_error_text("\n<html><body><h1>Conflict</h1>\n<p>Unable to create directory &#x27;a&#x27;: a file &lt;was&gt; in the way &amp; "
                         "more</p></body></html>") == "Unable to create directory 'a': a file <was> in the way & more");
  const char* traceback =
      "Traceback (most recent call last):\n"
      "  File \"/usr/lib/python3/dist-packages/allmydata/immutable/upload.py\", line 729, in _done\n"
      "    raise UploadUnhappinessError(msg)\n"
      "allmydata.interfaces.UploadUnhappinessError: shares could be placed on only 2 server(s) such that any 2 of them "
      "have enough shares to recover the file, but we were asked to place shares on at least 3 such servers.\n\n";
  std::string last = tahoe_error_text(traceback);
  CHECK(last.rfind("allmydata.interfaces.UploadUnhappinessError: shares could be placed on only 2", 0) == 0);
  CHECK(tahoe_error_text("NotEnoughSharesError: This indicates that some servers were unavailable\n") ==
        "NotEnoughSharesError: This indicates that some servers were unavailable");
  CHECK(tahoe_error_text("") == "");
  CHECK(tahoe_error_text("\n\n<html></html>") == "");
  CHECK(tahoe_error_text("Traceback (most recent call last):\n  File \"x\"\nallmydata.mutable.common.NotWriteableError\n") ==
        "allmydata.mutable.common.NotWriteableError");
}

TEST_CASE("tahoe: the three forms of UploadUnhappinessError in words") {
  CHECK(tahoe_unhappiness("allmydata.interfaces.UploadUnhappinessError: shares could be placed on only 2 server(s) such that any "
                          "2 of them have enough shares to recover the file, but we were asked to place shares on at least 3 such "
                          "servers.") == "only 2 of the 3 storage servers needed are reachable");
  CHECK(tahoe_unhappiness("UploadUnhappinessError: shares could be placed or found on only 1 server(s). We were asked to place "
                          "shares on at least 3 server(s) such that any 2 of them have enough shares to recover the file.") ==
        "only 1 of the 3 storage servers needed is reachable");
  CHECK(tahoe_unhappiness("UploadUnhappinessError: shares could be placed or found on 4 server(s), but they are not spread out "
                          "evenly enough to ensure that any 2 of these servers would have enough shares to recover the file. We "
                          "were asked to place shares on at least 3 servers such that any 2 of them have enough shares to recover "
                          "the file.") == "the reachable storage servers cannot hold the shares spread over 3 of them");
  CHECK(tahoe_unhappiness("UploadUnhappinessError: something new") == "too few storage servers are reachable");
  CHECK_FALSE(tahoe_unhappiness("NotEnoughSharesError: shares could be placed on only 2 server(s)"));
}

TEST_CASE("tahoe: literal (URI:LIT:) children, an unknown node at the cap") {
  auto children = parse_tahoe_children(R"(["dirnode", {"rw_uri": "URI:DIR2:a:b", "children": {
      "small": ["filenode", {"ro_uri": "URI:LIT:nbswy3dp", "size": 5, "mutable": false, "metadata": {}}],
      "empty": ["filenode", {"ro_uri": "URI:LIT:", "size": 0, "mutable": false}]}}])");
  REQUIRE(children);
  REQUIRE(children->size() == 2);
  for (const auto& c : *children) CHECK(c.is_file);
  CHECK(parse_tahoe_file_size(R"(["filenode", {"ro_uri": "URI:LIT:nbswy3dp", "size": 5, "mutable": false}])").value() == 5);
  CHECK(parse_tahoe_children(R"(["unknown", {}])").error().kind == ErrorKind::NotFound);
}
