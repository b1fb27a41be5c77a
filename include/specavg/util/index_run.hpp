#pragma once
// A regular run of indices along one dimension, in HDF5's hyperslab terms: `count` blocks
// of `block` consecutive indices, the blocks `stride` apart, the first at `start`.
namespace specavg {

struct IndexRun {
  long long start = 0, stride = 1, count = 0, block = 0;
  long long size() const { return count * block; }
};

}  // namespace specavg
