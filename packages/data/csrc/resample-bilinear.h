#ifndef RWP_RESAMPLE_BILINEAR_H
#define RWP_RESAMPLE_BILINEAR_H
#include <stdint.h>

/** A rectangle of the resized image. */
struct window {
  int left, top, width, height;
};

/**
 * PIL's bilinear Image.resize of `src` (src_width x src_height RGB bytes) to width x height,
 * writing only `win` of the result into `out` (win.width * win.height * 3 bytes). 0, or -1 when
 * memory for the intermediate rows is short.
 */
int resample_bilinear(const uint8_t* src, int src_width, int src_height, int width, int height, struct window win, uint8_t* out);

#endif
