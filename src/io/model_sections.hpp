#pragma once
// The sections of a model file (internal to io/; layout in specavg/io/model_file.hpp):
// each writer adds its groups and datasets to the open file `f` (rank 0, serial HDF5),
// each reader fills its part of the Model from it. All throw std::runtime_error naming
// the dataset that is missing or inconsistent.
#include <hdf5.h>

#include "specavg/estimate/model.hpp"

namespace specavg {

// basis/ (labels, counts, Q, Q_sparse, ring), coefficients and feature_*: the fitted state
// of an estimator over the invariant basis. Reading needs m->generators and m->ntargets.
void write_basis(hid_t f, const Model& m);
void read_basis(hid_t f, int version, const Manifold& M, Model* m);

// selection/: the criterion curve and the choice per target (-select); absent: no selection.
void write_selection(hid_t f, const Model& m);
void read_selection(hid_t f, Model* m);

// uncertainty/: noise variance per target and the unit coefficient covariances; absent: none.
void write_uncertainty(hid_t f, const Model& m);
void read_uncertainty(hid_t f, Model* m);

}  // namespace specavg
