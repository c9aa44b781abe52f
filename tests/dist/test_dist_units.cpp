// The pieces of data-parallel training that need no second process: how a
// batch is shared, what one rank's dropout draws, the single-process job.
#include <doctest/doctest.h>

#include <cstdlib>

#include "dist/communicator.h"
#include "dist/launcher_env.h"
#include "engine/ops.h"
#include "engine/random.h"

using namespace nlammr;

TEST_CASE("shares cover a batch in order and differ by at most one item") {
  for (size_t n : {0, 1, 5, 8, 13}) {
    for (int ranks : {1, 2, 3, 4}) {
      size_t next = 0;
      for (int r = 0; r < ranks; ++r) {
        const dist::Share s = dist::share_of(n, r, ranks);
        CHECK(s.begin == next);
        CHECK(s.size() >= n / static_cast<size_t>(ranks));
        CHECK(s.size() <= n / static_cast<size_t>(ranks) + 1);
        next = s.end;
      }
      CHECK(next == n);
    }
  }
  CHECK(dist::share_of(5, 0, 2).size() == 3);  // the first ranks take the remainder
  CHECK_THROWS(dist::share_of(5, 2, 2));
}

TEST_CASE("a rank's dropout rows are the rows one process draws for the whole batch") {
  const int64_t batch = 7, width = 5;
  Tensor ones = Tensor::ones({batch, width});
  // Two calls in one process: the second batch's draws follow the first's.
  Generator reference(42);
  const std::vector<float> first = dropout(ones, 0.5, true, reference).to_vector<float>();
  const std::vector<float> second = dropout(ones, 0.5, true, reference).to_vector<float>();
  for (int ranks : {2, 3}) {
    for (int r = 0; r < ranks; ++r) {
      const dist::Share s = dist::share_of(static_cast<size_t>(batch), r, ranks);
      Generator gen(42);
      Tensor mine = Tensor::ones({static_cast<int64_t>(s.size()), width});
      std::vector<float> a, b;
      {
        RowShardGuard shard(gen, s.begin, s.size(), batch);
        a = dropout(mine, 0.5, true, gen).to_vector<float>();
        b = dropout(mine, 0.5, true, gen).to_vector<float>();
      }
      CHECK(gen.offset() == reference.offset());  // the whole batch's counters are consumed
      for (size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i] == first[s.begin * width + i]);
        CHECK(b[i] == second[s.begin * width + i]);
      }
    }
  }
}

TEST_CASE("a row shard rejects a tensor that is not the shard's rows") {
  Generator gen(1);
  RowShardGuard shard(gen, 2, 3, 8);
  CHECK_THROWS_WITH(dropout(Tensor::ones({4, 2}), 0.5, true, gen), doctest::Contains("not 3 batch rows"));
  CHECK_THROWS(Generator(1).set_row_shard(6, 3, 8));
}

TEST_CASE("the single-process job: rank 0 of 1, collectives leave data as it is") {
  dist::Communicator& one = dist::single_process();
  CHECK(one.rank() == 0);
  CHECK(one.size() == 1);
  std::vector<float> v = {1.5f, -2.0f};
  one.allreduce_sum(v.data(), v.size());
  CHECK(v == std::vector<float>{1.5f, -2.0f});
  CHECK(dist::allgather_values(one, std::vector<double>{3.0, 4.0}) == std::vector<double>{3.0, 4.0});
  const std::vector<std::vector<char>> parts = one.gather({'a', 'b'}, 0);
  REQUIRE(parts.size() == 1);
  CHECK(parts[0] == std::vector<char>{'a', 'b'});
}

TEST_CASE("launcher variables give the rank, the size and the place on the node") {
  ::setenv("OMPI_COMM_WORLD_RANK", "3", 1);
  ::setenv("OMPI_COMM_WORLD_SIZE", "4", 1);
  ::setenv("OMPI_COMM_WORLD_LOCAL_RANK", "1", 1);
  dist::LauncherEnv env = dist::read_launcher_env();
  CHECK(env.launched);
  CHECK(env.rank == 3);
  CHECK(env.size == 4);
  CHECK(env.local_rank == 1);
  ::setenv("OMPI_COMM_WORLD_SIZE", "four", 1);
  CHECK_THROWS_WITH(dist::read_launcher_env(), doctest::Contains("OMPI_COMM_WORLD_SIZE='four'"));
  for (const char* v : {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK"}) ::unsetenv(v);
}
