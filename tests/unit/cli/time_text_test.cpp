#include <doctest/doctest.h>

#include "core/cli/time_text.h"

namespace gb {

TEST_CASE("ago_text: coarse, so a status line changes once a minute at most") {
  CHECK(ago_text(0) == "under a minute ago");
  CHECK(ago_text(59) == "under a minute ago");
  CHECK(ago_text(180) == "3 min ago");
  CHECK(ago_text(3599) == "59 min ago");
  CHECK(ago_text(5 * 3600) == "5 h ago");
  CHECK(ago_text(2 * 86400 + 5) == "2 days ago");
}

}  // namespace gb
