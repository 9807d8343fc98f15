// G.711 (ITU-T G.711) frame conversion on top of spandsp's per-sample tables. The engine codes
// whole frames, so these helpers loop over a buffer; the companding itself is spandsp's.
#ifndef TSW_MEDIA_G711_H_
#define TSW_MEDIA_G711_H_

#include <cstddef>
#include <cstdint>

namespace tsw::media {

enum class G711Law { kUlaw, kAlaw };

// RTP static payload types for G.711 (RFC 3551 §6, table 4).
constexpr int kPayloadPcmu = 0;
constexpr int kPayloadPcma = 8;

inline int G711PayloadType(G711Law law) {
  return law == G711Law::kUlaw ? kPayloadPcmu : kPayloadPcma;
}

void G711Encode(G711Law law, const int16_t* pcm, size_t count, uint8_t* out);
void G711Decode(G711Law law, const uint8_t* coded, size_t count, int16_t* out);

}  // namespace tsw::media

#endif  // TSW_MEDIA_G711_H_
