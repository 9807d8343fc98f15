// A packet jitter buffer ordered by RTP sequence number. It assumes one packet carries one frame of
// the port's ptime, which is what the G.711 ports send and what most peers do.
//
//   idle --(depth packets buffered)--> playing --(max_lost_run frames lost in a row)--> idle
//
// Fixed mode keeps the prefetch depth: a frame that is not there when due is declared lost (the
// caller conceals it) and the late packet is dropped when it arrives. Adaptive mode instead stalls
// on an underflow, which adds one frame of delay (up to max_depth), and gives a frame of delay back
// when the buffer has stayed above its target for a while.
#ifndef TSW_MEDIA_JITTER_BUFFER_H_
#define TSW_MEDIA_JITTER_BUFFER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tsw::media {

struct JitterConfig {
  int depth = 2;       // frames buffered before playout starts (and the adaptive minimum)
  int max_depth = 10;  // packets held at most; older ones are dropped beyond it
  bool adaptive = false;
  int max_lost_run = 10;  // consecutive lost frames before returning to idle
};

struct JitterStats {
  uint64_t pushed = 0;
  uint64_t played = 0;
  uint64_t lost = 0;        // frames declared lost (concealed by the caller)
  uint64_t late = 0;        // packets that arrived after their frame was played or skipped
  uint64_t duplicates = 0;  // a packet with a sequence number already buffered
  uint64_t overflow = 0;    // packets dropped because max_depth was exceeded
  uint64_t resyncs = 0;     // returns to idle, or jumps after a sequence discontinuity
};

class JitterBuffer {
 public:
  static constexpr size_t kMaxPayload = 512;
  static constexpr size_t kSlots = 64;  // power of two, > max_depth

  enum class Result { kFrame, kLost, kIdle };

  explicit JitterBuffer(JitterConfig config);

  // Stores one packet. Returns false when it was dropped (late, duplicate, too large).
  bool Push(uint16_t seq, uint32_t timestamp, const uint8_t* payload, size_t size);

  // Marks `seq` as a packet that carries no audio (an RFC 4733 event shares the stream's sequence
  // numbers), so that playout steps over it instead of concealing a frame that never existed.
  void Skip(uint16_t seq);
  // Takes the next frame. kFrame fills `payload`/`size`; kLost means the frame is missing and
  // should be concealed; kIdle means nothing is playing (the caller produces silence).
  Result Pop(const uint8_t** payload, size_t* size);

  bool playing() const { return playing_; }
  int buffered() const { return count_; }
  int target_depth() const { return target_; }
  const JitterStats& stats() const { return stats_; }

 private:
  struct Slot {
    bool used = false;
    uint16_t seq = 0;
    uint32_t timestamp = 0;
    uint16_t size = 0;
    std::array<uint8_t, kMaxPayload> data{};
  };

  Slot& SlotFor(uint16_t seq) { return slots_[seq & (kSlots - 1)]; }
  void Reset();
  void DropOldest();
  uint16_t OldestSeq() const;

  JitterConfig config_;
  std::vector<Slot> slots_;
  bool playing_ = false;
  uint16_t next_seq_ = 0;
  int count_ = 0;
  int target_;
  int lost_run_ = 0;
  int above_target_pops_ = 0;
  uint8_t last_payload_[kMaxPayload] = {};
  std::array<int32_t, kSlots> skipped_;  // seq numbers to step over, -1 for none
  JitterStats stats_;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_JITTER_BUFFER_H_
