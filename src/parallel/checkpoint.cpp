#include "specavg/parallel/checkpoint.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/parallel/owned_gram.hpp"
#include "specavg/util/sha256.hpp"

namespace specavg {
namespace {

constexpr const char* kFormat = "specavg-checkpoint";
constexpr int kVersion = 1;
constexpr const char* kOwnedLayout = "owned_block_cyclic";  // gram_owned, see for_each_owned_round

// Options that say how to run, not what to fit (restarting with other values is fine).
bool run_only_option(const std::string& name) {
  static const char* exact[] = {"checkpoint",   "checkpoint_every",     "restart",       "model",
                                "data",         "block_rows",           "max_block_mib", "max_memory_gib",
                                "blas_threads", "test_block_delay",     "info",          "memory_view",
                                "help",         "allow_unknown_options"};
  for (const char* e : exact)
    if (name == e) return true;
  for (const char* p : {"log_", "malloc", "options_"})
    if (name.rfind(p, 0) == 0) return true;
  return name == "log_view";
}

std::map<std::string, std::string> parse_key_lines(const std::string& text) {
  std::map<std::string, std::string> m;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t eq = line.find('=');
    if (eq != std::string::npos) m[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return m;
}

// "-tau (1e-6 here, 1e-5 in the checkpoint), -lmax (...)" for the options that differ.
std::string options_difference(const std::string& job, const std::string& saved) {
  const auto a = parse_key_lines(job), b = parse_key_lines(saved);
  std::vector<std::string> diff;
  auto show = [](const std::string& v) { return v.empty() ? std::string("set") : v; };
  for (const auto& [k, v] : a) {
    auto it = b.find(k);
    if (it == b.end())
      diff.push_back("-" + k + " (" + show(v) + " here, not set in the checkpoint)");
    else if (it->second != v)
      diff.push_back("-" + k + " (" + show(v) + " here, " + show(it->second) + " in the checkpoint)");
  }
  for (const auto& [k, v] : b)
    if (!a.count(k)) diff.push_back("-" + k + " (not set here, " + show(v) + " in the checkpoint)");
  std::string s;
  for (std::size_t i = 0; i < diff.size() && i < 6; ++i) s += (i ? ", " : "") + diff[i];
  if (diff.size() > 6) s += ", ...";
  return s;
}

const std::string* find_string(const Attributes& a, const std::string& k) {
  for (const auto& [n, v] : a.strings)
    if (n == k) return &v;
  return nullptr;
}
const double* find_number(const Attributes& a, const std::string& k) {
  for (const auto& [n, v] : a.numbers)
    if (n == k) return &v;
  return nullptr;
}

// Sizes of one rank's row of the partial_* datasets.
struct RowSizes {
  std::size_t gram = 0, rhs = 0, yy = 0, counts = 0;
  RowSizes(int A, int D, int k, bool with_gram)
      : gram(with_gram ? std::size_t(A) * D * D : 0),
        rhs(std::size_t(A) * D * k),
        yy(std::size_t(A) * k),
        counts(std::size_t(A) * 3) {}
};

struct RankRow {
  std::vector<double> gram, rhs, yy, counts, progress;
  std::string sha256() const {
    Sha256 h;
    for (const auto* v : {&gram, &rhs, &yy, &counts, &progress}) h.update(v->data(), v->size() * sizeof(double));
    return h.hex();
  }
};

RankRow pack(const AccumulationState& s, const RowSizes& z) {
  RankRow r;
  r.gram.reserve(z.gram);
  for (const auto& ne : s.sums) {
    if (!ne.owned) r.gram.insert(r.gram.end(), ne.gram.begin(), ne.gram.end());  // owned: gram_owned
    r.rhs.insert(r.rhs.end(), ne.rhs.begin(), ne.rhs.end());
    r.yy.insert(r.yy.end(), ne.yy.begin(), ne.yy.end());
    r.counts.insert(r.counts.end(), {ne.wsum, double(ne.n), double(ne.n_positive)});
  }
  r.progress = {double(s.begin), double(s.count), double(s.cursor)};
  return r;
}

// Adds one saved rank's sums into `sums` (started, same shapes).
void add_row(const RankRow& r, int D, int k, std::vector<NormalEquations>* sums) {
  for (std::size_t a = 0; a < sums->size(); ++a) {
    NormalEquations& ne = (*sums)[a];
    const std::size_t g = std::size_t(D) * D;
    if (ne.with_gram && !ne.owned)
      for (std::size_t i = 0; i < g; ++i) ne.gram[i] += r.gram[a * g + i];
    for (std::size_t i = 0; i < std::size_t(D) * k; ++i) ne.rhs[i] += r.rhs[a * D * k + i];
    for (int i = 0; i < k; ++i) ne.yy[i] += r.yy[a * k + i];
    ne.wsum += r.counts[3 * a];
    ne.n += (long long)r.counts[3 * a + 1];
    ne.n_positive += (long long)r.counts[3 * a + 2];
  }
}

// Checksum of an owned Gram that does not depend on its layout (rank count): over the
// lower triangle only (the rest is undefined), Σ bits(G_ij)·(2(i·D + j) + 1) mod 2⁶⁴ (odd
// factors, so any one changed value changes it), summed over the ranks. Collective.
PetscErrorCode owned_gram_check(MPI_Comm comm, const NormalEquations& ne, std::string* hex) {
  PetscFunctionBeginUser;
  const BlockCyclic& L = ne.layout;
  std::uint64_t sum = 0;
  for (long long lj = 0; lj < L.locc; ++lj) {
    const std::uint64_t gj = std::uint64_t(L.global_col(lj));
    for (long long li = L.first_local_row_from((long long)gj); li < L.locr; ++li) {
      std::uint64_t bits;
      std::memcpy(&bits, &ne.gram[std::size_t(lj * L.lld() + li)], sizeof bits);
      sum += bits * (2 * (std::uint64_t(L.global_row(li)) * std::uint64_t(L.n) + gj) + 1);
    }
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &sum, 1, MPI_UINT64_T, MPI_SUM, comm));
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", (unsigned long long)sum);
  *hex = buf;
  PetscFunctionReturn(PETSC_SUCCESS);
}

// The owned Gram's dataset gram_owned (D × D) holds G_ij (i ≥ j) at [j][i]: a rank's
// column-major share is, read row-major, its columns' rows of the file. It moves in
// collective rounds of whole local column blocks, at most 64 MiB per rank (MPI-IO counts
// are ints); `move` reads or writes one round (file rows, file columns, offset of the
// round's first entry in ne.gram).
PetscErrorCode for_each_owned_round(
    MPI_Comm comm, const NormalEquations& ne,
    const std::function<PetscErrorCode(const std::vector<IndexRun>&, const std::vector<IndexRun>&, std::size_t)>&
        move) {
  PetscFunctionBeginUser;
  const BlockCyclic& L = ne.layout;
  const long long blocks = std::max<long long>(1, ((std::size_t(64) << 20) / (8 * std::size_t(L.lld()))) / L.nb);
  const long long per = blocks * L.nb;  // local columns per round
  long long mine = (L.locc + per - 1) / per, most = 0;
  PetscCallMPI(MPI_Allreduce(&mine, &most, 1, MPI_LONG_LONG, MPI_MAX, comm));
  const std::vector<IndexRun> rows = row_runs(L), none;
  for (long long c = 0; c < most; ++c) {
    const long long lj0 = std::min(c * per, L.locc), ncols = std::min(per, L.locc - lj0);
    const bool any = ncols > 0 && L.locr > 0;
    PetscCall(move(any ? column_runs(L, lj0, ncols) : none, any ? rows : none, any ? std::size_t(lj0 * L.lld()) : 0));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

std::string shared_sha256(const std::vector<double>& spaces, const std::vector<double>& q,
                          const std::vector<double>& prior) {
  Sha256 h;
  for (const auto* v : {&spaces, &q, &prior}) h.update(v->data(), v->size() * sizeof(double));
  return h.hex();
}

std::string utc_now() {
  char buf[32];
  std::time_t t = std::time(nullptr);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace

std::vector<RowInterval> merge_intervals(std::vector<RowInterval> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](const RowInterval& r) { return r.end <= r.begin; }), v.end());
  std::sort(v.begin(), v.end(), [](const RowInterval& a, const RowInterval& b) { return a.begin < b.begin; });
  std::vector<RowInterval> out;
  for (const RowInterval& r : v) {
    if (!out.empty() && r.begin <= out.back().end)
      out.back().end = std::max(out.back().end, r.end);
    else
      out.push_back(r);
  }
  return out;
}

CheckpointKey options_key() {
  CheckpointKey key;
  char* all = nullptr;
  std::string text;
  if (!PetscOptionsGetAll(nullptr, &all) && all) {
    text = all;
    PetscFree(all);
  }
  // "-name value -flag -name2 value2": a token starting with '-' and a letter is a name.
  std::map<std::string, std::string> opts;
  std::istringstream in(text);
  std::string tok, name;
  while (in >> tok) {
    if (tok.size() > 1 && tok[0] == '-' && (std::isalpha((unsigned char)tok[1]) || tok[1] == '_')) {
      name = tok.substr(1);
      opts[name];
    } else if (!name.empty()) {
      std::string& v = opts[name];
      v += (v.empty() ? "" : " ") + tok;
    }
  }
  for (const auto& [k, v] : opts)
    if (!run_only_option(k)) key.options += k + "=" + v + "\n";
  key.options_sha256 = sha256_hex(key.options);
  return key;
}

PetscErrorCode data_fingerprint(MPI_Comm comm, const std::string& path, const RowSource& src, std::string* out) {
  PetscFunctionBeginUser;
  int rank;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  char hex[65] = {0};
  int ok = 1;
  if (rank == 0) {
    Sha256 h;
    const double shape[5] = {double(src.rows_total()), double(src.dim()), double(src.ntargets()),
                             double(src.has_weights()), double(src.has_truth())};
    h.update(shape, sizeof shape);
    struct stat sb;
    std::ifstream f(path, std::ios::binary);
    ok = ::stat(path.c_str(), &sb) == 0 && bool(f);
    if (ok) {
      const long long size = (long long)sb.st_size;
      h.update(&size, sizeof size);
      constexpr long long kWindow = 64 << 10, kWindows = 64;
      std::vector<char> buf(kWindow);
      const bool whole = size <= kWindow * kWindows;
      const long long n = whole ? (size + kWindow - 1) / kWindow : kWindows;
      for (long long w = 0; w < n && ok; ++w) {
        const long long at = whole ? w * kWindow : (size - kWindow) * w / (kWindows - 1);
        f.seekg(at);
        f.read(buf.data(), std::streamsize(std::min(kWindow, size - at)));
        ok = !f.bad();
        h.update(buf.data(), std::size_t(f.gcount()));
        f.clear();
      }
    }
    const std::string s = h.hex();
    std::copy(s.begin(), s.end(), hex);
  }
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
  PetscCall(collective_check(comm, ok, "cannot read -data '" + path + "' to fingerprint it for the checkpoint"));
  PetscCallMPI(MPI_Bcast(hex, 64, MPI_CHAR, 0, comm));
  *out = std::string(hex, 64);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode write_checkpoint(MPI_Comm comm, const std::string& path, const CheckpointKey& key,
                                const InvariantBasis& basis, const AccumulationState& state, PetscInt block_rows,
                                long long n_rows) {
  PetscFunctionBeginUser;
  int rank, size;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  const int A = int(state.sums.size()), D = basis.dinv(), k = state.sums.front().ntargets;
  const bool with_gram = state.sums.front().with_gram, owned = state.sums.front().owned;
  PetscCheck(!owned || A == 1, comm, PETSC_ERR_ARG_WRONGSTATE, "owned Gram rows come with one accumulator");
  const RowSizes z(A, D, k, with_gram && !owned);
  const RankRow row = pack(state, z);
  // The ranks' checksums, joined in rank order (the attribute is the same on every rank).
  const std::string mine = row.sha256();
  std::vector<char> all(std::size_t(size) * 64);
  PetscCallMPI(MPI_Allgather(mine.data(), 64, MPI_CHAR, all.data(), 64, MPI_CHAR, comm));
  std::string sha_ranks;
  for (int r = 0; r < size; ++r) sha_ranks += (r ? " " : "") + std::string(&all[std::size_t(r) * 64], 64);
  long long summed = 0, local = (long long)state.cursor;
  PetscCallMPI(MPI_Allreduce(&local, &summed, 1, MPI_LONG_LONG, MPI_SUM, comm));
  std::vector<double> spaces, q, prior;
  for (const SpaceInvariants& s : basis.spaces) {
    spaces.insert(spaces.end(), {double(s.label), s.lambda, double(s.m), double(s.k), s.residual});
    q.insert(q.end(), s.Q.begin(), s.Q.end());
  }
  for (const RowInterval& r : state.prior) {
    prior.insert(prior.end(), {double(r.begin), double(r.end)});
    summed += r.end - r.begin;
  }

  Attributes at;
  at.set("format", kFormat);
  at.set("format_version", double(kVersion));
  at.set("content",
         "specavg training checkpoint: invariant basis, partial normal equations per rank (partial_*), rows "
         "scanned per rank (progress: begin, count, cursor), rows summed on another rank count (prior)");
  at.set("created", utc_now());
  at.set("specavg_version", SPECAVG_VERSION);
  at.set("options", key.options);
  at.set("options_sha256", key.options_sha256);
  at.set("data_sha256", key.data_sha256);
  at.set("sha256_ranks", sha_ranks);
  at.set("sha256_shared", shared_sha256(spaces, q, prior));
  at.set("cutoff", basis.cutoff);
  at.set("nranks", double(size));
  at.set("dinv", double(D));
  at.set("ntargets", double(k));
  at.set("with_gram", double(with_gram));
  // replicated: partial_gram holds every rank's whole partial Gram; owned: gram_owned holds
  // the lower triangle of the D_inv x D_inv sums so far (transposed), each rank writing its
  // block-cyclic share (checked by gram_owned_check).
  at.set("gram_layout", owned ? kOwnedLayout : "replicated");
  std::string gram_check;
  if (owned) PetscCall(owned_gram_check(comm, state.sums.front(), &gram_check));
  at.set("gram_owned_check", gram_check);
  at.set("accumulators", double(A));
  at.set("block_rows", double(block_rows));
  at.set("n_rows", double(n_rows));
  at.set("rows_summed", double(summed));
  at.set("spaces", double(basis.spaces.size()));
  at.set("q_total", double(q.size()));
  at.set("prior_intervals", double(state.prior.size()));

  H5Writer w;
  PetscCall(w.create(comm, path, "-checkpoint"));
  auto per_rank = [&](const char* name, const std::vector<double>& v) -> PetscErrorCode {
    PetscFunctionBeginUser;
    PetscCall(w.create_dataset(name, {hsize_t(size), hsize_t(std::max<std::size_t>(v.size(), 1))}));
    std::vector<double> one(v.empty() ? 1 : 0, 0.0);  // keep a zero-width row writable
    PetscCall(w.write_rows(name, rank, 1, v.empty() ? one.data() : v.data()));
    PetscFunctionReturn(PETSC_SUCCESS);
  };
  auto shared = [&](const char* name, const std::vector<double>& v, hsize_t cols) -> PetscErrorCode {
    PetscFunctionBeginUser;
    const hsize_t rows = std::max<hsize_t>(v.size() / cols, 1);
    std::vector<double> pad(rows * cols, 0.0);
    std::copy(v.begin(), v.end(), pad.begin());
    PetscCall(w.create_dataset(name, {rows, cols}));
    PetscCall(w.write_rows(name, 0, rank == 0 ? PetscInt(rows) : 0, pad.data()));
    PetscFunctionReturn(PETSC_SUCCESS);
  };
  if (with_gram && !owned) PetscCall(per_rank("partial_gram", row.gram));
  if (owned) {
    PetscCall(w.create_dataset("gram_owned", {hsize_t(D), hsize_t(std::max(D, 1))}));
    const std::vector<double>& g = state.sums.front().gram;
    PetscCall(for_each_owned_round(comm, state.sums.front(), [&](const auto& rows, const auto& cols, std::size_t at) {
      return w.write_runs("gram_owned", rows, cols, rows.empty() ? nullptr : g.data() + at);
    }));
  }
  PetscCall(per_rank("partial_rhs", row.rhs));
  PetscCall(per_rank("partial_yy", row.yy));
  PetscCall(per_rank("partial_counts", row.counts));
  PetscCall(per_rank("progress", row.progress));
  PetscCall(shared("basis_spaces", spaces, 5));
  PetscCall(shared("basis_q", q, 1));
  PetscCall(shared("prior", prior, 2));
  PetscCall(w.write_attributes(at));
  PetscCall(w.commit());
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode read_checkpoint(MPI_Comm comm, const std::string& path, const CheckpointKey& key,
                               const RestartExpect& ex, const RowSource& src, InvariantBasis* basis,
                               AccumulationState* state, bool* same_ranks) {
  PetscFunctionBeginUser;
  int rank, size;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  const std::string where = "-restart '" + path + "'";
  const std::string retry = ": restart from another checkpoint, or train without -restart";
  H5Reader r;
  PetscCall(r.open(comm, path, "-restart"));
  Attributes at;
  PetscCall(r.read_attributes(&at));
  const std::string* format = find_string(at, "format");
  PetscCall(r.agree(format && *format == kFormat,
                    where + " is not a specavg checkpoint (no format attribute '" + kFormat + "')" + retry));
  auto num = [&](const char* name, double* v) -> PetscErrorCode {
    const double* p = find_number(at, name);
    if (p) *v = *p;
    return r.agree(p != nullptr, where + " lacks the attribute '" + name + "': the file is damaged" + retry);
  };
  auto str = [&](const char* name, std::string* v) -> PetscErrorCode {
    const std::string* p = find_string(at, name);
    if (p) *v = *p;
    return r.agree(p != nullptr, where + " lacks the attribute '" + name + "': the file is damaged" + retry);
  };
  double version = 0, nranks = 0, dinv = 0, ntargets = 0, with_gram = 0, accs = 0, n_rows = 0, nspaces = 0, q_total = 0,
         nprior = 0;
  std::string opts, opts_sha, data_sha, sha_ranks, sha_shared;
  PetscCall(num("format_version", &version));
  PetscCall(r.agree(version == kVersion, where + " has checkpoint format " + std::to_string(int(version)) +
                                             ", this specavg reads format " + std::to_string(kVersion) + retry));
  for (auto [n, v] : {std::pair{"nranks", &nranks},
                      {"dinv", &dinv},
                      {"ntargets", &ntargets},
                      {"with_gram", &with_gram},
                      {"accumulators", &accs},
                      {"n_rows", &n_rows},
                      {"spaces", &nspaces},
                      {"q_total", &q_total},
                      {"prior_intervals", &nprior}})
    PetscCall(num(n, v));
  for (auto [n, v] : {std::pair{"options", &opts},
                      {"options_sha256", &opts_sha},
                      {"data_sha256", &data_sha},
                      {"sha256_ranks", &sha_ranks},
                      {"sha256_shared", &sha_shared}})
    PetscCall(str(n, v));
  PetscCall(r.agree(opts_sha == key.options_sha256,
                    where + " was written by a job with other options: " + options_difference(key.options, opts) +
                        ". Restart with the options of the interrupted job (only -checkpoint, -checkpoint_every, "
                        "-block_rows, -max_block_mib, -blas_threads, -data's path and logging may change), or "
                        "train without -restart"));
  PetscCall(r.agree(data_sha == key.data_sha256,
                    where + " was written for other data than -data (its fingerprint differs: another file, or "
                            "the file changed since). Restart with the same data, or train without -restart"));
  PetscCall(r.agree((long long)n_rows == (long long)src.rows_total() && int(ntargets) == ex.ntargets &&
                        bool(with_gram) == ex.with_gram && int(accs) == ex.accumulators && nranks >= 1,
                    where +
                        " does not describe this job's data and estimator (rows, targets or accumulators "
                        "differ)" +
                        retry));
  // The basis: one row per eigenspace (label, λ, m, k, residual) and the Q_λ, concatenated.
  const std::size_t S = std::size_t(nspaces);
  PetscCall(r.agree(S == ex.spaces->size(), where + " holds " + std::to_string(S) + " eigenspaces, the cutoff " +
                                                ex.cutoff + " has " + std::to_string(ex.spaces->size()) + retry));
  std::vector<double> spaces(std::max<std::size_t>(S, 1) * 5), q(std::max<std::size_t>(std::size_t(q_total), 1)),
      prior(std::max<std::size_t>(std::size_t(nprior), 1) * 2);
  PetscCall(r.read_rows("basis_spaces", 0, PetscInt(std::max<std::size_t>(S, 1)), spaces.data()));
  PetscCall(r.read_rows("basis_q", 0, PetscInt(q.size()), q.data()));
  PetscCall(r.read_rows("prior", 0, PetscInt(prior.size() / 2), prior.data()));
  spaces.resize(S * 5), q.resize(std::size_t(q_total)), prior.resize(std::size_t(nprior) * 2);
  PetscCall(r.agree(shared_sha256(spaces, q, prior) == sha_shared,
                    where + " is corrupt: its basis or progress does not match its checksum" + retry));
  *basis = InvariantBasis{};
  basis->manifold = ex.manifold->shared_from_this();
  basis->cutoff = ex.cutoff;
  std::size_t at_q = 0;
  bool labels_ok = true;
  for (std::size_t s = 0; s < S; ++s) {
    SpaceInvariants si;
    si.label = int(spaces[5 * s]);
    si.lambda = spaces[5 * s + 1];
    si.m = int(spaces[5 * s + 2]);
    si.k = int(spaces[5 * s + 3]);
    si.residual = spaces[5 * s + 4];
    si.method = "checkpoint";
    labels_ok = labels_ok && si.label == (*ex.spaces)[s].label && std::size_t(si.m) == (*ex.spaces)[s].m && si.k >= 0 &&
                si.k <= si.m && (ex.ring || ex.sparse_q || at_q + std::size_t(si.m) * si.k <= q.size());
    if (!labels_ok) break;
    if (!ex.ring && !ex.sparse_q)
      si.Q.assign(q.begin() + long(at_q), q.begin() + long(at_q + std::size_t(si.m) * si.k));
    at_q += si.Q.size();
    basis->spaces.push_back(std::move(si));
  }
  PetscCall(r.agree(labels_ok && basis->dinv() == int(dinv),
                    where + " holds a basis for other eigenspaces than the cutoff " + ex.cutoff + retry));
  // Progress of every saved rank (small).
  const int P = int(nranks), D = int(dinv), k = int(ntargets), A = int(accs);
  std::vector<double> progress(std::size_t(P) * 3);
  for (int s = 0; s < P; ++s)  // one collective read per saved rank keeps the datasets 2-D
    PetscCall(r.read_rows("progress", s, rank == 0 ? 1 : 0, progress.data() + 3 * s));
  PetscCallMPI(MPI_Bcast(progress.data(), int(progress.size()), MPI_DOUBLE, 0, comm));
  int same = P == size && PetscInt(progress[3 * rank]) == src.local_begin() &&
             PetscInt(progress[3 * rank + 1]) == src.local_count();
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &same, 1, MPI_INT, MPI_MIN, comm));
  *same_ranks = same;
  std::vector<std::string> sha(P);
  {
    std::istringstream in(sha_ranks);
    for (auto& h : sha) in >> h;
  }
  const std::string* layout = find_string(at, "gram_layout");
  PetscCall(r.agree(!layout || *layout != "owned",
                    where + " holds the Gram by rows, a layout of an earlier specavg that this one does not read: "
                            "train afresh (without -restart)"));
  const bool owned = layout && *layout == kOwnedLayout;
  PetscCall(r.agree(!owned || (A == 1 && ex.with_gram), where + " holds owned Gram rows for another job" + retry));
  *state = AccumulationState{};
  state->sums.resize(std::size_t(A));
  for (auto& ne : state->sums)
    if (owned)
      start_owned_normal_equations(D, k, rank, size, &ne);
    else
      start_normal_equations(D, k, ex.with_gram, &ne);
  state->begin = src.local_begin();
  state->count = src.local_count();
  if (owned) {  // this rank's share in the new layout: the sums of every saved rank already
    NormalEquations& ne = state->sums.front();
    PetscCall(for_each_owned_round(comm, ne, [&](const auto& rows, const auto& cols, std::size_t at) {
      return r.read_runs("gram_owned", rows, cols, rows.empty() ? nullptr : ne.gram.data() + at);
    }));
    std::string check, saved;
    PetscCall(owned_gram_check(comm, ne, &check));
    PetscCall(str("gram_owned_check", &saved));
    PetscCall(r.agree(check == saved, where + " is corrupt: its Gram matrix does not match its checksum" + retry));
  }
  const RowSizes z(A, D, k, ex.with_gram && !owned);
  // Saved rank s goes to rank s (same rank count) or s mod size, in rounds of `size` reads.
  bool sums_ok = true;
  for (int round = 0; round * size < P; ++round) {
    const int s = round * size + rank;
    const PetscInt c = s < P ? 1 : 0;
    RankRow row;
    row.gram.resize(c ? z.gram : 0), row.rhs.resize(c ? z.rhs : 0), row.yy.resize(c ? z.yy : 0);
    row.counts.resize(c ? z.counts : 0);
    if (ex.with_gram && !owned) PetscCall(r.read_rows("partial_gram", s, c, row.gram.data()));
    PetscCall(r.read_rows("partial_rhs", s, c, row.rhs.data()));
    PetscCall(r.read_rows("partial_yy", s, c, row.yy.data()));
    PetscCall(r.read_rows("partial_counts", s, c, row.counts.data()));
    if (!c) continue;
    row.progress.assign(progress.begin() + 3 * s, progress.begin() + 3 * s + 3);
    if (row.sha256() != sha[std::size_t(s)]) {
      sums_ok = false;
      continue;
    }
    add_row(row, D, k, &state->sums);
  }
  PetscCall(r.agree(sums_ok, where + " is corrupt: the partial sums of a rank do not match their checksum" + retry));
  PetscCall(r.close());
  for (std::size_t i = 0; i + 1 < prior.size(); i += 2)
    state->prior.push_back({(long long)prior[i], (long long)prior[i + 1]});
  if (same) {
    state->cursor = PetscInt(progress[3 * rank + 2]);
  } else {  // everything the saved ranks summed is skipped from now on
    for (int s = 0; s < P; ++s)
      state->prior.push_back({(long long)progress[3 * s], (long long)(progress[3 * s] + progress[3 * s + 2])});
    state->prior = merge_intervals(state->prior);
    state->cursor = 0;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
