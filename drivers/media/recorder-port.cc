#include "recorder-port.h"

#include <cstring>
#include <utility>

namespace tsw::media {

RecorderPort::RecorderPort(uint32_t id, int rate, int ptime_ms) : Port(id, rate, ptime_ms) {}

int RecorderPort::Open(const std::string& path) { return writer_.Open(path, rate()); }

void RecorderPort::WriteFrame(const int16_t* in, EventList& events) {
  const bool ok =
      in != nullptr ? writer_.Write(in, frame_samples()) : writer_.WriteSilence(frame_samples());
  if (!ok && !reported_error_) {
    reported_error_ = true;
    MediaEvent ev;
    ev.type = "record-error";
    ev.port = id();
    ev.detail = std::strerror(writer_.last_error());
    events.push_back(std::move(ev));
  }
}

}  // namespace tsw::media
