// Point groups: spec parsing, generator validation, enumeration by closure.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "specavg/group/point_group.hpp"

namespace specavg {
namespace {

double det3(const Mat3& g) {
  return g[0] * (g[4] * g[8] - g[5] * g[7]) - g[1] * (g[3] * g[8] - g[5] * g[6]) + g[2] * (g[3] * g[7] - g[4] * g[6]);
}

double max_diff(const Mat3& a, const Mat3& b) {
  double d = 0;
  for (int i = 0; i < 9; ++i) d = std::max(d, std::fabs(a[i] - b[i]));
  return d;
}

std::size_t order_of(const std::string& spec) {
  const auto g = enumerate_group(generators_from_spec(spec), 100000);
  return g ? g->size() : 0;
}

bool contains(const std::vector<Mat3>& elems, const Mat3& g) {
  for (const Mat3& e : elems)
    if (max_diff(e, g) < 1e-12) return true;
  return false;
}

// Every element maps the point set onto itself.
void expect_preserves(const std::string& spec, const std::vector<std::array<double, 3>>& pts) {
  const auto G = enumerate_group(generators_from_spec(spec), 1000);
  ASSERT_TRUE(G.has_value());
  for (const Mat3& g : *G)
    for (const auto& p : pts) {
      double y[3];
      mat3_apply(g, p.data(), y);
      bool found = false;
      for (const auto& q : pts)
        found |= std::fabs(y[0] - q[0]) + std::fabs(y[1] - q[1]) + std::fabs(y[2] - q[2]) < 1e-12;
      EXPECT_TRUE(found) << spec;
    }
}

TEST(PointGroup, Mat3Helpers) {
  const Mat3 a = {1, 2, 3, 4, 5, 6, 7, 8, 10};
  EXPECT_EQ(mat3_mul(a, mat3_identity()), a);
  EXPECT_EQ(mat3_mul(mat3_identity(), a), a);
  const Mat3 at = mat3_transpose(a);
  EXPECT_EQ(at[1], 4.0);
  EXPECT_EQ(at[6], 3.0);
  const Mat3 aat = mat3_mul(a, at);
  EXPECT_EQ(aat[0], 14.0);  // row 0 · row 0
  EXPECT_EQ(aat[1], 32.0);  // row 0 · row 1
  const double x[3] = {1, -1, 2};
  double y[3];
  mat3_apply(a, x, y);
  EXPECT_EQ(y[0], 5.0);
  EXPECT_EQ(y[2], 19.0);
}

TEST(PointGroup, RotationAboutAxis) {
  const double pi = std::acos(-1.0);
  const Mat3 rz = rotation_about_axis(0, 0, 5, pi / 2);  // axis is normalized
  EXPECT_LT(max_diff(rz, Mat3{0, -1, 0, 1, 0, 0, 0, 0, 1}), 1e-15);
  // 120° about (1,1,1) sends x → y → z → x.
  const Mat3 r3 = rotation_about_axis(2, 2, 2, 2 * pi / 3);
  EXPECT_LT(max_diff(r3, Mat3{0, 0, 1, 1, 0, 0, 0, 1, 0}), 1e-15);
  const Mat3 r = rotation_about_axis(0.3, -1.2, 0.7, 1.234);
  EXPECT_NEAR(det3(r), 1.0, 1e-14);
  EXPECT_LT(max_diff(mat3_mul(mat3_transpose(r), r), mat3_identity()), 1e-15);
  EXPECT_THROW(rotation_about_axis(0, 0, 0, 1.0), std::invalid_argument);
}

TEST(PointGroup, OrdersByClosure) {
  const std::pair<const char*, std::size_t> cases[] = {
      {"C1", 1},     {"C5", 5},   {"D6", 12},  {"C4v", 8},        {"C3h", 6},   {"T", 12},    {"Td", 24},
      {"Th", 24},    {"O", 24},   {"Oh", 48},  {"I", 60},         {"Ih", 120},  {"Ci", 2},    {"Cs", 2},
      {"C6,Cs", 12}, {"C2", 2},   {"D1", 2},   {"D2", 4},         {"C1h", 2},   {"C1v", 2},   {"C17", 17},
      {"D7", 14},    {"C6h", 12}, {"C6v", 12}, {" Oh , Ci ", 48}, {"C1,C1", 1}, {"O,Ci", 48}, {"T,C4", 24}};
  for (const auto& c : cases) EXPECT_EQ(order_of(c.first), c.second) << c.first;
}

TEST(PointGroup, GeneratorsAreOrthogonalWithExpectedDeterminants) {
  for (const char* spec : {"C5", "D6", "C4v", "C3h", "T", "Td", "Th", "O", "Oh", "I", "Ih", "Ci", "Cs", "C101"}) {
    const std::vector<Mat3> gens = generators_from_spec(spec);
    EXPECT_NO_THROW(validate_generators(gens, spec, 1e-14)) << spec;
    const auto G = enumerate_group(gens, 1000);
    ASSERT_TRUE(G.has_value()) << spec;
    const std::string s(spec);
    const bool proper = s == "C5" || s == "D6" || s == "T" || s == "O" || s == "I" || s == "C101";
    int improper = 0;
    for (const Mat3& g : *G) {
      EXPECT_LT(max_diff(mat3_mul(mat3_transpose(g), g), mat3_identity()), 1e-13) << spec;
      improper += det3(g) < 0;
    }
    EXPECT_EQ(improper, proper ? 0 : int(G->size()) / 2) << spec;
  }
  EXPECT_TRUE(generators_from_spec("C1").empty());
}

TEST(PointGroup, AxisConventions) {
  const double pi = std::acos(-1.0), phi = 0.5 * (1 + std::sqrt(5.0));
  // Principal axis z, D_n 2-fold about x, C_nv mirror y → −y, C_nh / Cs mirror z → −z.
  auto C6 = enumerate_group(generators_from_spec("C6"), 100);
  EXPECT_TRUE(contains(*C6, rotation_about_axis(0, 0, 1, pi / 3)));
  EXPECT_TRUE(contains(*enumerate_group(generators_from_spec("D5"), 100), Mat3{1, 0, 0, 0, -1, 0, 0, 0, -1}));
  EXPECT_TRUE(contains(*enumerate_group(generators_from_spec("C3v"), 100), Mat3{1, 0, 0, 0, -1, 0, 0, 0, 1}));
  EXPECT_TRUE(contains(*enumerate_group(generators_from_spec("C3h"), 100), Mat3{1, 0, 0, 0, 1, 0, 0, 0, -1}));
  EXPECT_TRUE(contains(*enumerate_group(generators_from_spec("Cs"), 100), Mat3{1, 0, 0, 0, 1, 0, 0, 0, -1}));
  EXPECT_TRUE(contains(*enumerate_group(generators_from_spec("Ci"), 100), Mat3{-1, 0, 0, 0, -1, 0, 0, 0, -1}));
  // T/O/I share the coordinate 2-fold axes and the (1,1,1) 3-fold axis.
  for (const char* s : {"T", "O", "I"}) {
    const auto G = enumerate_group(generators_from_spec(s), 100);
    EXPECT_TRUE(contains(*G, Mat3{1, 0, 0, 0, -1, 0, 0, 0, -1})) << s;
    EXPECT_TRUE(contains(*G, Mat3{-1, 0, 0, 0, 1, 0, 0, 0, -1})) << s;
    EXPECT_TRUE(contains(*G, rotation_about_axis(1, 1, 1, 2 * pi / 3))) << s;
  }
  std::vector<std::array<double, 3>> cube, tetra, icosa;
  for (int s = 0; s < 8; ++s) {
    const std::array<double, 3> v = {s & 1 ? 1.0 : -1.0, s & 2 ? 1.0 : -1.0, s & 4 ? 1.0 : -1.0};
    cube.push_back(v);
    if (v[0] * v[1] * v[2] > 0) tetra.push_back(v);
  }
  for (int s = 0; s < 4; ++s) {
    const double a = s & 1 ? 1.0 : -1.0, b = s & 2 ? phi : -phi;
    icosa.push_back({a, 0, b});
    icosa.push_back({0, b, a});
    icosa.push_back({b, a, 0});
  }
  expect_preserves("Oh", cube);
  expect_preserves("Td", tetra);
  expect_preserves("Th", cube);
  expect_preserves("Ih", icosa);
}

TEST(PointGroup, InvalidSpecsThrow) {
  for (const char* spec : {"Q7", "C0", "Cx", "D",   "",    "  ",   "C6,,Cs", "C6,",         ",C6",   "c6", "C-3",
                           "D0", "Cv", "Ch", "D6v", "C 6", "C6vh", "Oi",     "C1234567890", "C6;Cs", "S3", "C6,Q7",
                           "S",  "S0", "C6d", "D6hd", "S4h"}) {
    EXPECT_THROW(generators_from_spec(spec), std::invalid_argument) << "'" << spec << "'";
  }
}

TEST(PointGroup, ValidateRejectsBadGenerators) {
  std::vector<Mat3> gens = generators_from_spec("Oh");
  EXPECT_NO_THROW(validate_generators(gens, "test"));
  Mat3 scaled = gens[0];
  for (double& v : scaled) v *= 1.001;
  gens.push_back(scaled);
  EXPECT_THROW(validate_generators(gens, "test"), std::invalid_argument);
  gens.back() = mat3_identity();
  gens.back()[4] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(validate_generators(gens, "test"), std::invalid_argument);
  gens.back()[4] = std::numeric_limits<double>::infinity();
  EXPECT_THROW(validate_generators(gens, "test"), std::invalid_argument);
  // Within tolerance: a rotation perturbed at the 1e-12 level passes.
  Mat3 almost = rotation_about_axis(1, 2, 3, 0.4);
  almost[0] += 1e-12;
  EXPECT_NO_THROW(validate_generators({almost}, "test"));
  EXPECT_THROW(validate_generators({almost}, "test", 1e-14), std::invalid_argument);
}

TEST(PointGroup, EnumerateRespectsCap) {
  const std::vector<Mat3> c7 = generators_from_spec("C7");
  EXPECT_FALSE(enumerate_group(c7, 6).has_value());
  ASSERT_TRUE(enumerate_group(c7, 7).has_value());
  EXPECT_EQ(enumerate_group(c7, 7)->size(), 7u);
  EXPECT_FALSE(enumerate_group(generators_from_spec("Ih"), 119).has_value());
  EXPECT_EQ(enumerate_group(generators_from_spec("Ih"), 120)->size(), 120u);
  EXPECT_EQ(enumerate_group({}, 1)->size(), 1u);  // identity only
  EXPECT_FALSE(enumerate_group({}, 0).has_value());
  // Infinite sets: an irrational rotation angle, a non-orthogonal matrix.
  EXPECT_FALSE(enumerate_group({rotation_about_axis(0, 0, 1, 1.0)}, 5000).has_value());
  Mat3 scaled = mat3_identity();
  for (double& v : scaled) v *= 2.0;
  EXPECT_FALSE(enumerate_group({scaled}, 5000).has_value());
  // Identity is the first element and elements are distinct.
  const auto G = enumerate_group(generators_from_spec("Oh"), 48);
  ASSERT_TRUE(G.has_value());
  EXPECT_EQ((*G)[0], mat3_identity());
  for (std::size_t i = 0; i < G->size(); ++i)
    for (std::size_t j = i + 1; j < G->size(); ++j) EXPECT_GT(max_diff((*G)[i], (*G)[j]), 0.5);
}

}  // namespace
}  // namespace specavg
