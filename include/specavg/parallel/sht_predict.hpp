#pragma once
// Prediction onto a grid by synthesis (predict -like map.fits / x.nc, -grid latlon:...):
// the model's coefficients, expanded by Q to every degree, are synthesized on each rank's
// rings (parallel/sht_rings.hpp) and every row of the source receives the value of its
// cell from the rank owning the cell's ring. Collective on comm.
#include <mpi.h>
#include <petscsys.h>

#include <memory>
#include <string>
#include <vector>

#include "specavg/estimate/model.hpp"
#include "specavg/io/row_source.hpp"
#include "specavg/parallel/sht_rings.hpp"

namespace specavg {

class ShtPredictor {
 public:
  // Why `model` cannot be predicted by synthesis (not an invariant expansion on S² with
  // dense Q), or "" when it can. Local (the model is identical on every rank).
  static std::string unsuitable(const Model& model);
  // Collective: reads `src` (a grid source, RowSource::ring_layout()) to the end for its
  // cells, synthesizes the model on them, and rewinds `src`. *why_not is set (on every
  // rank) instead when the cells are off their rings.
  static PetscErrorCode create(MPI_Comm comm, const Model& model, RowSource& src, PetscInt block_rows,
                               std::unique_ptr<ShtPredictor>* out, std::string* why_not);
  // Collective (every rank, once per block of the same source pass): predictions of the
  // block's rows, count × ntargets row-major.
  PetscErrorCode predict_block(const RowBlock& b, std::vector<double>* f) const;

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
  int ntargets_ = 0;
  RingLayout layout_;
  std::vector<int> owners_;
  ShtGrid grid_;
  std::vector<double> maps_;  // ntargets × local cells
};

}  // namespace specavg
