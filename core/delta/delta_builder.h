// Computes a librsync delta from a base file's signature to a new version of
// the file, while the new version is read once, in chunks of any size.
// Memory: the loaded signature with its hash table (about 2.2 times the
// signature bytes, at most ~95 MiB) plus a few hundred KiB of buffers; never
// the file size.
#pragma once
#include <memory>

#include "core/common/bytes.h"
#include "core/common/result.h"
#include "core/delta/librsync_job.h"

namespace gb {

class DeltaBuilder {
 public:
  // Loads a signature made by SignatureBuilder. A truncated or damaged
  // signature gives ErrorKind::Corrupt. (librsync's format has no block
  // count: a signature cut exactly between blocks reads as the signature of
  // a shorter base, which yields a correct but larger delta.)
  static Result<DeltaBuilder> from_signature(ByteView signature);

  // Adds the next bytes of the new file and appends the delta bytes produced
  // so far to `delta_out`. Chunk boundaries do not change the delta.
  Status update(ByteView new_data, Bytes& delta_out);

  // Ends the new file and appends the rest of the delta. Call once.
  Status finish(Bytes& delta_out);

  // Bytes of the new file the delta carries literally (not copied from the
  // base) so far. A caller may give up on a delta that is mostly literal:
  // unmatched input is the slow path (~40 MB/s against ~500 MB/s).
  uint64_t literal_bytes() const { return static_cast<uint64_t>(job_.stats().lit_bytes); }

 private:
  struct FreeSignature {
    void operator()(rs_signature_t* s) const { rs_free_sumset(s); }
  };
  DeltaBuilder(std::unique_ptr<rs_signature_t, FreeSignature> sig, rs_job_t* job);
  Status feed(ByteView data, bool eof, Bytes& delta_out);

  std::unique_ptr<rs_signature_t, FreeSignature> signature_;  // the job points into it
  LibrsyncJob job_;
  Status status_;
};

}  // namespace gb
