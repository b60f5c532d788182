#ifndef RWP_JPEG_DECODE_H
#define RWP_JPEG_DECODE_H
#include <stddef.h>
#include <stdint.h>

enum jpeg_result { JPEG_OK, JPEG_NOT_RGB, JPEG_ERROR };

/** Room for any message jpeg_decode_crop writes (libjpeg's are at most JMSG_LENGTH_MAX, 200). */
#define JPEG_MESSAGE_MAX 256

/** Whole-image size and the crop `left, top, width, height` asked of it. */
struct jpeg_crop {
  int left, top, width, height;
};

/**
 * Decodes rows crop.top..crop.top + crop.height of a JPEG as 8-bit RGB and writes the crop's
 * columns into `out` (crop.width * crop.height * 3 bytes). JPEG_NOT_RGB: a colour space libjpeg
 * does not turn into RGB (CMYK, YCCK), nothing written. JPEG_ERROR: `message` says why (a warning,
 * such as a truncated file, counts as an error).
 */
enum jpeg_result jpeg_decode_crop(const uint8_t* bytes, size_t length, struct jpeg_crop crop, uint8_t* out, char* message, size_t message_size);

#endif
