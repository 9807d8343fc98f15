#include "g711.h"

#include <spandsp.h>

namespace tsw::media {

void G711Encode(G711Law law, const int16_t* pcm, size_t count, uint8_t* out) {
  if (law == G711Law::kUlaw) {
    for (size_t i = 0; i < count; ++i) out[i] = linear_to_ulaw(pcm[i]);
  } else {
    for (size_t i = 0; i < count; ++i) out[i] = linear_to_alaw(pcm[i]);
  }
}

void G711Decode(G711Law law, const uint8_t* coded, size_t count, int16_t* out) {
  if (law == G711Law::kUlaw) {
    for (size_t i = 0; i < count; ++i) out[i] = ulaw_to_linear(coded[i]);
  } else {
    for (size_t i = 0; i < count; ++i) out[i] = alaw_to_linear(coded[i]);
  }
}

}  // namespace tsw::media
