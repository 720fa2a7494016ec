// Worker queue throughput: WORKERS threads, each with its own store connection (as separate
// `crossdock worker` processes have), claim queued runs and finish them at once until the
// queue is empty or SECONDS pass; prints claims per second. Plain timing, not a Google
// Benchmark: bench/scale.sh fills the queue with SQL before each call.
//
//   claim_throughput DB WORKERS SECONDS
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "crossdock/store/store.h"
#include "crossdock/sync/jobs/job_store.h"

using namespace crossdock;

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DB WORKERS SECONDS\n", argv[0]);
    return 2;
  }
  std::string db = argv[1];
  int workers = std::atoi(argv[2]);
  double seconds = std::atof(argv[3]);
  std::vector<std::unique_ptr<store::Store>> stores;
  std::vector<std::unique_ptr<sync::JobStore>> jobs;
  for (int i = 0; i < workers; ++i) {
    store::StoreOptions options;
    options.location = db;
    auto s = store::OpenStore(std::move(options));
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.error().ToString().c_str());
      return 1;
    }
    auto j = sync::JobStore::Open(**s, SystemClock::Instance());
    if (!j.ok()) {
      std::fprintf(stderr, "%s\n", j.error().ToString().c_str());
      return 1;
    }
    stores.push_back(std::move(*s));
    jobs.push_back(std::move(*j));
  }
  std::atomic<long> claims{0}, errors{0};
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) {
    threads.emplace_back([&, i] {
      std::string id = "bench-" + std::to_string(i);
      while (std::chrono::steady_clock::now() < deadline) {
        auto run = jobs[i]->ClaimRun(id, {});
        if (!run.ok()) {
          ++errors;  // e.g. SQLite busy: retried
          continue;
        }
        if (!*run) return;  // the queue is empty
        if (jobs[i]->FinishRun(**run, sync::RunEnd{}).ok()) ++claims;
      }
    });
  }
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("workers=%d claims=%ld errors=%ld seconds=%.2f claims_per_s=%.0f\n", workers,
              claims.load(), errors.load(), elapsed, claims.load() / elapsed);
  return 0;
}
