#include <doctest/doctest.h>

#include "core/grid/durability.h"

using namespace gb;

TEST_CASE("durability: the binomial tail and the suggested k") {
  // n=5, p=0.9: P(at least 3 up) = 0.99144 (10*.729*.01 + 5*.6561*.1 + .59049).
  CHECK(1 - probability_unreadable(3, 5, 0.9) == doctest::Approx(0.99144).epsilon(1e-9));
  CHECK(probability_unreadable(1, 5, 0.9) == doctest::Approx(1e-5).epsilon(1e-9));
  CHECK(probability_unreadable(6, 5, 0.9) == doctest::Approx(1.0));
  CHECK(suggest_k(5, 0.9, 0.99) == 3);
  CHECK(suggest_k(5, 0.9, 0.999) == 2);
  CHECK(suggest_k(5, 0.9, 0.9999) == 1);
  CHECK_FALSE(suggest_k(5, 0.9, 0.999999));
  CHECK(suggest_k(10, 0.99, 0.999999) == 6);
  CHECK(suggest_k(4, 1.0, 0.9999) == 4);
  // Tiny probabilities keep their precision: 10 members at 0.5, k=1.
  CHECK(probability_unreadable(1, 10, 0.5) == doctest::Approx(1.0 / 1024).epsilon(1e-12));
}
