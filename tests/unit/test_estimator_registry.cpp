// The estimator seam: every registered estimator is found by its name, answers the
// questions the pipeline asks, and predicts what its model says.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <stdexcept>
#include <string>

#include "specavg/estimate/estimator.hpp"
#include "specavg/estimate/krr_model.hpp"
#include "specavg/estimate/model.hpp"
#include "specavg/group/coordinate_groups.hpp"

namespace specavg {
namespace {

TEST(EstimatorRegistry, NamesAreUniqueAndFoundBack) {
  std::set<std::string> names;
  for (const Estimator* e : registered_estimators()) {
    EXPECT_TRUE(names.insert(e->name()).second) << e->name();
    EXPECT_EQ(&find_estimator(e->name()), e);
    EXPECT_GT(std::string(e->summary()).size(), 10u) << e->name();
  }
  EXPECT_EQ(names, (std::set<std::string>{"ridge", "spectral", "krr", "krr-ga", "krr-aug"}));
}

TEST(EstimatorRegistry, UnknownNameListsTheRegisteredOnes) {
  try {
    (void)find_estimator("lasso");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("'lasso'"), std::string::npos) << msg;
    EXPECT_NE(msg.find(estimator_names()), std::string::npos) << msg;
  }
}

TEST(EstimatorRegistry, PropertiesMatchTheMathematics) {
  EXPECT_TRUE(ridge_estimator().penalized());
  EXPECT_FALSE(spectral_estimator().penalized());
  for (const Estimator* e : {&ridge_estimator(), &spectral_estimator()}) {
    EXPECT_TRUE(e->uses_invariant_basis());
    EXPECT_TRUE(e->exactly_invariant());
    EXPECT_FALSE(e->enumerates_group());
    EXPECT_THROW((void)as_kernel_ridge(*e), std::invalid_argument);
  }
  EXPECT_FALSE(krr_estimator().needs_group());  // plain KRR ignores the group
  EXPECT_FALSE(krr_estimator().exactly_invariant());
  EXPECT_TRUE(krr_group_averaged_estimator().exactly_invariant());
  EXPECT_TRUE(as_kernel_ridge(krr_group_averaged_estimator()).averages_kernel());
  EXPECT_TRUE(as_kernel_ridge(krr_augmented_estimator()).augments_data());
  EXPECT_FALSE(krr_augmented_estimator().exactly_invariant());
  for (const Estimator* e : {&krr_estimator(), &krr_group_averaged_estimator(), &krr_augmented_estimator()})
    EXPECT_FALSE(e->uses_invariant_basis()) << e->name();
}

// Model::predict goes through the estimator: an invariant expansion evaluates ψᵀa, so the
// prediction is G-invariant and equals the coefficient of the constant feature (≡ ±1: bases are orthonormal for
// the normalized measure) at lmax 0.
TEST(EstimatorRegistry, InvariantExpansionPredictsPsiTimesCoefficients) {
  Model m;
  m.estimator = &ridge_estimator();
  Cutoff c;
  c.lmax = 0;
  m.basis = build_invariant_basis(*make_manifold("s2", 3), c, generators_for_spec("Ih", 3));
  ASSERT_EQ(m.basis.dinv(), 1);
  m.ntargets = 2;
  m.coef = {2.0, -3.0};
  const double x[6] = {1, 0, 0, 0, 0.6, 0.8};
  const double y00 = m.basis.spaces[0].Q[0];  // ψ_0 = Q·Y_00 with Y_00 = 1, |Q| = 1
  EXPECT_NEAR(std::fabs(y00), 1.0, 1e-14);
  double out[4];
  m.predict(x, 2, out);
  for (int i = 0; i < 2; ++i) {
    EXPECT_NEAR(out[2 * i], 2.0 * y00, 1e-14);
    EXPECT_NEAR(out[2 * i + 1], -3.0 * y00, 1e-14);
  }
}

}  // namespace
}  // namespace specavg
