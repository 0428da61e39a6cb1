// UploadOptions::keep_going (core/upload/uploader.h): the service's pause
// ends a running upload at its next file, what it read committed and the
// rest left queued, and a later run drains the rest.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "core/backup/backup_run.h"
#include "core/queue/upload_queue.h"
#include "core/upload/uploader.h"
#include "tests/unit/test_support.h"

using namespace gb;

TEST_CASE_FIXTURE(gb::test::ScratchRepository, "uploader: keep_going false stops the run at the next file; the rest stays queued") {
  std::string src = dir.path + "/src";
  std::filesystem::create_directories(src);
  for (int i = 0; i < 5; ++i) std::ofstream(src + "/f" + std::to_string(i)) << "content of file " << i << std::string(1000, 'x' + i);
  auto queue = UploadQueue::open(dir.path + "/queue.db");
  REQUIRE(queue);
  BackupOptions b;
  b.paths = {src};
  b.hostname = "h";
  b.username = "u";
  b.upload = false;
  b.queue = queue->get();
  BackupProgress bp;
  REQUIRE(run_backup(*repo, b, bp));
  REQUIRE((*queue)->stats()->jobs == 5);

  UploadOptions o;
  int asked = 0;
  o.keep_going = [&] { return ++asked <= 2; };
  UploadProgress p;
  auto cut = run_upload(*repo, **queue, o, p);
  REQUIRE(cut);
  CHECK(cut->stopped);
  CHECK(cut->uploaded_files == 2);
  CHECK(asked == 3);
  CHECK((*queue)->stats()->jobs == 3);  // the two read are committed and gone from the queue

  UploadOptions all;
  UploadProgress p2;
  auto rest = run_upload(*repo, **queue, all, p2);
  REQUIRE(rest);
  CHECK(!rest->stopped);
  CHECK(rest->uploaded_files == 3);
  CHECK((*queue)->stats()->jobs == 0);
}
