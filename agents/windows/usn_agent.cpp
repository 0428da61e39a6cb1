#include "agents/windows/usn_agent.h"

#include <chrono>

#include "core/common/clock.h"
#include "core/journal/recording.h"

namespace gb {
namespace {

std::map<std::string, std::string> context_of(const UsnAgentOptions& o) {
  return {{"volume", o.volume}, {"fs_id", o.fs_id}, {"root_frn", o.root_frn}};
}

}  // namespace

UsnAgent::UsnAgent(UsnJournalSource& source, UsnAgentOptions options, Log log)
    : source_(source), options_(std::move(options)), log_(std::move(log)), translator_(context_of(options_)) {}

UsnAgent::~UsnAgent() {
  if (recording_) std::fclose(recording_);
}

Status UsnAgent::open() {
  GB_ASSIGN(spool_, ChangeSpoolWriter::open(options_.spool_dir));
  if (!options_.record_path.empty()) {
    recording_ = std::fopen(options_.record_path.c_str(), "wb");
    if (!recording_) return make_error(ErrorKind::Io, "cannot write the recording " + options_.record_path);
    std::string header = encode_recording_header("usn", context_of(options_));
    std::fwrite(header.data(), 1, header.size(), recording_);
    std::fflush(recording_);
  }
  return {};
}

void UsnAgent::frame(std::string_view bytes) {
  int64_t t = now_ns();
  translator_.translate(bytes, t, pending_);
  if (recording_) {
    std::string f = encode_recording_frame({t, std::string(bytes)});
    std::fwrite(f.data(), 1, f.size(), recording_);
  }
}

// Records first, then the cursor: a crash in between repeats records on the
// next start, it never skips them.
bool UsnAgent::flush() {
  if (recording_) std::fflush(recording_);
  if (!spool_->append(pending_)) {
    log_("cannot write the change spool " + spool_->segment_path() + ": stopping");
    return false;
  }
  pending_.clear();
  if (cursor_ && !options_.cursor_path.empty() && !usn::save_cursor(options_.cursor_path, *cursor_))
    log_("cannot save the journal position to " + options_.cursor_path + " (the next start rescans the volume)");
  return true;
}

UsnAgent::Step UsnAgent::unavailable(uint32_t error) {
  cursor_.reset();
  if (unavailable_reported_) return Step::Unavailable;
  unavailable_reported_ = true;
  std::string why = "the USN journal of " + options_.volume + " is not available (" + source_.error_text(error) + ", error " + std::to_string(error) +
                    "): the next backup scans the volume in full";
  log_(why);
  frame(std::string(kUsnNotePrefix) + "unavailable " + why);
  return flush() ? Step::Unavailable : Step::Failed;
}

UsnAgent::Step UsnAgent::poll() {
  if (!cursor_) {
    usn::JournalInfo info;
    if (uint32_t e = source_.query(info)) return unavailable(e);
    unavailable_reported_ = false;
    auto decision = usn::decide_start(usn::load_cursor(options_.cursor_path), info);
    if (!wrapped_.empty()) decision = {false, {info.journal_id, info.next_usn}, wrapped_};
    wrapped_.clear();
    cursor_ = decision.start;
    if (!decision.resume) {
      log_("full scan of " + options_.volume + " needed: " + decision.why);
      frame(std::string(kUsnNotePrefix) + "journal-reset " + decision.why);
    }
    if (!flush()) return Step::Failed;
  }
  std::string buffer;
  if (uint32_t e = source_.read(cursor_->journal_id, cursor_->next_usn, buffer)) {
    if (e == usn::kErrorJournalEntryDeleted) {
      // The journal wrapped past us while we were reading: start again at
      // its end (the query above) and rescan the volume.
      wrapped_ = "the journal wrapped past our position " + std::to_string(cursor_->next_usn) + " while we read it";
      cursor_.reset();
      return Step::Progress;
    }
    return unavailable(e);
  }
  int64_t next = 0;
  std::vector<std::string_view> records;
  bool whole = usn::split_read_buffer(buffer, next, records);
  for (auto raw : records) {
    if (auto r = usn::parse_usn_record(raw); r && !translator_.knows(r->parent_frn)) {
      bool is_dir = true;
      if (auto path = source_.resolve(r->parent_frn, is_dir))
        frame(std::string(kUsnNotePrefix) + "frn " + usn::to_hex(r->parent_frn) + (is_dir ? " dir " : " file ") + *path);
    }
    frame(raw);
  }
  if (!whole) frame("damaged read buffer");  // not a record: the translator asks for a rescan
  bool progressed = next != cursor_->next_usn;
  if (next > cursor_->next_usn) cursor_->next_usn = next;
  if (!flush()) return Step::Failed;
  return progressed ? Step::Progress : Step::Idle;
}

}  // namespace gb
