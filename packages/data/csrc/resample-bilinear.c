// PIL's bilinear Image.resize on 8-bit RGB, value for value: what torchvision 0.14's Resize and
// RandomResizedCrop run on PIL images. Two separable passes, horizontal then vertical (each
// skipped when that side keeps its size), the triangle filter widened by the scale factor when
// shrinking (antialiasing), weights in 22-bit fixed point, and a round to 8 bits between the
// passes. libvips' resize lands several grey levels away when shrinking (its weights are rounded
// otherwise) and tens when enlarging (another pixel-centre convention); doing it here also keeps
// a batch's bytes independent of the CPU's SIMD paths.
#include "resample-bilinear.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// PIL's PRECISION_BITS for 8-bit images: 32 bits less 8 for the value and 2 of headroom.
#define PRECISION_BITS 22

struct taps {
  int* first;   // each output's first source index
  int* count;   // and its number of taps
  int* weights; // `stride` per output, fixed point
  int stride;
};

static void free_taps(struct taps* t) {
  free(t->first);
  free(t->count);
  free(t->weights);
}

// PIL's precompute_coeffs and normalize_coeffs_8bpc, for outputs 0..out_size-1.
static int make_taps(int in_size, int out_size, struct taps* t) {
  double scale = (double)in_size / out_size;
  double filter_scale = scale < 1.0 ? 1.0 : scale;
  double support = filter_scale;  // the triangle's support is 1
  // PIL multiplies by the reciprocal rather than dividing: the last bit of a weight can differ.
  double inverse = 1.0 / filter_scale;
  t->stride = (int)ceil(support) * 2 + 1;  // PIL's ksize: the most taps any output has
  t->first = malloc(sizeof(int) * out_size);
  t->count = malloc(sizeof(int) * out_size);
  t->weights = malloc(sizeof(int) * out_size * t->stride);
  double* exact = malloc(sizeof(double) * t->stride);
  if (!t->first || !t->count || !t->weights || !exact) {
    free(exact);
    free_taps(t);
    return -1;
  }
  for (int o = 0; o < out_size; o++) {
    double center = (o + 0.5) * scale;
    // C's (int) cast truncates toward zero, as in PIL.
    int lo = (int)(center - support + 0.5);
    if (lo < 0) lo = 0;
    int hi = (int)(center + support + 0.5);
    if (hi > in_size) hi = in_size;
    int n = hi - lo;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double x = (i + lo - center + 0.5) * inverse;
      if (x < 0) x = -x;
      exact[i] = x < 1.0 ? 1.0 - x : 0.0;
      sum += exact[i];
    }
    t->first[o] = lo;
    t->count[o] = n;
    for (int i = 0; i < n; i++) {
      double w = sum != 0 ? exact[i] / sum : exact[i];
      // Triangle weights are never negative: PIL's rounding of a non-negative weight.
      t->weights[o * t->stride + i] = (int)(0.5 + w * (1 << PRECISION_BITS));
    }
  }
  free(exact);
  return 0;
}

static inline uint8_t clip8(int v) {
  v >>= PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}

// Built for AVX2 too (picked at load time where the CPU has it): the vertical pass's 32-bit
// products run ~25% faster than with the baseline's SSE2.
__attribute__((target_clones("avx2", "default")))
int resample_bilinear(const uint8_t* src, int src_width, int src_height, int width, int height, struct window win, uint8_t* out) {
  struct taps v = {0}, h = {0};
  int vertical = height != src_height, horizontal = width != src_width;
  if (vertical && make_taps(src_height, height, &v) != 0) return -1;
  // Source rows the vertical pass reads for the window's rows.
  int row0 = vertical ? v.first[win.top] : win.top;
  int rows = vertical ? v.first[win.top + win.height - 1] + v.count[win.top + win.height - 1] - row0 : win.height;
  const uint8_t* mid;
  size_t mid_stride;
  uint8_t* horizontal_rows = NULL;
  if (horizontal) {
    if (make_taps(src_width, width, &h) != 0 || !(horizontal_rows = malloc((size_t)rows * win.width * 3))) {
      free_taps(&v);
      free_taps(&h);
      return -1;
    }
    for (int r = 0; r < rows; r++) {
      const uint8_t* in = src + (size_t)(row0 + r) * src_width * 3;
      uint8_t* o = horizontal_rows + (size_t)r * win.width * 3;
      for (int x = win.left; x < win.left + win.width; x++, o += 3) {
        const int* k = h.weights + x * h.stride;
        const uint8_t* p = in + h.first[x] * 3;
        int s0 = 1 << (PRECISION_BITS - 1), s1 = s0, s2 = s0;
        for (int i = 0; i < h.count[x]; i++, p += 3) {
          s0 += p[0] * k[i];
          s1 += p[1] * k[i];
          s2 += p[2] * k[i];
        }
        o[0] = clip8(s0);
        o[1] = clip8(s1);
        o[2] = clip8(s2);
      }
    }
    mid = horizontal_rows;
    mid_stride = (size_t)win.width * 3;
  } else {
    mid = src + (size_t)row0 * src_width * 3 + (size_t)win.left * 3;
    mid_stride = (size_t)src_width * 3;
  }
  size_t bytes = (size_t)win.width * 3;
  int* sums = vertical ? malloc(sizeof(int) * bytes) : NULL;
  if (vertical && !sums) {
    free(horizontal_rows);
    free_taps(&v);
    free_taps(&h);
    return -1;
  }
  for (int y = win.top; y < win.top + win.height; y++) {
    uint8_t* o = out + (size_t)(y - win.top) * bytes;
    if (!vertical) {
      memcpy(o, mid + (size_t)(y - win.top) * mid_stride, bytes);
      continue;
    }
    // Row by row over the taps, so the inner loop runs along memory (and vectorises).
    const int* k = v.weights + y * v.stride;
    const uint8_t* p = mid + (size_t)(v.first[y] - row0) * mid_stride;
    for (size_t b = 0; b < bytes; b++) sums[b] = 1 << (PRECISION_BITS - 1);
    for (int i = 0; i < v.count[y]; i++, p += mid_stride)
      for (size_t b = 0; b < bytes; b++) sums[b] += p[b] * k[i];
    for (size_t b = 0; b < bytes; b++) o[b] = clip8(sums[b]);
  }
  free(sums);
  free(horizontal_rows);
  free_taps(&v);
  free_taps(&h);
  return 0;
}
