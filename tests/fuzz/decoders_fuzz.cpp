// libFuzzer target for the decoders of stored repository bytes: the first
// input byte picks the decoder, the rest is the object. Decoders must reject
// any input with a Result error or `false`, never crash or read out of bounds
// (built with -fsanitize=fuzzer,address,undefined; see tests/fuzz/README.md).
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/common/serial.h"
#include "core/content/envelope.h"
#include "core/content/pack_format.h"
#include "core/index/index_object.h"
#include "core/journal/change_record.h"
#include "core/repository/prune_plan.h"
#include "core/repository/root_cap.h"
#include "core/snapshot/entry.h"
#include "core/snapshot/snapshot.h"

using namespace gb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t which = data[0] % 9;
  ByteView body(data + 1, size - 1);
  const Hash key{};  // fixed key: the fuzzer can seal what it wants opened
  switch (which) {
    case 0: {  // a raw stored object, forged or damaged
      (void)open_envelope(key, EnvelopeKind::Index, body, "fuzz");
      break;
    }
    case 1: {  // payload of a pack header (after the envelope opened)
      (void)decode_pack_header(body);
      break;
    }
    case 2: {  // payload of an index object
      (void)decode_index_object(body);
      break;
    }
    case 3: {  // change-record stream from an agent spool
      std::vector<ChangeRecord> out;
      std::string_view s(reinterpret_cast<const char*>(body.data()), body.size());
      (void)parse_change_stream(s, out);
      break;
    }
    case 4: {  // a whole pack: trailer, sealed header, blob bounds
      (void)read_pack_header(key, body, "fuzz");
      break;
    }
    case 5: {  // payload of a snapshot object
      (void)decode_snapshot(body);
      break;
    }
    case 6: {  // backuplog entries, read until the first damaged one
      Reader r(body);
      Entry e;
      for (int i = 0; i < 10000 && !r.at_end() && decode_entry(r, e); ++i) {}
      break;
    }
    case 7: {  // a root cap as typed or pasted by a user
      (void)parse_cap(std::string_view(reinterpret_cast<const char*>(body.data()), body.size()));
      break;
    }
    case 8: {  // payload of the prune plan
      (void)decode_prune_plan(body);
      break;
    }
  }
  return 0;
}
