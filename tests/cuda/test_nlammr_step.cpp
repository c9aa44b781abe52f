// One NLA-MMR training step (text towers, GIN over the medication graphs,
// the four losses, backward, Adam) on the GPU device against the same step
// on the CPU. On the simulator this is the whole CUDA code path of training,
// executed and checked on every commit.
#include "models/nlammr/training/trainer.h"
#include "tests/cuda/cuda_test_support.h"
#include "tests/nlammr/nlammr_test_support.h"

using namespace nlammr;
using namespace nlammr::testing;

TEST_CASE("an NLA-MMR training step on the GPU device matches the CPU step") {
  NLAMMR_REQUIRE_CUDA();
  NlammrConfig model;
  model.latent_dim = 16;
  model.gnn_dim = 8;
  model.gnn_layers = 2;
  TrainConfig train;
  train.batch_size = 4;
  train.lr = 5e-3;
  train.lr_scale = 1.0;
  NlammrData cpu_data(tiny_training_cohort(), hashing_encoder(), "concat", Device::cpu());
  NlammrData gpu_data(tiny_training_cohort(), hashing_encoder(), "concat", gpu_device());
  Trainer initial(cpu_data, model, train, {});
  Trainer cpu(cpu_data, model, train, {});
  Trainer gpu(gpu_data, model, train, {});
  cpu.model().train(true);
  gpu.model().train(true);
  const std::vector<int64_t> visits = cpu_data.index.visits_of(cpu_data.split.train);
  REQUIRE(visits.size() >= 4);
  const std::vector<int64_t> batch(visits.begin(), visits.begin() + 4);

  const LossTerms a = cpu.train_step(batch);
  const LossTerms b = gpu.train_step(batch);
  // Float32 throughout; the two devices add in different orders (cuBLAS or
  // its stand-in against the CPU's blocked GEMM), hence a tolerance.
  CHECK(b.bce == doctest::Approx(a.bce).epsilon(1e-5));
  CHECK(b.margin == doctest::Approx(a.margin).epsilon(1e-5));
  CHECK(b.contrastive == doctest::Approx(a.contrastive).epsilon(1e-5));
  CHECK(b.ddi == doctest::Approx(a.ddi).epsilon(1e-5));
  CHECK(std::isfinite(b.bce + b.margin + b.contrastive + b.ddi));

  // The parameters after the Adam update (which moved them: the comparison
  // below is not one of untouched initial values).
  const auto p0 = initial.model().named_parameters();
  bool moved = false;
  for (size_t i = 0; i < p0.size() && !moved; ++i)
    moved = p0[i].second.to_vector<float>() != cpu.model().named_parameters()[i].second.to_vector<float>();
  CHECK(moved);
  const auto pa = cpu.model().named_parameters();
  const auto pb = gpu.model().named_parameters();
  REQUIRE(pa.size() == pb.size());
  REQUIRE(!pa.empty());
  for (size_t i = 0; i < pa.size(); ++i) {
    REQUIRE(pa[i].first == pb[i].first);
    CHECK(pb[i].second.device() == gpu_device());
    check_close(pb[i].second, pa[i].second, {1e-4, 1e-5}, "parameter " + pa[i].first + " after one step");
  }
}
