// Mono 16-bit PCM WAV (RIFF/WAVE with a "fmt " and a "data" chunk) reading and writing. The reader
// loads the whole file on the JS thread when a player is created, so that the media thread never
// touches the disk for playback.
#ifndef TSW_MEDIA_WAV_FILE_H_
#define TSW_MEDIA_WAV_FILE_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace tsw::media {

struct WavData {
  int rate = 0;
  std::vector<int16_t> samples;
};

// Reads a mono 16-bit PCM WAV. On failure returns false and sets `error` to a reason.
bool ReadWavFile(const std::string& path, WavData* out, std::string* error);

// Parses a WAV image already in memory (the file reader and the tests share it).
bool ParseWav(const uint8_t* data, size_t size, WavData* out, std::string* error);

// Appends samples to a WAV file and fixes the RIFF and data sizes in the header on Close().
class WavWriter {
 public:
  WavWriter() = default;
  WavWriter(const WavWriter&) = delete;
  WavWriter& operator=(const WavWriter&) = delete;
  ~WavWriter() { Close(); }

  // Returns 0 or an errno value.
  int Open(const std::string& path, int rate);
  // Returns false after a write error (the error is kept in last_error()).
  bool Write(const int16_t* samples, size_t count);
  // Writes `count` zero samples.
  bool WriteSilence(size_t count);
  // Patches the header and closes the file; returns 0 or an errno value. Safe to call twice.
  int Close();

  bool is_open() const { return file_ != nullptr; }
  uint64_t samples_written() const { return samples_; }
  int last_error() const { return error_; }

 private:
  std::FILE* file_ = nullptr;
  int rate_ = 0;
  uint64_t samples_ = 0;
  int error_ = 0;
};

}  // namespace tsw::media

#endif  // TSW_MEDIA_WAV_FILE_H_
