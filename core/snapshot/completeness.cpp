#include "core/snapshot/completeness.h"

#include "core/snapshot/snapshot_store.h"
#include "core/snapshot/view_reader.h"

namespace gb {

Result<Completeness> snapshot_completeness(Repository& repo, const Snapshot& snapshot) {
  SnapshotStore store(repo);
  GB_ASSIGN(auto logs, store.chain(snapshot));
  ViewReader view(repo, logs);
  Completeness c;
  Entry e;
  for (;;) {
    GB_ASSIGN(bool more, view.next(e));
    if (!more) break;
    if (e.type == NodeType::File && !repo.content_present(e.content, e.size)) {
      ++c.pending_files;
      c.pending_bytes += e.size;
    }
  }
  return c;
}

}  // namespace gb
