// HDF5 ids are owned (io/h5_handle.hpp): no error path of a reader leaves an id, or
// through it a file, open.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstdio>

#include "mpi_test_util.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/io/model_file.hpp"
#include "specavg/parallel/train.hpp"

namespace specavg {
namespace {

using test::scratch;
using test::world_rank;

long long open_ids() {
  return (long long)H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
}

// Runs `op` with PETSc's error printing off; returns its error code.
template <typename F>
PetscErrorCode quietly(F op) {
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
  const PetscErrorCode err = op();
  PetscPopErrorHandler();
  return err;
}

TEST(H5OwnershipMPI, FailedReadsLeaveNothingOpen) {
  SynthConfig c;
  c.n = 600;
  c.generators = generators_for_spec("D3", 3);
  c.output = scratch("own_data.h5");
  ASSERT_EQ(synthesize(PETSC_COMM_WORLD, c), 0);
  TrainOptions o;
  o.data = c.output;
  o.group = "D3";
  o.cutoff.lmax = 6;
  o.verbose = false;
  Model m;
  TrainReport rep;
  ASSERT_EQ(train_model(PETSC_COMM_WORLD, o, &m, &rep), 0);
  const std::string model = scratch("own_model.h5"), broken = scratch("own_broken.h5");
  ASSERT_EQ(write_model(PETSC_COMM_WORLD, m, model), 0);
  // A model whose provenance group lacks an attribute: the reader fails inside a group.
  if (world_rank() == 0) {
    std::FILE* in = std::fopen(model.c_str(), "rb");
    std::FILE* out = std::fopen(broken.c_str(), "wb");
    char buf[4096];
    for (std::size_t k; (k = std::fread(buf, 1, sizeof buf, in)) > 0;) std::fwrite(buf, 1, k, out);
    std::fclose(in);
    std::fclose(out);
    hid_t f = H5Fopen(broken.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t p = H5Gopen2(f, "provenance", H5P_DEFAULT);
    EXPECT_GE(H5Adelete(p, "version"), 0);
    H5Gclose(p);
    H5Fclose(f);
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  // Data without values, with a fill value, and an empty generator file.
  const std::string novalues = scratch("own_novalues.h5"), fill = scratch("own_fill.h5"),
                    nogens = scratch("own_nogens.h5");
  {
    PetscInt b, cnt;
    row_block(PETSC_COMM_WORLD, 50, &b, &cnt);
    std::vector<double> p(3 * cnt, 0.0), v(cnt, 1e20);
    for (PetscInt i = 0; i < cnt; ++i) p[3 * i + 2] = 1.0;
    H5Writer w;
    ASSERT_EQ(w.create(PETSC_COMM_WORLD, novalues), 0);
    ASSERT_EQ(w.create_dataset("points", {50, 3}), 0);
    ASSERT_EQ(w.write_rows("points", b, cnt, p.data()), 0);
    ASSERT_EQ(w.commit(), 0);
    H5Writer f;
    ASSERT_EQ(f.create(PETSC_COMM_WORLD, fill), 0);
    ASSERT_EQ(f.create_dataset("points", {50, 3}), 0);
    ASSERT_EQ(f.create_dataset("values", {50}), 0);
    ASSERT_EQ(f.write_rows("points", b, cnt, p.data()), 0);
    ASSERT_EQ(f.write_rows("values", b, cnt, v.data()), 0);
    ASSERT_EQ(f.commit(), 0);
    H5Writer g;
    ASSERT_EQ(g.create(PETSC_COMM_WORLD, nogens), 0);
    ASSERT_EQ(g.create_dataset("generators", {0, 3}), 0);  // wrong rank as well as empty
    ASSERT_EQ(g.commit(), 0);
  }
  const ManifoldPtr S2_ptr = make_manifold("s2", 3);
  const Manifold& S2 = *S2_ptr;
  const long long before = open_ids();
  Model back;
  LocalData d;
  std::vector<Isometry> gens;
  EXPECT_NE(quietly([&] { return read_model(PETSC_COMM_WORLD, broken, &back); }), 0);
  EXPECT_EQ(open_ids(), before) << "read_model error path";
  EXPECT_NE(quietly([&] { return test::read_rows(novalues, "-data", ValuesNeed::Required, S2, &d); }), 0);
  EXPECT_EQ(open_ids(), before) << "missing dataset";
  EXPECT_NE(quietly([&] { return test::read_rows(fill, "-data", ValuesNeed::Required, S2, &d); }), 0);
  EXPECT_EQ(open_ids(), before) << "invalid rows";
  EXPECT_NE(quietly([&] { return read_generator_file(PETSC_COMM_WORLD, nogens, S2, &gens); }), 0);
  EXPECT_EQ(open_ids(), before) << "generator file";
  EXPECT_EQ(read_model(PETSC_COMM_WORLD, model, &back), 0);
  EXPECT_EQ(test::read_rows(c.output, "-data", ValuesNeed::Required, S2, &d), 0);
  EXPECT_EQ(open_ids(), before) << "success paths";
}

}  // namespace
}  // namespace specavg
