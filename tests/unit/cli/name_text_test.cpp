#include <doctest/doctest.h>

#include "core/cli/name_text.h"

using gb::printable_name;

TEST_CASE("name_text: plain names, spaces and UTF-8 stay as they are") {
  CHECK(printable_name("/home/a b/ünïcødé-名前") == "/home/a b/ünïcødé-名前");
  CHECK(printable_name("/it's") == "/it's");
}

TEST_CASE("name_text: control characters and bad UTF-8 get $'...' quoting") {
  CHECK(printable_name("/a\x1b[31mred") == "$'/a\\e[31mred'");
  CHECK(printable_name("/bell\a") == "$'/bell\\a'");
  CHECK(printable_name("/new\nline") == "$'/new\\nline'");
  CHECK(printable_name("/bad\xff\xfe") == "$'/bad\\xff\\xfe'");
  CHECK(printable_name("/del\x7f") == "$'/del\\x7f'");
  CHECK(printable_name("/it's\n") == "$'/it\\'s\\n'");
  CHECK(printable_name("/back\\slash\t") == "$'/back\\\\slash\\t'");
  CHECK(printable_name("/c1\xc2\x9b") == "$'/c1\\xc2\\x9b'");  // CSI as a C1 control
  CHECK(printable_name("/名\x01") == "$'/名\\x01'");           // UTF-8 kept inside the quoting
}
