// The exclude rule, form by form, against restic's answers (restic's own
// filter tests and its "Excluding files" manual give them), so that a list
// written for restic leaves out the same paths here.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

#include "../test_support.h"
#include "core/scan/exclude_rules.h"
#include "core/scan/scanner.h"

using namespace gb;

namespace {

struct Case {
  std::vector<std::string> patterns;
  const char* path;
  bool excluded;  // restic's answer
};

const Case kCases[] = {
    // A name matches a whole component at any depth, and everything below it.
    {{"foo"}, "/dir/foo", true},
    {{"foo"}, "/dir1/foo/dir2/file", true},
    {{"foo"}, "/dir/foobar", false},
    {{"foo"}, "/dir/barfoo", false},
    {{"sdk"}, "/foo/bar/sdk/test/sdk_foo.go", true},
    // Several components match as a run at any depth (the reported case).
    {{"small/cache"}, "/x/small/cache", true},
    {{"small/cache"}, "/x/small/cache/deep/file", true},
    {{"small/cache"}, "/x/small/cachet", false},
    {{"small/cache"}, "/x/cache", false},
    {{"bar/test.go"}, "/foo/bar/test.go", true},
    {{"bar/*"}, "/foo/bar/baz", true},
    {{"baz/*"}, "/foo/bar/test.go", false},
    // Wildcards stay inside one component.
    {{"*.go"}, "/foo/bar/test.go", true},
    {{"*.c"}, "/foo/bar/test.go", false},
    {{"b*ash"}, "/bin/bash", true},
    {{"b*ash"}, "/bin/ash", false},
    {{"bar*"}, "/foo/bar/test.go", true},
    {{"ba*/*.go"}, "/foo/bar/test.go", true},
    {{"bb*/*.go"}, "/foo/bar/test.go", false},
    {{"test.?o"}, "/foo/bar/test.go", true},
    {{"/home/[uU]ser/?.go"}, "/home/user/F.go", true},
    {{"[!a]*"}, "/b", true},
    {{"tesT.*"}, "/foo/bar/test.go", false},  // case matters
    // A leading '/' anchors at the root of the file system.
    {{"/bin"}, "/bin/bash", true},
    {{"/bin"}, "/usr/bin/restic", false},
    {{"/bar*"}, "/foo/bar/test.go", false},
    {{"/foo/*"}, "/foo", false},
    {{"/foo/*"}, "/foo/baz", true},
    {{"/foo/*test.*"}, "/foo/bar/test.go", false},
    {{"/foo/*/test.*"}, "/foo/bar/test.go", true},
    {{"/*/*/baz/test.*"}, "/foo/bar/baz/test.go", true},
    {{"/*/*/bar/test.*"}, "/foo/bar/baz/test.go", false},
    // A trailing '/', doubled slashes, '.' and '..' are cleaned away.
    {{"/foo/bar/"}, "/foo/bar", true},
    {{"file/"}, "/d/file", true},
    {{"/foo///bar"}, "/foo/bar", true},
    {{"/foo/../bar"}, "/bar", true},
    {{"/foo/../bar"}, "/foo/bar", false},
    // '**' stands for any number of components, none included.
    {{"foo/**/bar"}, "/dir1/foo/dir2/bar/file", true},
    {{"foo/**/bar"}, "/foo/bar/file", true},
    {{"foo/**/bar"}, "/tmp/foo/bar", true},
    {{"foo/**/bar/*.go"}, "/home/user/foo/work/special/project/bar/test.go", true},
    {{"foo/**/bar/*.go"}, "/home/user/foo/test.c", false},
    {{"foo/**/bar/*.go"}, "/bar/foo/main.go", false},
    {{"user/**/important*"}, "/home/user/work/x/y/hidden/x", false},
    {{"user/**/hidden*/**/c"}, "/home/user/work/x/y/hidden/z/a/b/c", true},
    {{"/foo/**/test.c"}, "/foo/bar/foo/bar/test.c", true},
    {{"/foo/*/test.c"}, "/foo/bar/foo/bar/test.c", false},
    {{"**"}, "/foo/bar/test.go", true},
    // A backslash makes the next character literal.
    {{"re\\[po\\]"}, "/h/re[po]", true},
    {{"re\\[po\\]"}, "/h/rep", false},
    {{"a\\*"}, "/d/a*", true},
    {{"a\\*"}, "/d/ab", false},
    // '!' cancels an earlier match; the last matching pattern decides.
    {{"/home/u/*", "!/home/u/Documents"}, "/home/u/Documents", false},
    {{"/home/u/*", "!/home/u/Documents"}, "/home/u/Documents/letter", false},
    {{"/home/u/*", "!/home/u/Documents"}, "/home/u/Videos", true},
    {{"*.log", "!keep.log"}, "/var/keep.log", false},
    {{"*.log", "!keep.log", "/var/*"}, "/var/keep.log", true},
    {{"!keep.log"}, "/var/keep.log", false},
    {{"*.go", "*.c"}, "/foo/bar/test.go", true},
};

}  // namespace

TEST_CASE("exclude patterns leave out what restic leaves out, form by form") {
  for (const auto& c : kCases) {
    auto rules = ExcludeRules::make(ExcludeSpec{c.patterns, {}, {}, {}});
    REQUIRE(rules);
    std::string shown;
    for (const auto& p : c.patterns) shown += "'" + p + "' ";
    INFO(shown << "on " << c.path);
    CHECK(rules->matches(c.path) == c.excluded);
  }
}

TEST_CASE("--iexclude folds case; --exclude does not") {
  auto rules = ExcludeRules::make(ExcludeSpec{{}, {"*.JPG", "/Photos/raw"}, {}, {}});
  REQUIRE(rules);
  CHECK(rules->matches("/x/a.jpg"));
  CHECK(rules->matches("/x/a.Jpg"));
  CHECK(rules->matches("/photos/RAW/1"));
  CHECK_FALSE(rules->matches("/x/a.png"));
  auto exact = ExcludeRules::make(ExcludeSpec{{"*.JPG"}, {}, {}, {}});
  REQUIRE(exact);
  CHECK_FALSE(exact->matches("/x/a.jpg"));
}

TEST_CASE("bad patterns are refused with one sentence") {
  auto unclosed = ExcludePattern::parse("test/[", false, "--exclude");
  REQUIRE(!unclosed);
  CHECK(unclosed.error().message == "--exclude 'test/[' has a '[' that is never closed (write '\\[' for a literal '[')");
  CHECK(!ExcludePattern::parse("", false, "--exclude"));
  CHECK(!ExcludePattern::parse("!", false, "--exclude"));
  CHECK(ExcludePattern::parse("a\\[b", false, "--exclude"));
  CHECK(ExcludePattern::parse("[]]x", false, "--exclude"));
  CHECK(!ExcludeRules::make(ExcludeSpec{{}, {}, {{"a/b", ""}}, {}}));
}

TEST_CASE("sizes as restic writes them: bytes, or 1024-based k, m, g, t") {
  CHECK(*parse_size_limit("2048") == 2048);
  CHECK(*parse_size_limit("1k") == 1024);
  CHECK(*parse_size_limit("10K") == 10240);
  CHECK(*parse_size_limit("20m") == 20ull << 20);
  CHECK(*parse_size_limit("3G") == 3ull << 30);
  CHECK(*parse_size_limit("2T") == 2ull << 40);
  for (const char* bad : {"", "k", "1.5m", "-1", "1kb", "99999999999999999999"}) CHECK_MESSAGE(!parse_size_limit(bad), bad);
}

TEST_CASE("exclude files expand environment variables as restic does") {
  ::setenv("GB_TEST_USER", "bob", 1);
  ::unsetenv("GB_TEST_UNSET");
  CHECK(expand_env("/home/$GB_TEST_USER/foo") == "/home/bob/foo");
  CHECK(expand_env("/home/${GB_TEST_USER}x") == "/home/bobx");
  CHECK(expand_env("/a/$GB_TEST_UNSET/b") == "/a//b");
  CHECK(expand_env("$$RECYCLE.BIN") == "$RECYCLE.BIN");
  CHECK(expand_env("cost$") == "cost$");
  CHECK(expand_env("~/x") == "~/x");  // no tilde, as restic
}

TEST_CASE("a tagged directory keeps only its tag; big files are left out; the scanner applies both") {
  test::ScratchDir dir;
  std::string root = dir.path + "/root";
  for (const char* d : {"/cache/sub", "/fake", "/marked", "/plain"}) std::filesystem::create_directories(root + d);
  std::ofstream(root + "/cache/CACHEDIR.TAG") << kCacheDirTag.header << "\n# a cache\n";
  std::ofstream(root + "/cache/blob") << "x";
  std::ofstream(root + "/cache/sub/blob") << "x";
  std::ofstream(root + "/fake/CACHEDIR.TAG") << "Signature: not the one";  // not a cache: the header is wrong
  std::ofstream(root + "/fake/kept") << "x";
  std::ofstream(root + "/marked/.nobackup") << "";
  std::ofstream(root + "/marked/gone") << "x";
  std::ofstream(root + "/plain/small") << std::string(100, 's');
  std::ofstream(root + "/plain/big") << std::string(101, 'b');
  auto rules = ExcludeRules::make(ExcludeSpec{{}, {}, {kCacheDirTag, {".nobackup", ""}}, 100});
  REQUIRE(rules);
  Scanner scanner({root}, *rules, [](ScanProblem) {});
  std::vector<std::string> paths;
  Entry e;
  while (scanner.next(e)) paths.push_back(e.path.substr(root.size()));
  std::vector<std::string> want = {"",           "/cache",  "/cache/CACHEDIR.TAG", "/fake",  "/fake/CACHEDIR.TAG",
                                   "/fake/kept", "/marked", "/marked/.nobackup",   "/plain", "/plain/small"};
  std::string got;
  for (const auto& p : paths) got += p + " ";
  INFO(got);
  CHECK(paths == want);
  // One path at a time (the narrow slice) gives the same answers.
  CHECK(rules->present_tags(root + "/cache") == std::vector<std::string>{"CACHEDIR.TAG"});
  CHECK(rules->present_tags(root + "/fake").empty());
  CHECK(rules->present_tags(root + "/marked") == std::vector<std::string>{".nobackup"});
  CHECK(rules->present_tags(root + "/plain").empty());
}

TEST_CASE("the snapshot records the whole exclude spec, so a changed one is seen") {
  ExcludeSpec spec{{"*.tmp"}, {"*.JPG"}, {kCacheDirTag, {".nobackup", ""}, {"T", "H"}}, 2048};
  CHECK(describe_excludes(spec) == std::vector<std::string>{"--excludes=restic", "*.tmp", "--iexclude=*.JPG", "--exclude-caches",
                                                            "--exclude-if-present=.nobackup", "--exclude-if-present=T:H",
                                                            "--exclude-larger-than=2048"});
  CHECK(describe_excludes({}) == std::vector<std::string>{"--excludes=restic"});
}
