// The HEALPix prediction sink: writes the rows (one per kept pixel of the -like map) as a
// HEALPix FITS map with the -like map's NSIDE, ordering and layout (full sky, or the same
// PIXEL list for a partial map); pixels without a row are UNSEEN. healpy.read_map reads
// it. Rows are kept per rank until commit(); then rank 0 creates <path>.tmp with the
// header and provenance, and the ranks write their own entries in turn (cfitsio has no
// parallel writer), and rank 0 renames the file.
#include <fitsio.h>
#include <petscsys.h>

#include <cctype>
#include <cstdio>

#include "formats.hpp"
#include "healpix_map.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace specavg {
namespace {

std::string fits_error(int status) {
  char text[FLEN_STATUS] = "";
  fits_get_errstatus(status, text);
  fits_clear_errmsg();
  return text;
}

std::string upper(std::string s) {
  for (char& c : s) c = char(std::toupper((unsigned char)c));
  return s;
}

class HealpixRowSink final : public RowSink {
 public:
  ~HealpixRowSink() override {
    int rank = 0;
    if (!done_ && comm_ != MPI_COMM_NULL && MPI_Comm_rank(comm_, &rank) == MPI_SUCCESS && rank == 0)
      std::remove(tmp_.c_str());  // local only: a destructor makes no collective call
  }

  PetscErrorCode create(MPI_Comm comm, const std::string& path, const std::string& option, PetscInt rows,
                        const std::vector<SinkArray>& arrays) {
    PetscFunctionBeginUser;
    comm_ = comm;
    path_ = path;
    tmp_ = path + ".tmp";
    bool predictions = !arrays.empty();
    for (const SinkArray& a : arrays) predictions = predictions && (a.name == "values" || a.name == "std");
    PetscCall(collective_check(comm, predictions,
                               option + " '" + path +
                                   "': only predictions can be written as a HEALPix map (FITS); write this output "
                                   "as HDF5 (.h5)"));
    char like[PETSC_MAX_PATH_LEN] = "";
    PetscBool has_like = PETSC_FALSE;
    PetscCall(PetscOptionsGetString(nullptr, nullptr, "-like", like, sizeof like, &has_like));
    PetscCall(collective_check(comm, has_like && like[0],
                               "HEALPix output (" + option + " '" + path +
                                   "') is written on the pixels of an input map: pass -like <map.fits>"));
    HealpixInputOptions opt;
    PetscCall(healpix_input_options(&opt));
    PetscCall(read_healpix_field(comm, like, "-like", opt, false, &f_));
    PetscCall(collective_check(comm, rows == PetscInt(f_.nkept),
                               "the predictions have " + std::to_string(rows) + " rows but " + f_.header.where +
                                   " has " + std::to_string(f_.nkept) +
                                   " pixels to write: predict with -like and the same -mask as the points"));
    // Fit columns take the names of the map's chosen columns when there are as many.
    std::vector<int> sel;
    const bool named = select_healpix_columns(f_.header, opt.columns, true, &sel).empty();
    for (const SinkArray& a : arrays) {
      const int k = std::max(a.cols, 1);
      for (int j = 0; j < k; ++j) {
        std::string base = named && int(sel.size()) == k ? f_.header.names[std::size_t(sel[std::size_t(j)] - 1)]
                                                         : "TARGET_" + std::to_string(j + 1);
        names_.push_back(a.name == "values" ? base : base + "_" + upper(a.name));
      }
      arrays_.push_back(a);
      data_.emplace_back(f_.rows() * std::size_t(k), kHealpixUnseen);
    }
    PetscFunctionReturn(PETSC_SUCCESS);
  }

  PetscErrorCode write_rows(const std::string& name, PetscInt offset, PetscInt count, const double* data) override {
    PetscFunctionBeginUser;
    std::size_t a = 0;
    while (a < arrays_.size() && arrays_[a].name != name) ++a;
    PetscCheck(a < arrays_.size(), comm_, PETSC_ERR_ARG_WRONG, "HEALPix sink: no array '%s'", name.c_str());
    // Rows come from the source of the same map, so each rank holds its own pixels' rows.
    PetscCheck(count == 0 || (offset >= f_.row_offset && offset + count <= f_.row_offset + PetscInt(f_.rows())),
               PETSC_COMM_SELF, PETSC_ERR_PLIB, "HEALPix sink: rows %lld..%lld are not this rank's pixels",
               (long long)offset, (long long)(offset + count));
    const std::size_t k = std::size_t(std::max(arrays_[a].cols, 1));
    std::copy_n(data, std::size_t(count) * k, data_[a].begin() + long(std::size_t(offset - f_.row_offset) * k));
    PetscFunctionReturn(PETSC_SUCCESS);
  }

  PetscErrorCode set_attributes(const Attributes& attrs) override {
    attrs_ = attrs;
    return PETSC_SUCCESS;
  }

  PetscErrorCode commit() override {
    PetscFunctionBeginUser;
    int rank, size;
    PetscCallMPI(MPI_Comm_rank(comm_, &rank));
    PetscCallMPI(MPI_Comm_size(comm_, &size));
    std::string msg = rank == 0 ? create_file() : std::string();
    PetscCall(collective_check(comm_, msg.empty(), msg));
    for (int r = 0; r < size; ++r) {  // cfitsio has no parallel writer: one rank at a time
      if (r == rank) msg = write_entries();
      PetscCallMPI(MPI_Barrier(comm_));
    }
    bool ok = msg.empty();
    if (ok && rank == 0 && std::rename(tmp_.c_str(), path_.c_str()) != 0)
      ok = false, msg = "cannot rename " + tmp_ + " to " + path_;
    const PetscErrorCode ierr = collective_check(comm_, ok, msg);
    if (ierr) (void)abandon();
    PetscCall(ierr);
    done_ = true;
    PetscFunctionReturn(PETSC_SUCCESS);
  }

  PetscErrorCode abandon() override {
    remove_file_on_root(comm_, tmp_);
    done_ = true;
    return PETSC_SUCCESS;
  }

 private:
  // Rank 0: the empty table with the map's layout, its header and the provenance.
  std::string create_file() {
    const HealpixHeader& h = f_.header;
    std::remove(tmp_.c_str());
    fitsfile* f = nullptr;
    int st = 0;
    const std::string rep = std::to_string(h.repeat);
    std::vector<std::string> ttype, tform;
    if (h.explicit_index) ttype.push_back("PIXEL"), tform.push_back(rep + "K");
    for (const std::string& n : names_) ttype.push_back(n), tform.push_back(rep + "D");
    std::vector<char*> tt, tf;
    for (std::size_t i = 0; i < ttype.size(); ++i) tt.push_back(&ttype[i][0]), tf.push_back(&tform[i][0]);
    fits_create_file(&f, tmp_.c_str(), &st);
    fits_create_img(f, 8, 0, nullptr, &st);
    fits_create_tbl(f, BINARY_TBL, h.nrows, int(tt.size()), tt.data(), tf.data(), nullptr, "SPECAVG", &st);
    auto key = [&](const char* k, const std::string& v, const char* comment) {
      fits_update_key_longstr(f, k, v.c_str(), comment, &st);
    };
    long long first = 0, last = h.npix - 1, nside = h.nside;
    double bad = kHealpixUnseen;
    key("PIXTYPE", "HEALPIX", "HEALPix pixelisation");
    key("ORDERING", h.ordering(), "pixel ordering, as the -like map");
    fits_update_key(f, TLONGLONG, "NSIDE", &nside, "resolution parameter", &st);
    fits_update_key(f, TLONGLONG, "FIRSTPIX", &first, "first pixel (0 based)", &st);
    fits_update_key(f, TLONGLONG, "LASTPIX", &last, "last pixel (0 based)", &st);
    key("INDXSCHM", h.explicit_index ? "EXPLICIT" : "IMPLICIT", "indexing: IMPLICIT or EXPLICIT");
    key("OBJECT", h.explicit_index ? "PARTIAL" : "FULLSKY", "sky coverage");
    if (!h.coordsys.empty()) key("COORDSYS", h.coordsys, "as the -like map");
    fits_update_key(f, TDOUBLE, "BAD_DATA", &bad, "UNSEEN: pixels without a prediction", &st);
    for (const auto& [k, v] : attrs_.strings) key(("HIERARCH SPECAVG " + upper(k)).c_str(), v, nullptr);
    for (const auto& [k, v] : attrs_.numbers) {
      double x = v;
      fits_update_key(f, TDOUBLE, ("HIERARCH SPECAVG " + upper(k)).c_str(), &x, nullptr, &st);
    }
    fits_write_history(f, ("specavg predict: fit on the pixels of " + h.path).c_str(), &st);
    int cst = 0;
    if (f) fits_close_file(f, &cst);
    if (st || cst) return "cannot write " + tmp_ + ": " + fits_error(st ? st : cst);
    return {};
  }

  // This rank's entries of every column (UNSEEN where no row), and their PIXEL numbers.
  std::string write_entries() {
    const HealpixHeader& h = f_.header;
    const long long b = f_.entry_begin, n = f_.entry_count;
    if (n == 0) return {};
    std::vector<long long> pix;
    if (h.explicit_index) {
      pix.resize(std::size_t(n));
      const std::string msg = read_healpix_pixels(h, b, n, pix.data());
      if (!msg.empty()) return msg;
    }
    fitsfile* f = nullptr;
    int st = 0;
    fits_open_file(&f, tmp_.c_str(), READWRITE, &st);
    fits_movabs_hdu(f, 2, nullptr, &st);
    int col = 1;
    if (h.explicit_index) fits_write_col(f, TLONGLONG, col++, b / h.repeat + 1, b % h.repeat + 1, n, pix.data(), &st);
    std::vector<double> v(static_cast<std::size_t>(n));
    for (std::size_t a = 0; a < arrays_.size(); ++a) {
      const std::size_t k = std::size_t(std::max(arrays_[a].cols, 1));
      for (std::size_t j = 0; j < k; ++j, ++col) {
        std::fill(v.begin(), v.end(), kHealpixUnseen);
        for (std::size_t i = 0; i < f_.rows(); ++i) v[std::size_t(f_.entry[i] - b)] = data_[a][i * k + j];
        fits_write_col(f, TDOUBLE, col, b / h.repeat + 1, b % h.repeat + 1, n, v.data(), &st);
      }
    }
    int cst = 0;
    if (f) fits_close_file(f, &cst);
    if (st || cst) return "cannot write " + tmp_ + ": " + fits_error(st ? st : cst);
    return {};
  }

  MPI_Comm comm_ = MPI_COMM_NULL;
  std::string path_, tmp_;
  HealpixField f_;
  std::vector<SinkArray> arrays_;
  std::vector<std::string> names_;
  std::vector<std::vector<double>> data_;  // per array: this rank's rows × cols
  Attributes attrs_;
  bool done_ = false;
};

}  // namespace

PetscErrorCode create_healpix_row_sink(MPI_Comm comm, const std::string& path, const std::string& option,
                                       PetscInt rows_total, const std::vector<SinkArray>& arrays,
                                       std::unique_ptr<RowSink>* sink) {
  PetscFunctionBeginUser;
  auto s = std::make_unique<HealpixRowSink>();
  PetscCall(s->create(comm, path, option, rows_total, arrays));
  *sink = std::move(s);
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
