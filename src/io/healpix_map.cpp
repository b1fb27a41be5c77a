// HEALPix maps in FITS binary tables: header, columns, mask, and a rank's share of the
// pixels (io/healpix_map.hpp). cfitsio reads the tables; HEALPix C++ gives the centres.
#include "healpix_map.hpp"

#include <fitsio.h>
#include <healpix_cxx/healpix_base.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>
#include <sstream>

#include "specavg/util/huge_pages.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/io/h5_parallel.hpp"

namespace specavg {
namespace {

constexpr long long kChunk = 1 << 18;  // entries per cfitsio read
constexpr long long kMaxNside = 1LL << 29;

std::string upper(std::string s) {
  for (char& c : s) c = char(std::toupper((unsigned char)c));
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string fits_message(int status) {
  char text[FLEN_STATUS] = "";
  fits_get_errstatus(status, text);
  fits_clear_errmsg();
  return text;
}

// Owner of a cfitsio file handle (local, read-only).
struct FitsCloser {
  void operator()(fitsfile* f) const {
    int st = 0;
    fits_close_file(f, &st);
  }
};
using FitsFile = std::unique_ptr<fitsfile, FitsCloser>;

bool is_unseen(double v) { return !std::isfinite(v) || std::fabs(v - kHealpixUnseen) <= 1e-5 * -kHealpixUnseen; }

bool is_polarization(const std::string& name) {
  const std::string n = upper(name);
  if (n == "Q" || n == "U") return true;
  if (n.rfind("Q_", 0) == 0 || n.rfind("U_", 0) == 0 || n.rfind("Q-", 0) == 0 || n.rfind("U-", 0) == 0) return true;
  return n.find("POLARI") != std::string::npos;
}

bool is_numeric_type(int t) {
  return t == TBYTE || t == TSBYTE || t == TSHORT || t == TUSHORT || t == TINT || t == TUINT || t == TLONG ||
         t == TULONG || t == TLONGLONG || t == TFLOAT || t == TDOUBLE || t == TLOGICAL;
}

// Reads entries [first, first + n) of column `col` (repeat r per row) as doubles;
// FITS nulls become UNSEEN.
int read_entries(fitsfile* f, int col, long long repeat, long long first, long long n, double* out) {
  int st = 0, anynul = 0;
  double nul = kHealpixUnseen;
  if (n > 0) fits_read_col(f, TDOUBLE, col, first / repeat + 1, first % repeat + 1, n, &nul, out, &anynul, &st);
  return st;
}

int read_pixels(fitsfile* f, int col, long long repeat, long long first, long long n, long long* out) {
  int st = 0, anynul = 0;
  long long nul = -1;
  if (n > 0) fits_read_col(f, TLONGLONG, col, first / repeat + 1, first % repeat + 1, n, &nul, out, &anynul, &st);
  return st;
}

FitsFile open_table(const HealpixHeader& h, std::string* msg) {
  fitsfile* f = nullptr;
  int st = 0;
  if (fits_open_file(&f, h.path.c_str(), READONLY, &st) == 0) fits_movabs_hdu(f, h.hdu, nullptr, &st);
  if (st) *msg = h.where + " cannot be read: " + fits_message(st);
  FitsFile owned(f);
  if (st) owned.reset();
  return owned;
}

// Collective. The smallest pixel listed more than once over all ranks, or -1. Each rank
// sends its pixels to the rank owning their range of [0, npix), which sorts and scans:
// O(n/P) memory, no rank holds the whole list.
PetscErrorCode smallest_repeated_pixel(MPI_Comm comm, const std::vector<long long>& pixels, long long npix,
                                       long long* repeated) {
  PetscFunctionBeginUser;
  int size;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  const long long span = (npix + size - 1) / size;
  const std::size_t P = std::size_t(size);
  std::vector<int> sendc(P, 0), recvc(P, 0), sdisp(P + 1, 0), rdisp(P + 1, 0);
  for (long long p : pixels) ++sendc[std::size_t(p / span)];
  PetscCallMPI(MPI_Alltoall(sendc.data(), 1, MPI_INT, recvc.data(), 1, MPI_INT, comm));
  for (int r = 0; r < size; ++r) {
    sdisp[std::size_t(r) + 1] = sdisp[std::size_t(r)] + sendc[std::size_t(r)];
    rdisp[std::size_t(r) + 1] = rdisp[std::size_t(r)] + recvc[std::size_t(r)];
  }
  std::vector<long long> out(pixels.size()), in(std::size_t(rdisp.back()));
  std::vector<int> fill(sdisp.begin(), sdisp.end() - 1);
  for (long long p : pixels) out[std::size_t(fill[std::size_t(p / span)]++)] = p;
  PetscCallMPI(MPI_Alltoallv(out.data(), sendc.data(), sdisp.data(), MPI_LONG_LONG, in.data(), recvc.data(),
                             rdisp.data(), MPI_LONG_LONG, comm));
  std::sort(in.begin(), in.end());
  long long mine = -1;
  const auto d = std::adjacent_find(in.begin(), in.end());
  if (d != in.end()) mine = *d;
  long long key = mine < 0 ? npix : mine;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &key, 1, MPI_LONG_LONG, MPI_MIN, comm));
  *repeated = key == npix ? -1 : key;
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace

PetscErrorCode healpix_input_options(HealpixInputOptions* o) {
  PetscFunctionBeginUser;
  char buf[PETSC_MAX_PATH_LEN] = "";
  PetscBool set = PETSC_FALSE;
  PetscCall(PetscOptionsGetString(nullptr, nullptr, "-columns", buf, sizeof buf, &set));
  o->columns = set ? buf : "";
  buf[0] = 0;
  PetscCall(PetscOptionsGetString(nullptr, nullptr, "-mask", buf, sizeof buf, &set));
  o->mask = set ? buf : "";
  PetscBool pol = PETSC_FALSE;
  PetscCall(PetscOptionsGetBool(nullptr, nullptr, "-polarization_as_scalars", &pol, nullptr));
  o->polarization_as_scalars = pol;
  PetscFunctionReturn(PETSC_SUCCESS);
}

std::vector<int> HealpixHeader::data_columns() const {
  std::vector<int> c;
  for (int i = 1; i <= int(names.size()); ++i)
    if (i != pixel_col) c.push_back(i);
  return c;
}

std::string read_healpix_header(const std::string& path, const std::string& role, HealpixHeader* h) {
  *h = HealpixHeader{};
  h->path = path;
  h->where = role + " file '" + path + "'";
  fitsfile* raw = nullptr;
  int st = 0;
  if (fits_open_file(&raw, path.c_str(), READONLY, &st))
    return h->where + " is not a readable FITS file (" + fits_message(st) + "): check the path or regenerate it";
  FitsFile f(raw);
  int nhdu = 0;
  fits_get_num_hdus(raw, &nhdu, &st);
  for (int i = 1; i <= nhdu && h->hdu == 0 && st == 0; ++i) {
    int type = 0;
    fits_movabs_hdu(raw, i, &type, &st);
    if (st == 0 && type == BINARY_TBL) h->hdu = i;
  }
  if (st) return h->where + " is a damaged FITS file (" + fits_message(st) + "): regenerate it";
  if (h->hdu == 0)
    return h->where + " has no binary table: a HEALPix map is a FITS binary table (write it with healpy.write_map)";
  auto key_string = [&](const char* key, std::string* value) {
    char v[FLEN_VALUE] = "";
    int s = 0;
    if (fits_read_key(raw, TSTRING, key, v, nullptr, &s)) {
      fits_clear_errmsg();
      return false;
    }
    *value = upper(trim(v));
    return true;
  };
  std::string pixtype, ordering, indxschm;
  if (key_string("PIXTYPE", &pixtype) && pixtype != "HEALPIX")
    return h->where + " is a '" + pixtype + "' map, not HEALPix (PIXTYPE): only HEALPix maps are read";
  int s = 0;
  if (fits_read_key(raw, TLONGLONG, "NSIDE", &h->nside, nullptr, &s)) {
    fits_clear_errmsg();
    return h->where + " has no NSIDE keyword in its binary table: it is not a HEALPix map (write it with "
                      "healpy.write_map)";
  }
  if (h->nside < 1 || h->nside > kMaxNside)
    return h->where + " has NSIDE = " + std::to_string(h->nside) + ": HEALPix needs 1 <= NSIDE <= 2^29";
  h->npix = 12 * h->nside * h->nside;
  if (!key_string("ORDERING", &ordering))
    return h->where + " has no ORDERING keyword: set it to RING or NESTED";
  if (ordering == "NESTED" || ordering == "NEST")
    h->nested = true;
  else if (ordering != "RING")
    return h->where + " has ORDERING = '" + ordering + "': only RING and NESTED are read";
  if (h->nested && (h->nside & (h->nside - 1)) != 0)
    return h->where + " is NESTED with NSIDE = " + std::to_string(h->nside) +
           ", which is not a power of 2: NESTED maps need NSIDE = 2^k";
  if (key_string("INDXSCHM", &indxschm) && indxschm != "IMPLICIT" && indxschm != "EXPLICIT")
    return h->where + " has INDXSCHM = '" + indxschm + "': only IMPLICIT and EXPLICIT are read";
  h->explicit_index = indxschm == "EXPLICIT";
  key_string("COORDSYS", &h->coordsys);
  int ncols = 0;
  fits_get_num_cols(raw, &ncols, &st);
  fits_get_num_rowsll(raw, &h->nrows, &st);
  if (st) return h->where + " has a damaged table header (" + fits_message(st) + ")";
  long long repeat0 = -1;
  for (int c = 1; c <= ncols; ++c) {
    char key[FLEN_KEYWORD], v[FLEN_VALUE] = "";
    fits_make_keyn("TTYPE", c, key, &st);
    int s2 = 0;
    if (fits_read_key(raw, TSTRING, key, v, nullptr, &s2)) fits_clear_errmsg();
    h->names.push_back(trim(v).empty() ? "column " + std::to_string(c) : trim(v));
    int type = 0;
    long long rep = 0, width = 0;
    fits_get_coltypell(raw, c, &type, &rep, &width, &st);
    h->typecodes.push_back(type);
    if (upper(h->names.back()) == "PIXEL") h->pixel_col = c;
    if (repeat0 < 0) repeat0 = rep;
    if (st == 0 && rep != repeat0)
      return h->where + " has columns of different widths (" + std::to_string(repeat0) + " and " +
             std::to_string(rep) + " elements per row): every column of a HEALPix table holds the same pixels";
  }
  if (st) return h->where + " has a damaged table header (" + fits_message(st) + ")";
  h->repeat = std::max<long long>(repeat0, 1);
  h->entries = h->nrows * h->repeat;
  if (h->explicit_index) {
    if (h->pixel_col == 0)
      return h->where + " has INDXSCHM = EXPLICIT but no PIXEL column: partial maps list their pixels in PIXEL";
    if (h->data_columns().empty()) return h->where + " has a PIXEL column but no data column";
  } else {
    h->pixel_col = 0;
    if (h->entries != h->npix)
      return h->where + " holds " + std::to_string(h->entries) + " pixels but NSIDE = " + std::to_string(h->nside) +
             " needs 12 NSIDE^2 = " + std::to_string(h->npix) +
             ": a partial map needs INDXSCHM = EXPLICIT and a PIXEL column";
  }
  if (h->entries == 0) return h->where + " is an empty map (0 pixels)";
  return {};
}

std::string select_healpix_columns(const HealpixHeader& h, const std::string& spec, bool polarization_as_scalars,
                                   std::vector<int>* cols) {
  cols->clear();
  const std::vector<int> data = h.data_columns();
  std::string names;
  for (int c : data) names += (names.empty() ? "" : ", ") + h.names[std::size_t(c - 1)];
  if (spec.empty()) {
    cols->push_back(data.front());
  } else {
    std::istringstream is(spec);
    for (std::string w; std::getline(is, w, ',');) {
      w = trim(w);
      if (w.empty()) return "-columns '" + spec + "' has an empty entry: list names or numbers separated by commas";
      int found = 0;
      const bool number = std::all_of(w.begin(), w.end(), [](char ch) { return std::isdigit((unsigned char)ch); });
      if (number) {
        const long long k = std::stoll(w.substr(0, 9));
        if (k >= 1 && k <= (long long)data.size()) found = data[std::size_t(k - 1)];
      } else {
        for (int c : data)
          if (upper(h.names[std::size_t(c - 1)]) == upper(w)) found = c;
      }
      if (found == 0)
        return "-columns: " + h.where + " has no data column '" + w + "'; its columns are " + names +
               " (or their numbers 1.." + std::to_string(data.size()) + ")";
      cols->push_back(found);
    }
  }
  for (int c : *cols) {
    const std::string& n = h.names[std::size_t(c - 1)];
    if (!is_numeric_type(h.typecodes[std::size_t(c - 1)]))
      return "column '" + n + "' of " + h.where + " is not numeric: choose a numeric column with -columns";
    if (is_polarization(n) && !polarization_as_scalars)
      return "column '" + n + "' of " + h.where +
             " is a polarization component (Q and U are the components of a spin-2 field, which mix under rotations "
             "instead of transforming like a scalar): "
             "choose a temperature/intensity column with -columns, or pass -polarization_as_scalars to fit it as a "
             "scalar anyway";
  }
  return {};
}

namespace {

// This rank's mask weights for its kept pixels (in the map's ordering); entries whose
// mask value is 0 get weight 0. Local; returns "" or a message.
std::string read_mask_weights(const HealpixHeader& map, const HealpixHeader& mh, const std::vector<long long>& pixel,
                              std::vector<double>* w) {
  w->assign(pixel.size(), 0.0);
  if (pixel.empty()) return {};
  // The mask pixel of every kept pixel, sorted, with where it goes.
  std::vector<std::pair<long long, std::size_t>> need(pixel.size());
  {
    T_Healpix_Base<int64> base(map.nside, map.nested ? NEST : RING, SET_NSIDE);
    for (std::size_t i = 0; i < pixel.size(); ++i) {
      long long p = pixel[i];
      if (mh.nested != map.nested) p = map.nested ? base.nest2ring(p) : base.ring2nest(p);
      need[i] = {p, i};
    }
  }
  std::sort(need.begin(), need.end());
  std::string msg;
  FitsFile f = open_table(mh, &msg);
  if (!f) return msg;
  const int col = mh.data_columns().front();
  std::vector<double> v;
  std::vector<long long> pix;
  auto take = [&](long long p, double x) -> bool {
    auto it = std::lower_bound(need.begin(), need.end(), std::make_pair(p, std::size_t(0)));
    for (; it != need.end() && it->first == p; ++it) {
      if (is_unseen(x)) x = 0;
      if (x < 0 || x > 1) {
        msg = "-mask file '" + mh.path + "' has the value " + std::to_string(x) + " at pixel " + std::to_string(p) +
              ": mask values are weights in [0, 1] (0 = excluded)";
        return false;
      }
      (*w)[it->second] = x;
    }
    return true;
  };
  // An implicit mask is read over the range of pixels needed (exactly this rank's range
  // when the orderings agree); an explicit one entry by entry.
  const long long lo = mh.explicit_index ? 0 : need.front().first;
  const long long hi = mh.explicit_index ? mh.entries : need.back().first + 1;
  for (long long e = lo; e < hi; e += kChunk) {
    const long long n = std::min(kChunk, hi - e);
    v.resize(std::size_t(n));
    int st = read_entries(f.get(), col, mh.repeat, e, n, v.data());
    if (mh.explicit_index) {
      pix.resize(std::size_t(n));
      if (st == 0) st = read_pixels(f.get(), mh.pixel_col, mh.repeat, e, n, pix.data());
    }
    if (st) return "-mask file '" + mh.path + "' cannot be read: " + fits_message(st);
    for (long long i = 0; i < n; ++i)
      if (!take(mh.explicit_index ? pix[std::size_t(i)] : e + i, v[std::size_t(i)])) return msg;
  }
  return {};
}

}  // namespace

PetscErrorCode read_healpix_field(MPI_Comm comm, const std::string& path, const std::string& role,
                                  const HealpixInputOptions& opt, bool with_values, HealpixField* f) {
  PetscFunctionBeginUser;
  *f = HealpixField{};
  HealpixHeader& h = f->header;
  std::string msg = read_healpix_header(path, role, &h);
  PetscCall(collective_check(comm, msg.empty(), msg));
  if (with_values) {
    msg = select_healpix_columns(h, opt.columns, opt.polarization_as_scalars, &f->columns);
    PetscCall(collective_check(comm, msg.empty(), msg));
  }
  HealpixHeader mh;
  if (!opt.mask.empty()) {
    msg = read_healpix_header(opt.mask, "-mask", &mh);
    if (msg.empty() && mh.nside != h.nside)
      msg = "-mask file '" + opt.mask + "' has NSIDE " + std::to_string(mh.nside) + " but " + h.where + " has NSIDE " +
            std::to_string(h.nside) + ": resample the mask to NSIDE " + std::to_string(h.nside) +
            " (healpy.ud_grade) or pass the matching mask";
    PetscCall(collective_check(comm, msg.empty(), msg));
  }
  PetscInt b, n;
  row_block(comm, PetscInt(h.entries), &b, &n);
  f->entry_begin = b;
  f->entry_count = n;

  // Read this rank's entries: pixels (explicit maps) and the chosen columns.
  const std::size_t k = f->columns.size();
  long long unseen = 0;
  {
    // Sized once: growing by doubling copies and first-touches far more than 5·10⁷ pixels.
    f->pixel.reserve(std::size_t(n));
    f->entry.reserve(std::size_t(n));
    f->values.reserve(std::size_t(n) * k);
    prefer_huge_pages(f->values.data(), f->values.capacity() * sizeof(double));
    prefer_huge_pages(f->pixel.data(), f->pixel.capacity() * sizeof(long long));
    prefer_huge_pages(f->entry.data(), f->entry.capacity() * sizeof(long long));
    FitsFile file = open_table(h, &msg);
    std::vector<double> vals(std::size_t(std::min<long long>(kChunk, n)) * std::max<std::size_t>(k, 1));
    std::vector<long long> pix(std::size_t(std::min<long long>(kChunk, n)));
    for (long long e = b; file && e < b + n && msg.empty(); e += kChunk) {
      const long long m = std::min(kChunk, b + n - e);
      int st = 0;
      if (h.explicit_index)
        st = read_pixels(file.get(), h.pixel_col, h.repeat, e, m, pix.data());
      else
        for (long long i = 0; i < m; ++i) pix[std::size_t(i)] = e + i;
      for (std::size_t j = 0; j < k && st == 0; ++j)
        st = read_entries(file.get(), f->columns[j], h.repeat, e, m, vals.data() + j * std::size_t(m));
      if (st) {
        msg = h.where + " cannot be read: " + fits_message(st);
        break;
      }
      for (long long i = 0; i < m; ++i) {
        const long long p = pix[std::size_t(i)];
        if (p < 0 || p >= h.npix) {
          msg = h.where + " lists pixel " + std::to_string(p) + " at entry " + std::to_string(e + i) +
                ", outside 0.." + std::to_string(h.npix - 1) + " for NSIDE " + std::to_string(h.nside);
          break;
        }
        bool drop = false;
        for (std::size_t j = 0; j < k; ++j) drop = drop || is_unseen(vals[j * std::size_t(m) + std::size_t(i)]);
        if (drop) {
          ++unseen;
          continue;
        }
        f->pixel.push_back(p);
        f->entry.push_back(e + i);
        for (std::size_t j = 0; j < k; ++j) f->values.push_back(vals[j * std::size_t(m) + std::size_t(i)]);
      }
    }
  }
  PetscCall(collective_check(comm, msg.empty(), msg));
  if (h.explicit_index) {  // a pixel listed twice would count twice in the fit
    long long repeated = -1;
    PetscCall(smallest_repeated_pixel(comm, f->pixel, h.npix, &repeated));
    PetscCall(collective_check(comm, repeated < 0,
                               h.where + " lists pixel " + std::to_string(repeated) +
                                   " more than once: a partial map must list each pixel once (merge or drop the "
                                   "repeated entries)"));
  }

  long long masked = 0;
  if (!opt.mask.empty()) {
    f->has_mask = true;
    std::vector<double> w;
    msg = read_mask_weights(h, mh, f->pixel, &w);
    PetscCall(collective_check(comm, msg.empty(), msg));
    std::size_t out = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (w[i] == 0) {
        ++masked;
        continue;
      }
      f->pixel[out] = f->pixel[i];
      f->entry[out] = f->entry[i];
      for (std::size_t j = 0; j < k; ++j) f->values[out * k + j] = f->values[i * k + j];
      f->weights.push_back(w[i]);
      ++out;
    }
    f->pixel.resize(out);
    f->entry.resize(out);
    f->values.resize(out * k);
  }
  long long mine[3] = {(long long)f->pixel.size(), unseen, masked}, tot[3];
  PetscCallMPI(MPI_Allreduce(mine, tot, 3, MPI_LONG_LONG, MPI_SUM, comm));
  PetscCallMPI(MPI_Exscan(mine, &f->row_offset, 1, MPI_LONG_LONG, MPI_SUM, comm));
  int rank;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) f->row_offset = 0;
  f->nkept = tot[0];
  f->dropped_unseen = tot[1];
  f->dropped_mask = tot[2];
  PetscCall(collective_check(comm, f->nkept > 0,
                             h.where + " has no usable pixel (" + std::to_string(tot[1]) + " UNSEEN, " +
                                 std::to_string(tot[2]) + " with mask value 0): check the map and the mask"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

std::string HealpixField::summary() const {
  std::ostringstream os;
  os << "HEALPix map " << header.where << ": NSIDE " << header.nside << ", " << header.ordering() << ", "
     << (header.explicit_index ? "explicit (partial, " + std::to_string(header.entries) + " entries)" : "full sky");
  if (!columns.empty()) {
    os << ", column" << (columns.size() > 1 ? "s " : " ");
    for (std::size_t j = 0; j < columns.size(); ++j)
      os << (j ? ", " : "") << header.names[std::size_t(columns[j] - 1)];
  }
  os << "; " << nkept << " pixels used";
  if (!columns.empty()) os << ", " << dropped_unseen << " UNSEEN dropped";
  if (has_mask) os << ", " << dropped_mask << " outside the mask dropped, weights from the mask";
  return os.str();
}

std::string read_healpix_pixels(const HealpixHeader& h, long long first, long long n, long long* out) {
  std::string msg;
  FitsFile f = open_table(h, &msg);
  if (!f) return msg;
  const int st = read_pixels(f.get(), h.pixel_col, h.repeat, first, n, out);
  return st ? h.where + " cannot be read: " + fits_message(st) : std::string();
}

void healpix_centres(long long nside, bool nested, const long long* pix, std::size_t n, double* xyz) {
  T_Healpix_Base<int64> base(nside, nested ? NEST : RING, SET_NSIDE);
  for (std::size_t i = 0; i < n; ++i) {
    const vec3 v = base.pix2vec(pix[i]);
    xyz[3 * i] = v.x;
    xyz[3 * i + 1] = v.y;
    xyz[3 * i + 2] = v.z;
  }
}

void healpix_ring_layout(long long nside, std::vector<long long>* ring_begin, std::vector<long long>* nphi) {
  T_Healpix_Base<int64> base(nside, RING, SET_NSIDE);
  const int64 nrings = 4 * nside - 1;
  ring_begin->assign(std::size_t(nrings) + 1, 0);
  nphi->assign(std::size_t(nrings), 0);
  for (int64 r = 0; r < nrings; ++r) {
    int64 start, count;
    bool shifted;
    base.get_ring_info_small(r + 1, start, count, shifted);
    (*ring_begin)[std::size_t(r)] = start;
    (*nphi)[std::size_t(r)] = count;
  }
  ring_begin->back() = 12 * nside * nside;
}

void healpix_ring_cells(long long nside, bool nested, const long long* pix, std::size_t n, long long* cells) {
  if (!nested) {
    std::copy(pix, pix + n, cells);
    return;
  }
  T_Healpix_Base<int64> base(nside, NEST, SET_NSIDE);
  for (std::size_t i = 0; i < n; ++i) cells[i] = base.nest2ring(pix[i]);
}

}  // namespace specavg
