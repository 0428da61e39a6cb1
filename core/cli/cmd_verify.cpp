#include <fmt/format.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "core/cli/commands.h"
#include "core/cli/count_text.h"
#include "core/cli/exit_codes.h"
#include "core/cli/json.h"
#include "core/cli/options.h"
#include "core/cli/progress_line.h"
#include "core/common/number_text.h"
#include "core/grid/grid_backend.h"
#include "core/repository/seen_objects.h"
#include "core/scan/exclude_rules.h"
#include "core/verify/verifier.h"

namespace gb {
namespace {

// --read-data-subset as restic reads it: N/M, P% or a SIZE (10k, 20m, 3g).
Result<DataSubset> parse_data_subset(const std::string& text) {
  DataSubset s;
  auto bad = [&](const std::string& why) {
    return make_error(ErrorKind::InvalidArgument, fmt::format("--read-data-subset takes N/M, P% or a size (500m, 2g), not '{}': {}", text, why));
  };
  if (auto slash = text.find('/'); slash != std::string::npos) {
    auto n = parse_uint(text.substr(0, slash), 1u << 20), m = parse_uint(text.substr(slash + 1), 1u << 20);
    if (!n || !m || *n < 1 || *m < 1 || *n > *m) return bad("N and M are whole numbers with 1 <= N <= M");
    s.kind = DataSubset::Kind::Part;
    s.n = static_cast<uint32_t>(*n);
    s.m = static_cast<uint32_t>(*m);
  } else if (!text.empty() && text.back() == '%') {
    char* end = nullptr;
    std::string number = text.substr(0, text.size() - 1);
    double p = std::strtod(number.c_str(), &end);
    if (number.empty() || *end || !(p > 0 && p <= 100)) return bad("a percentage is more than 0 and at most 100");
    s.kind = DataSubset::Kind::Percent;
    s.percent = p;
  } else {
    auto bytes = parse_size_limit(text);
    if (!bytes || *bytes == 0) return bad("a size is a whole number of bytes, or with k, m, g, t");
    s.kind = DataSubset::Kind::Bytes;
    s.bytes = *bytes;
  }
  return s;
}

}  // namespace

int cmd_verify(const CommandLine& cl) {
  if (!cl.args.empty())
    return report_error(make_error(ErrorKind::InvalidArgument, "usage: gridbackup verify [--read-data | --read-data-subset N/M|P%|SIZE]"));
  VerifyOptions opts;
  opts.read_data = cl.flag("read-data");
  if (auto v = cl.value("read-data-subset")) {
    auto subset = parse_data_subset(*v);
    if (!subset) return report_error(subset.error());
    opts.read_data = true;
    opts.subset = *subset;
  }
  std::unique_ptr<Repository> repo;
  if (int code = open_or_report(cl, repo)) return code;
  VerifyProgress progress;
  Result<VerifyReport> report = make_error(ErrorKind::Io, "verify did not run");
  {
    auto start = std::chrono::steady_clock::now();
    ProgressLine line(!cl.flag("quiet") && !cl.flag("no-progress") && !cl.flag("json"), [&] {
      uint64_t done = progress.done.load(), total = progress.total.load();
      double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (total == 0) return fmt::format("[{}] checking snapshots", human_duration(elapsed));
      return fmt::format("[{}] reading packs: {}: {}/{}", human_duration(elapsed),
                         percent_and_eta(static_cast<double>(done) / static_cast<double>(total), elapsed), done, total);
    });
    report = run_verify(*repo, opts, progress);
  }
  if (!report) return report_error(report.error());
  VerifyReport& r = *report;
  // What this machine saw before and the repository no longer has: a rollback (seen_objects.h).
  auto went_back = check_seen_objects(repo->backend(), local_state(cl).seen_objects_path(*repo));
  if (!went_back)
    r.notes.push_back("cannot keep the record of what this machine saw: " + went_back.error().message);
  else
    for (auto& p : *went_back) (p.front() == '(' ? r.notes : r.problems).push_back(std::move(p));
  const bool grid = dynamic_cast<GridBackend*>(&repo->backend()) != nullptr;
  if (cl.flag("json")) {
    // The same findings as the text, in one object; the exit code as ever.
    int code = r.ok() ? kExitOk : kExitDamaged;
    auto subset = cl.value("read-data-subset");
    Json out = {{"ok", r.ok()},
                {"exit_code", code},
                {"snapshots", r.snapshots},
                {"entries", r.entries},
                {"read_data", opts.read_data},
                {"read_data_subset", subset ? Json(*subset) : Json()},
                {"packs_read", r.packs_read},
                {"blobs_checked", r.blobs_checked},
                {"damaged_objects", r.damaged_objects},
                {"damaged_files", r.damaged_files},
                {"problems", r.problems},
                {"notes", r.notes},
                {"duplicate_blobs", r.duplicate_blobs},
                {"grid", grid}};
    std::printf("%s\n", json_text(out).c_str());
    return code;
  }
  for (const auto& d : r.damaged_objects) std::fprintf(stderr, "damaged: %s\n", d.c_str());
  for (const auto& f : r.damaged_files) std::fprintf(stderr, "damaged file: %s\n", f.c_str());
  for (const auto& p : r.problems) std::fprintf(stderr, "problem: %s\n", p.c_str());
  for (const auto& n : r.notes) std::printf("note: %s\n", n.c_str());
  if (grid) std::printf("note: the repository is a grid; 'gridbackup grid verify' checks every share of every object\n");
  if (r.duplicate_blobs) std::printf("note: %llu blobs are stored more than once (space, not damage)\n", (unsigned long long)r.duplicate_blobs);
  std::printf("checked %llu snapshots (%llu entries)%s\n", (unsigned long long)r.snapshots, (unsigned long long)r.entries,
              opts.read_data ? fmt::format(", read {} ({} blobs){}", counted(r.packs_read, "pack"), r.blobs_checked,
                                           cl.value("read-data-subset") ? " of subset " + *cl.value("read-data-subset") : "")
                                   .c_str()
                             : "; use --read-data to read every pack");
  if (!r.ok()) {
    std::fprintf(stderr, "gridbackup: the repository has %zu damaged objects and %zu other problems (listed above)\n", r.damaged_objects.size(),
                 r.problems.size());
    return kExitDamaged;
  }
  std::printf("no problems found\n");
  return kExitOk;
}

const Command kVerifyCommand = {"verify", "", "check the repository; --read-data reads every object",
                                [](CommandOptions& o) {
                                  o.flag("read-data", "read and authenticate every object, not only the metadata");
                                  o.value("read-data-subset", "N/M|P%|SIZE",
                                          "read only part of the packs: N/M the Nth of M parts (by pack id, so 1/M..M/M read each pack "
                                          "once), P% that share, SIZE packs in id order up to that many bytes");
                                  o.json("print the findings as one JSON object; the exit code is the same (docs/JSON.md)");
                                  o.no_progress();
                                },
                                cmd_verify};

}  // namespace gb
