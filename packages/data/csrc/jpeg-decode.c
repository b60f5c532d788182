// JPEG to RGB through Debian's libjpeg-turbo (libjpeg62-turbo), the build PIL links: same
// defaults (accurate integer IDCT, fancy upsampling), so the same pixels as torchvision's
// decode. Only the crop's rows (and the last) are decoded in full; the others are skipped
// (jpeg_skip_scanlines), their data read through, so a file cut short below the crop is refused.
#include "jpeg-decode.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

struct error_state {
  struct jpeg_error_mgr mgr;
  jmp_buf jump;
  char* message;
  size_t message_size;
};

static void fail(j_common_ptr cinfo) {
  struct error_state* e = (struct error_state*)cinfo->err;
  char text[JMSG_LENGTH_MAX];
  e->mgr.format_message(cinfo, text);
  snprintf(e->message, e->message_size, "%s", text);
  longjmp(e->jump, 1);
}

// msg_level -1 is a warning about the data (corrupt or cut short): an error here, as it is
// for libvips' fail-on-warning. Trace messages (levels >= 0) are dropped, never printed.
static void on_message(j_common_ptr cinfo, int msg_level) {
  if (msg_level < 0) fail(cinfo);
}

enum jpeg_result jpeg_decode_crop(const uint8_t* bytes, size_t length, struct jpeg_crop crop, uint8_t* out, char* message, size_t message_size) {
  struct jpeg_decompress_struct cinfo;
  struct error_state err;
  // Volatile: assigned after setjmp and read after a longjmp.
  JSAMPLE* volatile row = NULL;
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = fail;
  err.mgr.emit_message = on_message;
  err.message = message;
  err.message_size = message_size;
  jpeg_create_decompress(&cinfo);
  if (setjmp(err.jump)) {
    free(row);
    jpeg_destroy_decompress(&cinfo);
    return JPEG_ERROR;
  }
  jpeg_mem_src(&cinfo, bytes, (unsigned long)length);
  jpeg_read_header(&cinfo, TRUE);
  if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
    jpeg_destroy_decompress(&cinfo);
    return JPEG_NOT_RGB;
  }
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  JDIMENSION width = cinfo.output_width, height = cinfo.output_height;
  if (crop.left < 0 || crop.top < 0 || crop.width <= 0 || crop.height <= 0 || (JDIMENSION)(crop.left + crop.width) > width ||
      (JDIMENSION)(crop.top + crop.height) > height) {
    snprintf(message, message_size, "crop %dx%d at (%d, %d) outside the %ux%u image", crop.width, crop.height, crop.left, crop.top, width, height);
    jpeg_destroy_decompress(&cinfo);
    return JPEG_ERROR;
  }
  row = malloc((size_t)width * 3);
  if (row == NULL) {
    snprintf(message, message_size, "out of memory for a row of %u pixels", width);
    jpeg_destroy_decompress(&cinfo);
    return JPEG_ERROR;
  }
  if (crop.top > 0) jpeg_skip_scanlines(&cinfo, (JDIMENSION)crop.top);
  for (int r = 0; r < crop.height; r++) {
    JSAMPROW rows[1] = {row};
    jpeg_read_scanlines(&cinfo, rows, 1);
    memcpy(out + (size_t)r * crop.width * 3, row + (size_t)crop.left * 3, (size_t)crop.width * 3);
  }
  // Skipping to the very end would mark the file complete without reading it (libjpeg-turbo
  // does so): the last row is decoded, so the data must all be there.
  if (cinfo.output_scanline + 1 < height) jpeg_skip_scanlines(&cinfo, height - 1 - cinfo.output_scanline);
  while (cinfo.output_scanline < height) {
    JSAMPROW rows[1] = {row};
    jpeg_read_scanlines(&cinfo, rows, 1);
  }
  jpeg_finish_decompress(&cinfo);
  free(row);
  jpeg_destroy_decompress(&cinfo);
  return JPEG_OK;
}
