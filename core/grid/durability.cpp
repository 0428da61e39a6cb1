#include "core/grid/durability.h"

#include <cmath>

namespace gb {

double probability_unreadable(int k, int n, double p) {
  double sum = 0;
  for (int i = 0; i < k && i <= n; ++i) {
    // C(n, i) p^i (1-p)^(n-i) through logarithms: exact enough and no overflow for n <= 64.
    double log_term = std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0);
    if (i > 0) log_term += i * std::log(p);
    if (n - i > 0) log_term += (n - i) * std::log1p(-p);
    sum += std::exp(log_term);
  }
  return sum;
}

std::optional<int> suggest_k(int n, double p, double target) {
  for (int k = n; k >= 1; --k)
    if (probability_unreadable(k, n, p) <= 1.0 - target) return k;
  return std::nullopt;
}

}  // namespace gb
