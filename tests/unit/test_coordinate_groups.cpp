// Isometries in d dimensions and coordinate-symmetry groups given by generators.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "specavg/basis/isometry.hpp"
#include "specavg/basis/torus_fourier.hpp"
#include "specavg/group/coordinate_groups.hpp"
#include "specavg/group/point_group.hpp"

using namespace specavg;

namespace {

std::size_t order_of(const std::string& spec, int dim, bool torus = false, std::size_t cap = 100000) {
  auto elems = enumerate_isometries(generators_for_spec(spec, dim), cap, torus ? 2.0 : 0.0);
  EXPECT_TRUE(elems.has_value()) << spec << " d=" << dim;
  return elems ? elems->size() : 0;
}

// The error message of f(), or "" when it does not throw std::invalid_argument.
template <class F>
std::string message_of(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

Isometry shift1(double s, double p = 1.0) {
  Isometry g = isometry_identity(1);
  g.P[0] = p;
  g.t[0] = s;
  return g;
}

double max_diff(const Isometry& a, const Isometry& b) {
  double m = 0.0;
  for (std::size_t i = 0; i < a.P.size(); ++i) m = std::max(m, std::fabs(a.P[i] - b.P[i]));
  for (std::size_t i = 0; i < a.t.size(); ++i) m = std::max(m, std::fabs(a.t[i] - b.t[i]));
  return m;
}

// A rotation of R^3 with a shift, i.e. a general affine isometry.
Isometry rigid_motion() {
  Isometry g = isometry_from_mat3(rotation_about_axis(0.3, -1.2, 0.7, 2.1));
  g.t = {0.25, -0.5, 1.75};
  return g;
}

}  // namespace

TEST(CoordinateGroups, ClosedFormOrdersMatchClosure) {
  for (int d = 2; d <= 6; ++d) EXPECT_EQ(order_of("Sym", d), *closed_form_order("Sym", d)) << d;
  for (int d = 3; d <= 6; ++d) EXPECT_EQ(order_of("Alt", d), *closed_form_order("Alt", d)) << d;
  for (int d = 1; d <= 8; ++d) EXPECT_EQ(order_of("Cyc", d), *closed_form_order("Cyc", d)) << d;
  for (int d = 1; d <= 7; ++d) EXPECT_EQ(order_of("Dih", d), *closed_form_order("Dih", d)) << d;
  for (int d = 1; d <= 8; ++d) EXPECT_EQ(order_of("Signs", d), *closed_form_order("Signs", d)) << d;
  for (int d = 1; d <= 4; ++d) EXPECT_EQ(order_of("Hyperoct", d), *closed_form_order("Hyperoct", d)) << d;
  for (int d = 1; d <= 2; ++d) EXPECT_EQ(order_of("Alt", d), 1u) << d;
}

TEST(CoordinateGroups, ClosedFormValues) {
  EXPECT_EQ(*closed_form_order("Sym", 5), 120.0);
  EXPECT_EQ(*closed_form_order("Alt", 5), 60.0);
  EXPECT_EQ(*closed_form_order("Alt", 1), 1.0);
  EXPECT_EQ(*closed_form_order("Alt", 2), 1.0);
  EXPECT_EQ(*closed_form_order("Cyc", 7), 7.0);
  EXPECT_EQ(*closed_form_order("Dih", 7), 14.0);
  EXPECT_EQ(*closed_form_order("Dih", 2), 2.0);
  EXPECT_EQ(*closed_form_order("Dih", 1), 1.0);
  EXPECT_EQ(*closed_form_order("Signs", 10), 1024.0);
  EXPECT_EQ(*closed_form_order("Hyperoct", 3), 48.0);
  EXPECT_EQ(*closed_form_order(" Sym ", 20), 2432902008176640000.0);
  EXPECT_FALSE(closed_form_order("Ih", 3).has_value());
  EXPECT_FALSE(closed_form_order("Cyc,Signs", 4).has_value());
  EXPECT_FALSE(closed_form_order("Foo", 4).has_value());
}

TEST(CoordinateGroups, GeneratorCounts) {
  EXPECT_EQ(generators_for_spec("Sym", 10).size(), 2u);
  EXPECT_EQ(generators_for_spec("Sym", 2).size(), 1u);  // transposition = 2-cycle
  EXPECT_EQ(generators_for_spec("Sym", 1).size(), 0u);
  EXPECT_EQ(generators_for_spec("Alt", 2).size(), 0u);
  EXPECT_EQ(generators_for_spec("Alt", 3).size(), 1u);
  EXPECT_EQ(generators_for_spec("Cyc", 1).size(), 0u);
  EXPECT_EQ(generators_for_spec("Dih", 1).size(), 0u);
  EXPECT_EQ(generators_for_spec("Signs", 6).size(), 6u);
  EXPECT_EQ(generators_for_spec("Hyperoct", 1).size(), 1u);
  EXPECT_EQ(generators_for_spec("C1", 5).size(), 0u);
  EXPECT_EQ(generators_for_spec(" Cyc , Signs ", 4).size(), 5u);
}

TEST(CoordinateGroups, GeneratorsAreExactSignedPermutations) {
  for (const char* spec : {"Sym", "Alt", "Cyc", "Dih", "Signs", "Hyperoct"})
    for (int d = 1; d <= 7; ++d) {
      const auto gens = generators_for_spec(spec, d);
      for (const Isometry& g : gens) {
        ASSERT_EQ(g.dim, d);
        ASSERT_EQ(g.P.size(), std::size_t(d * d));
        ASSERT_EQ(g.t.size(), std::size_t(d));
        for (double v : g.P) EXPECT_TRUE(v == 0.0 || v == 1.0 || v == -1.0);
        for (double v : g.t) EXPECT_EQ(v, 0.0);
      }
      EXPECT_NO_THROW(validate_torus_isometries(gens, spec, 0.0));
      EXPECT_NO_THROW(validate_sphere_isometries(gens, spec, 0.0));
    }
}

TEST(CoordinateGroups, CombinedAndSchoenflies) {
  EXPECT_EQ(order_of("Cyc,Signs", 4), 64u);
  EXPECT_EQ(order_of("Sym,Signs", 3), 48u);
  EXPECT_EQ(order_of("Ih", 3), 120u);
  EXPECT_EQ(order_of("Oh", 3), 48u);
  EXPECT_EQ(order_of("C6,Cs", 3), 12u);
  EXPECT_EQ(order_of("Hyperoct", 3, /*torus=*/true), 48u);
  EXPECT_NO_THROW(validate_sphere_isometries(generators_for_spec("Ih", 3), "-group Ih"));
}

TEST(CoordinateGroups, SpecErrors) {
  const std::string ih = message_of([] { generators_for_spec("Ih", 4); });
  EXPECT_NE(ih.find("'Ih' is a point group of S² and needs -dim 3"), std::string::npos) << ih;
  const std::string unknown = message_of([] { generators_for_spec("Cyc,Foo", 4); });
  EXPECT_NE(unknown.find("'Foo'"), std::string::npos) << unknown;
  for (const char* name : {"Sym", "Alt", "Cyc", "Dih", "Signs", "Hyperoct"})
    EXPECT_NE(unknown.find(name), std::string::npos) << unknown;
  const std::string unknown3 = message_of([] { generators_for_spec("sym", 3); });
  EXPECT_NE(unknown3.find("'sym'"), std::string::npos) << unknown3;
  EXPECT_NE(unknown3.find("Ih"), std::string::npos) << unknown3;
  EXPECT_NE(message_of([] { generators_for_spec("Sym,,Signs", 4); }).find("empty"), std::string::npos);
  EXPECT_NE(message_of([] { generators_for_spec("", 4); }).find("empty"), std::string::npos);
  EXPECT_NE(message_of([] { generators_for_spec("Sym", 0); }), "");
  EXPECT_NE(message_of([] { closed_form_order("Sym", 0); }), "");
}

TEST(Isometry, ComposeInverseApply) {
  const Isometry a = rigid_motion();
  Isometry b = isometry_from_mat3(rotation_about_axis(1, 1, 0, 0.4));
  b.t = {-0.3, 0.0, 2.5};
  const Isometry id = isometry_identity(3);
  EXPECT_LE(max_diff(isometry_compose(a, isometry_inverse(a)), id), 1e-15);
  EXPECT_LE(max_diff(isometry_compose(isometry_inverse(a), a), id), 1e-15);
  EXPECT_LE(max_diff(isometry_compose(b, isometry_inverse(b)), id), 1e-15);
  EXPECT_LE(max_diff(isometry_compose(a, id), a), 0.0);
  EXPECT_LE(max_diff(isometry_compose(id, a), a), 0.0);

  // compose(a, b) applies b first; apply may work in place.
  const double x[3] = {0.3, -0.8, 0.52};
  double ab[3], bx[3], abx[3], inplace[3] = {x[0], x[1], x[2]};
  isometry_apply(isometry_compose(a, b), x, ab);
  isometry_apply(b, x, bx);
  isometry_apply(a, bx, abx);
  isometry_apply(b, inplace, inplace);
  isometry_apply(a, inplace, inplace);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(ab[i], abx[i], 1e-15);
    EXPECT_EQ(inplace[i], abx[i]);
  }
  // The inverse undoes the map: x → Pᵀ(x − t).
  double back[3];
  isometry_apply(isometry_inverse(a), abx, back);
  isometry_apply(isometry_inverse(b), back, back);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(back[i], x[i], 1e-15);

  // Empty t means 0; a 20-dimensional map exercises the heap path of apply.
  Isometry p = generators_for_spec("Cyc", 20)[0];
  p.t.clear();
  std::vector<double> v(20);
  for (int i = 0; i < 20; ++i) v[std::size_t(i)] = i;
  isometry_apply(p, v.data(), v.data());
  for (int i = 0; i < 20; ++i) EXPECT_EQ(v[std::size_t(i)], (i + 1) % 20);
  EXPECT_THROW(isometry_compose(id, isometry_identity(2)), std::invalid_argument);
}

TEST(Isometry, TorusWrap) {
  EXPECT_EQ(torus_wrap(1.0), -1.0);
  EXPECT_EQ(torus_wrap(-1.0), -1.0);
  EXPECT_EQ(torus_wrap(3.25), -0.75);
  EXPECT_EQ(torus_wrap(-3.25), 0.75);
  EXPECT_EQ(torus_wrap(0.5), 0.5);
  EXPECT_EQ(torus_wrap(2.0), 0.0);
  EXPECT_EQ(torus_wrap(-2.0), 0.0);
  EXPECT_EQ(torus_wrap(1e17 + 0.0), 0.0);  // large even number
  EXPECT_EQ(torus_wrap(1e15 + 1.5), -0.5);
  for (double v : {-7.3, -1.0000001, -0.999, 0.999999999, 1.0000001, 5.5, 1e9 + 0.125}) {
    const double w = torus_wrap(v);
    EXPECT_GE(w, -1.0) << v;
    EXPECT_LT(w, 1.0) << v;
    const double k = (v - w) / 2.0;
    EXPECT_NEAR(k, std::round(k), 1e-6) << v;
  }
  EXPECT_TRUE(std::isnan(torus_wrap(std::numeric_limits<double>::infinity())));
}

TEST(Isometry, TorusClosureWithShifts) {
  auto order = [](const std::vector<Isometry>& gens) {
    auto e = enumerate_isometries(gens, 10000, /*period=*/2.0);
    EXPECT_TRUE(e.has_value());
    return e ? e->size() : 0;
  };
  EXPECT_EQ(order({shift1(0.5)}), 4u);
  EXPECT_EQ(order({shift1(1.0)}), 2u);  // −1 and 1 are the same shift
  EXPECT_EQ(order({shift1(3.0)}), 2u);
  EXPECT_EQ(order({shift1(1.0 / 3.0)}), 6u);
  EXPECT_EQ(order({shift1(2.0 / 3.0)}), 3u);
  EXPECT_EQ(order({shift1(0.1)}), 20u);  // accumulates rounding near the wrap point
  EXPECT_EQ(order({shift1(1.0 / 7.0)}), 14u);
  EXPECT_EQ(order({shift1(0.5), shift1(0.0, -1.0)}), 8u);  // translations and x → −x
  EXPECT_EQ(order({shift1(0.25, -1.0)}), 2u);              // a reflection about 0.125
  // Swap of two coordinates and a half shift of x_0: 16 translations × 2.
  auto gens = generators_for_spec("Cyc", 2);
  Isometry s = isometry_identity(2);
  s.t[0] = 0.5;
  gens.push_back(s);
  EXPECT_EQ(order(gens), 32u);
  const auto elems = enumerate_isometries(gens, 100, 2.0);
  ASSERT_TRUE(elems.has_value());
  for (const Isometry& e : *elems)
    for (double v : e.t) EXPECT_TRUE(v >= -1.0 && v < 1.0);
  // An irrational shift generates an infinite group: the cap is hit.
  EXPECT_FALSE(enumerate_isometries({shift1(std::sqrt(2.0) - 1.0)}, 500, 2.0).has_value());
}

TEST(Isometry, EnumerationEdgeCases) {
  auto none = enumerate_isometries({}, 10, 0.0);
  ASSERT_TRUE(none.has_value());
  ASSERT_EQ(none->size(), 1u);
  EXPECT_EQ((*none)[0].dim, 0);
  EXPECT_FALSE(enumerate_isometries(generators_for_spec("Sym", 6), 100, 0.0).has_value());
  EXPECT_FALSE(enumerate_isometries({}, 0, 0.0).has_value());
  // A rotation by 0.3 rad of the plane has infinite order.
  Isometry r = isometry_identity(2);
  r.P = {std::cos(0.3), -std::sin(0.3), std::sin(0.3), std::cos(0.3)};
  EXPECT_FALSE(enumerate_isometries({r}, 1000, 0.0).has_value());
  Isometry nan = isometry_identity(2);
  nan.P[1] = std::nan("");
  EXPECT_FALSE(enumerate_isometries({nan}, 1000, 0.0).has_value());
  Isometry grow = isometry_identity(1);
  grow.P[0] = 2.0;
  EXPECT_FALSE(enumerate_isometries({grow}, 1000, 0.0).has_value());
  EXPECT_THROW(enumerate_isometries({isometry_identity(2), isometry_identity(3)}, 10, 0.0), std::invalid_argument);
  // Rotations by 2π/7 (inexact entries) close to 7 elements.
  Isometry r7 = isometry_identity(2);
  const double a = 2.0 * std::acos(-1.0) / 7.0;
  r7.P = {std::cos(a), -std::sin(a), std::sin(a), std::cos(a)};
  EXPECT_EQ(enumerate_isometries({r7}, 1000, 0.0)->size(), 7u);
}

TEST(Isometry, Validation) {
  const std::string src = "group file 'g.h5'";
  // Non-orthogonal, generator index 2.
  std::vector<Isometry> gens = {isometry_identity(3), isometry_identity(3), isometry_identity(3)};
  gens[2].P[0] = 1.3;
  std::string m = message_of([&] { validate_sphere_isometries(gens, src); });
  EXPECT_NE(m.find("generator 2 from group file 'g.h5' is not orthogonal"), std::string::npos) << m;
  EXPECT_NE(m.find("orthogonal 3×3 matrix"), std::string::npos) << m;
  // NaN.
  gens[2] = isometry_identity(3);
  gens[1].P[4] = std::nan("");
  m = message_of([&] { validate_sphere_isometries(gens, src); });
  EXPECT_NE(m.find("generator 1"), std::string::npos) << m;
  EXPECT_NE(m.find("non-finite"), std::string::npos) << m;
  EXPECT_NE(message_of([&] { validate_torus_isometries(gens, src); }).find("non-finite"), std::string::npos);
  // A shift on the sphere.
  gens[1] = isometry_identity(3);
  gens[0].t[1] = 0.5;
  m = message_of([&] { validate_sphere_isometries(gens, src); });
  EXPECT_NE(m.find("generator 0"), std::string::npos) << m;
  EXPECT_NE(m.find("only make sense on the torus"), std::string::npos) << m;
  // ... which the torus accepts, with any shift, together with signed permutations.
  gens[0].t = {0.5, -7.25, 1e6};
  gens[1] = generators_for_spec("Hyperoct", 3)[0];
  EXPECT_NO_THROW(validate_torus_isometries(gens, src));
  // Not a signed permutation on the torus: a rotation by 0.3 (orthogonal, so fine on S¹).
  Isometry r = isometry_identity(2);
  r.P = {std::cos(0.3), -std::sin(0.3), std::sin(0.3), std::cos(0.3)};
  EXPECT_NO_THROW(validate_sphere_isometries({r}, src));
  m = message_of([&] { validate_torus_isometries({r}, src); });
  EXPECT_NE(m.find("generator 0 from group file 'g.h5'"), std::string::npos) << m;
  EXPECT_NE(m.find("signed permutation"), std::string::npos) << m;
  Isometry twice = isometry_identity(2);
  twice.P = {1, 0, 1, 0};  // two ones in column 0, none in column 1
  m = message_of([&] { validate_torus_isometries({isometry_identity(2), twice}, src); });
  EXPECT_NE(m.find("generator 1"), std::string::npos) << m;
  EXPECT_NE(m.find("column"), std::string::npos) << m;
  Isometry near = isometry_identity(2);
  near.P = {1e-12, 1 - 1e-12, -1, 0};
  EXPECT_NO_THROW(validate_torus_isometries({near}, src));
  // Wrong shapes: P size, t size, mixed dimensions, dimension 0.
  Isometry bad = isometry_identity(3);
  bad.P.pop_back();
  EXPECT_NE(message_of([&] { validate_sphere_isometries({bad}, src); }).find("malformed"), std::string::npos);
  bad = isometry_identity(3);
  bad.t = {0, 0};
  EXPECT_NE(message_of([&] { validate_torus_isometries({bad}, src); }).find("malformed"), std::string::npos);
  bad.t.clear();  // empty t is fine
  EXPECT_NO_THROW(validate_sphere_isometries({bad}, src));
  m = message_of([&] { validate_sphere_isometries({isometry_identity(3), isometry_identity(4)}, src); });
  EXPECT_NE(m.find("generator 1"), std::string::npos) << m;
  EXPECT_NE(m.find("dimension 4"), std::string::npos) << m;
  EXPECT_NE(message_of([&] { validate_torus_isometries({isometry_identity(0)}, src); }), "");
  EXPECT_NO_THROW(validate_sphere_isometries({}, src));
}
