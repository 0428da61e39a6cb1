// How many shares k to ask for, given n members that are each reachable with
// probability p (seed 000: "n you set to the number of peers in the grid and
// then you calculate what m should be" from a target reliability and the
// reliability of the machines). An object is readable when at least k of its
// n members are up; with independent members that is a binomial tail:
//
//   P(readable) = sum over i = k..n of C(n, i) p^i (1-p)^(n-i)
//
// A larger k stores less (n/k times the object instead of n times) but needs
// more members up, so the suggestion is the largest k that still meets the
// target.
#pragma once
#include <optional>

namespace gb {

// P(fewer than k of n members are up), summed directly so that small
// probabilities (1e-12) keep their precision.
double probability_unreadable(int k, int n, double p);

// The largest k in 1..n with P(readable) >= target, or nullopt when even
// k = 1 (full replication) misses it.
std::optional<int> suggest_k(int n, double p, double target);

}  // namespace gb
