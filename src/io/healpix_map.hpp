#pragma once
// HEALPix sky maps in FITS binary tables (internal to io/): the header, the choice of
// columns, the mask, and reading one rank's share of the pixels. Shared by the row source
// (healpix_row_source.cpp) and the prediction sink (healpix_row_sink.cpp), which must see
// the same pixels in the same order.
//
// Conventions
//  * A map is the first binary-table HDU with NSIDE and ORDERING (RING or NESTED) in its
//    header. INDXSCHM = IMPLICIT (default): the table holds all 12 NSIDE² pixels in
//    pixel order, `repeat` pixels per row (1024 in most files). INDXSCHM = EXPLICIT: a
//    PIXEL column gives each entry's pixel (partial maps).
//  * Entries (pixels in file order) are split over the ranks with row_block(); a rank
//    reads only its own entries of the map and of the mask.
//  * Rows are the kept entries in file order; a rank's kept rows follow those of lower
//    ranks (row_offset = exclusive prefix sum of the kept counts).
//  * When values are read, an entry is dropped when any chosen column is UNSEEN
//    (−1.6375e30, within 1e-5 relative), NaN or a FITS null. With -mask, an entry is
//    dropped when its mask value is 0 and weighted by it otherwise (values in [0, 1];
//    the mask may have either ordering, but must have the map's NSIDE).
//  * Pixel centres come from HEALPix C++ (libhealpix-cxx-dev), the library healpy is
//    built on, so they agree with healpy.pix2vec bit for bit. libchealpix-dev would give
//    the same centres, but its API is per-ordering C functions; HEALPix C++ takes the
//    ordering as a parameter and converts between orderings (masks in the other one).
//    Its own map reader reads whole maps, so the FITS tables are read with cfitsio,
//    one range of entries per rank.
#include <mpi.h>
#include <petscsys.h>

#include <cstddef>
#include <string>
#include <vector>

namespace specavg {

constexpr double kHealpixUnseen = -1.6375e30;

// -columns, -mask and -polarization_as_scalars (declared by the commands with
// options_data_input, app/options.hpp; read here so that nothing above io/ names a format).
struct HealpixInputOptions {
  std::string columns;  // names or 1-based numbers, comma-separated; "" = the first data column
  std::string mask;     // HEALPix map of weights in [0, 1]
  bool polarization_as_scalars = false;
};
PetscErrorCode healpix_input_options(HealpixInputOptions* o);

struct HealpixHeader {
  std::string path, where;  // where: e.g. "-data file 'map.fits'"
  int hdu = 0;              // 1-based number of the map's HDU
  long long nside = 0, npix = 0;  // npix = 12 nside²
  bool nested = false, explicit_index = false;
  long long nrows = 0, repeat = 1, entries = 0;  // entries = nrows × repeat
  int pixel_col = 0;                             // EXPLICIT: 1-based PIXEL column
  std::vector<std::string> names;                // TTYPE of every column
  std::vector<int> typecodes;                    // cfitsio type code of every column
  std::string coordsys;                          // COORDSYS when present
  // 1-based numbers of the data columns (every column but PIXEL).
  std::vector<int> data_columns() const;
  std::string ordering() const { return nested ? "NESTED" : "RING"; }
};

// Local: reads and checks the header. Returns "" or the message for the problem.
std::string read_healpix_header(const std::string& path, const std::string& role, HealpixHeader* h);

// Local: the 1-based columns `spec` selects ("" = first data column), checked (numeric,
// not polarization unless allowed). Returns "" or the message.
std::string select_healpix_columns(const HealpixHeader& h, const std::string& spec, bool polarization_as_scalars,
                                   std::vector<int>* cols);

// This rank's part of a map.
struct HealpixField {
  HealpixHeader header;
  std::vector<int> columns;  // chosen columns (1-based); empty when values were not read
  long long entry_begin = 0, entry_count = 0;  // this rank's entries of the file
  std::vector<long long> pixel;  // kept pixels (in the map's ordering), file order
  std::vector<long long> entry;  // their entry numbers in the file
  std::vector<double> values;    // kept × columns.size(), row-major
  std::vector<double> weights;   // kept, from -mask (empty without one)
  bool has_mask = false;
  long long row_offset = 0, nkept = 0;             // global
  long long dropped_unseen = 0, dropped_mask = 0;  // global
  std::size_t rows() const { return pixel.size(); }
  std::string summary() const;
};

// Collective: reads this rank's entries of the map at `path` (values of the chosen
// columns when with_values), applies UNSEEN and -mask as above. Errors are agreed.
PetscErrorCode read_healpix_field(MPI_Comm comm, const std::string& path, const std::string& role,
                                  const HealpixInputOptions& opt, bool with_values, HealpixField* f);

// Local: the PIXEL column of an EXPLICIT map, entries [first, first + n). Returns "" or
// the message.
std::string read_healpix_pixels(const HealpixHeader& h, long long first, long long n, long long* out);

// Local: unit vectors (n × 3, row-major) of the centres of pixels `pix`.
void healpix_centres(long long nside, bool nested, const long long* pix, std::size_t n, double* xyz);
// Local: the rings of a map (4 NSIDE − 1 iso-latitude rings, north to south; RING pixel
// numbers are the ring-order cell numbers) and the RING numbers of pixels `pix`.
void healpix_ring_layout(long long nside, std::vector<long long>* ring_begin, std::vector<long long>* nphi);
void healpix_ring_cells(long long nside, bool nested, const long long* pix, std::size_t n, long long* cells);

}  // namespace specavg
