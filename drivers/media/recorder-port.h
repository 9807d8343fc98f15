// A port that writes what it is given to a WAV file at the port's rate. Silence is written as
// zeros so that the file keeps real time. It never produces audio.
//
// The file is written from the media thread through stdio's buffer; moving the writes to a
// helper thread is left for later (a slow disk would show up as late ticks).
#ifndef TSW_MEDIA_RECORDER_PORT_H_
#define TSW_MEDIA_RECORDER_PORT_H_

#include <string>

#include "port.h"
#include "wav-file.h"

namespace tsw::media {

class RecorderPort : public Port {
 public:
  RecorderPort(uint32_t id, int rate, int ptime_ms);

  // Opens the file; returns 0 or an errno value. Called on the JS thread before the port is
  // handed to the engine.
  int Open(const std::string& path);

  const char* kind() const override { return "recorder"; }
  bool ReadFrame(int16_t* /*out*/, EventList& /*events*/) override { return false; }
  void WriteFrame(const int16_t* in, EventList& events) override;

 private:
  WavWriter writer_;
  bool reported_error_ = false;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_RECORDER_PORT_H_
