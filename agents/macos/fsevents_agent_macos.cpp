// gridbackup-fsevents-agent: the macOS glue around the portable FSEvents
// translator. NOT YET BUILT ON macOS: no CMake file compiles it (Debian has
// no macOS SDK, so it has not even been syntax-checked). Kept thin on
// purpose: everything it decides is in fsevents_translator.cpp and
// fsevents_cursor.cpp, which are unit tested on Linux.
//
//   gridbackup-fsevents-agent --root /Users/ann --state DIR [--record FILE]
//
// Build on a Mac (untested), from agents/macos:
//   clang++ -std=c++20 -O2 -I../.. fsevents_agent_macos.cpp fsevents_*.cpp
//     ../../core/journal/{change_record,recording,change_spool}.cpp
//     -framework CoreServices -o gridbackup-fsevents-agent
// On Linux its own C++ was checked with -fsyntax-only against a stub header
// holding Apple's documented signatures; the API use itself is unverified.
#include <CoreServices/CoreServices.h>
#include <dispatch/dispatch.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>

#include "agents/macos/fsevents_cursor.h"
#include "agents/macos/fsevents_event.h"
#include "agents/macos/fsevents_translator.h"
#include "core/common/clock.h"
#include "core/journal/change_spool.h"
#include "core/journal/recording.h"

namespace {

struct Agent {
  std::string root, state, fs_id;
  std::unique_ptr<gb::EventTranslator> translator;
  std::unique_ptr<gb::ChangeSpoolWriter> spool;
  std::FILE* recording = nullptr;
  gb::fsevents::SinceWhenTracker since{gb::fsevents::kSinceNow};
  std::string cursor_path() const { return state + "/fsevents.cursor"; }
};

void log(const std::string& s) { std::fprintf(stderr, "gridbackup-fsevents-agent: %s\n", s.c_str()); }

// The volume's FSEvents database UUID: event ids are only meaningful with it.
std::string volume_uuid(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return {};
  CFUUIDRef uuid = FSEventsCopyUUIDForDevice(st.st_dev);
  if (!uuid) return {};
  CFStringRef s = CFUUIDCreateString(nullptr, uuid);
  char buf[64] = {};
  CFStringGetCString(s, buf, sizeof buf, kCFStringEncodingUTF8);
  CFRelease(s);
  CFRelease(uuid);
  return buf;
}

void callback(ConstFSEventStreamRef, void* info, size_t n, void* paths, const FSEventStreamEventFlags flags[], const FSEventStreamEventId ids[]) {
  auto* a = static_cast<Agent*>(info);
  auto** p = static_cast<char**>(paths);
  std::vector<gb::ChangeRecord> out;
  for (size_t i = 0; i < n; ++i) {
    gb::fsevents::FsEvent e{p[i], static_cast<uint32_t>(flags[i]), ids[i]};
    std::string frame = gb::fsevents::encode_fsevent(e);
    int64_t t = now_ns();
    a->translator->translate(frame, t, out);
    if (a->recording) {
      std::string f = gb::encode_recording_frame({t, frame});
      std::fwrite(f.data(), 1, f.size(), a->recording);
    }
    a->since.saw(e);
  }
  if (a->recording) std::fflush(a->recording);
  // Records first, then the cursor: a crash repeats events, never skips them.
  if (!a->spool->append(out)) {
    // Exit without saving the cursor: launchd (KeepAlive) starts us again,
    // and the stream replays from the last id whose records are safe.
    log("cannot write the change spool " + a->spool->segment_path() + ": stopping");
    std::exit(1);
  }
  gb::fsevents::save_cursor(a->cursor_path(), {a->fs_id, a->since.since_when()});
}

}  // namespace

int main(int argc, char** argv) {
  Agent a;
  std::string record;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--root"))
      a.root = argv[i + 1];
    else if (!std::strcmp(argv[i], "--state"))
      a.state = argv[i + 1];
    else if (!std::strcmp(argv[i], "--record"))
      record = argv[i + 1];
  }
  if (a.root.empty() || a.state.empty()) {
    std::fputs("usage: gridbackup-fsevents-agent --root DIR --state DIR [--record FILE]\n", stderr);
    return 2;
  }
  a.fs_id = volume_uuid(a.root);
  std::map<std::string, std::string> context{{"root", a.root}, {"fs_id", a.fs_id}};
  a.translator = gb::make_fsevents_translator(context);
  auto spool = gb::ChangeSpoolWriter::open(a.state + "/spool");
  if (!spool) return log(spool.error().message), 1;
  a.spool = std::move(*spool);
  if (!record.empty() && (a.recording = std::fopen(record.c_str(), "wb"))) {
    std::string h = gb::encode_recording_header("fsevents", context);
    std::fwrite(h.data(), 1, h.size(), a.recording);
  }
  auto start = gb::fsevents::decide_start(gb::fsevents::load_cursor(a.cursor_path()), a.fs_id);
  if (!start.resume) {
    // Full scan, then follow from the current id: starting the stream at it
    // (not at "now") leaves no gap between the scan request and the stream.
    log("full scan of " + a.root + " needed: " + start.why);
    start.since_when = FSEventsGetCurrentEventId();
    if (!a.spool->append({{a.fs_id, a.root, gb::ChangeKind::Overflow, true, now_ns(), start.since_when}}))
      return log("cannot write the change spool " + a.spool->segment_path()), 1;
    gb::fsevents::save_cursor(a.cursor_path(), {a.fs_id, start.since_when});
  }
  a.since = gb::fsevents::SinceWhenTracker(start.since_when);

  CFStringRef root = CFStringCreateWithCString(nullptr, a.root.c_str(), kCFStringEncodingUTF8);
  CFArrayRef roots = CFArrayCreate(nullptr, reinterpret_cast<const void**>(&root), 1, &kCFTypeArrayCallBacks);
  FSEventStreamContext ctx{0, &a, nullptr, nullptr, nullptr};
  // FileEvents: one event per file, not per directory. WatchRoot: RootChanged
  // when the root itself moves. NoDefer: the first event of a quiet period is
  // delivered at once (the slice's cookie wait is short).
  FSEventStreamRef stream =
      FSEventStreamCreate(nullptr, callback, &ctx, roots, start.since_when, 1.0,
                          kFSEventStreamCreateFlagFileEvents | kFSEventStreamCreateFlagNoDefer | kFSEventStreamCreateFlagWatchRoot);
  dispatch_queue_t queue = dispatch_queue_create("org.gridbackup.fsevents", DISPATCH_QUEUE_SERIAL);
  FSEventStreamSetDispatchQueue(stream, queue);
  if (!FSEventStreamStart(stream)) return log("FSEventStreamStart failed for " + a.root), 1;
  log("watching " + a.root + " since event " + std::to_string(start.since_when));
  dispatch_main();  // runs until launchd stops the agent (SIGTERM)
}
