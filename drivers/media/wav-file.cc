#include "wav-file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace tsw::media {

namespace {

constexpr size_t kHeaderSize = 44;

uint32_t Le32(const uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
uint16_t Le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

void PutLe32(uint32_t v, uint8_t* p) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void PutLe16(uint16_t v, uint8_t* p) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}

void BuildHeader(int rate, uint64_t samples, uint8_t* h) {
  const uint32_t data_bytes = static_cast<uint32_t>(samples * 2);
  std::memcpy(h, "RIFF", 4);
  PutLe32(36 + data_bytes, h + 4);
  std::memcpy(h + 8, "WAVEfmt ", 8);
  PutLe32(16, h + 16);
  PutLe16(1, h + 20);  // PCM
  PutLe16(1, h + 22);  // mono
  PutLe32(static_cast<uint32_t>(rate), h + 24);
  PutLe32(static_cast<uint32_t>(rate) * 2, h + 28);
  PutLe16(2, h + 32);
  PutLe16(16, h + 34);
  std::memcpy(h + 36, "data", 4);
  PutLe32(data_bytes, h + 40);
}

}  // namespace

bool ParseWav(const uint8_t* data, size_t size, WavData* out, std::string* error) {
  if (size < 12 || std::memcmp(data, "RIFF", 4) != 0 || std::memcmp(data + 8, "WAVE", 4) != 0) {
    *error = "not a RIFF/WAVE file";
    return false;
  }
  bool have_fmt = false;
  size_t pos = 12;
  while (pos + 8 <= size) {
    const uint8_t* chunk = data + pos;
    const size_t chunk_size = Le32(chunk + 4);
    const size_t body = pos + 8;
    const size_t available = size - body;
    if (std::memcmp(chunk, "fmt ", 4) == 0) {
      if (chunk_size < 16 || available < 16) {
        *error = "truncated fmt chunk";
        return false;
      }
      const uint16_t format = Le16(data + body);
      const uint16_t channels = Le16(data + body + 2);
      const uint16_t bits = Le16(data + body + 14);
      // 0xFFFE (WAVE_FORMAT_EXTENSIBLE) carries plain PCM too when the bit depth says 16.
      if ((format != 1 && format != 0xFFFE) || channels != 1 || bits != 16) {
        *error = "only mono 16-bit PCM WAV files are supported";
        return false;
      }
      out->rate = static_cast<int>(Le32(data + body + 4));
      if (out->rate < 4000 || out->rate > 192000) {
        *error = "unsupported sample rate " + std::to_string(out->rate);
        return false;
      }
      have_fmt = true;
    } else if (std::memcmp(chunk, "data", 4) == 0) {
      if (!have_fmt) {
        *error = "data chunk before fmt chunk";
        return false;
      }
      // A writer that died before fixing the header leaves a size that overruns the file.
      const size_t bytes = chunk_size > available ? available : chunk_size;
      out->samples.resize(bytes / 2);
      for (size_t i = 0; i < out->samples.size(); ++i) {
        out->samples[i] = static_cast<int16_t>(Le16(data + body + 2 * i));
      }
      return true;
    }
    if (chunk_size > available) break;
    pos = body + chunk_size + (chunk_size & 1);  // chunks are padded to even sizes
  }
  *error = "no data chunk";
  return false;
}

bool ReadWavFile(const std::string& path, WavData* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (!ParseWav(bytes.data(), bytes.size(), out, error)) {
    *error = path + ": " + *error;
    return false;
  }
  return true;
}

int WavWriter::Open(const std::string& path, int rate) {
  Close();
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) return errno;
  rate_ = rate;
  samples_ = 0;
  error_ = 0;
  uint8_t header[kHeaderSize];
  BuildHeader(rate_, 0, header);
  if (std::fwrite(header, 1, kHeaderSize, file_) != kHeaderSize) {
    error_ = errno;
    std::fclose(file_);
    file_ = nullptr;
    return error_;
  }
  return 0;
}

bool WavWriter::Write(const int16_t* samples, size_t count) {
  if (file_ == nullptr || error_ != 0) return false;
  uint8_t buf[2 * 512];
  while (count > 0) {
    const size_t n = count < 512 ? count : 512;
    for (size_t i = 0; i < n; ++i) PutLe16(static_cast<uint16_t>(samples[i]), buf + 2 * i);
    if (std::fwrite(buf, 2, n, file_) != n) {
      error_ = errno != 0 ? errno : EIO;
      return false;
    }
    samples_ += n;
    samples += n;
    count -= n;
  }
  return true;
}

bool WavWriter::WriteSilence(size_t count) {
  static const int16_t kZeros[512] = {};
  while (count > 0) {
    const size_t n = count < 512 ? count : 512;
    if (!Write(kZeros, n)) return false;
    count -= n;
  }
  return true;
}

int WavWriter::Close() {
  if (file_ == nullptr) return 0;
  uint8_t header[kHeaderSize];
  BuildHeader(rate_, samples_, header);
  int err = error_;
  if (std::fseek(file_, 0, SEEK_SET) != 0 ||
      std::fwrite(header, 1, kHeaderSize, file_) != kHeaderSize) {
    err = errno;
  }
  if (std::fclose(file_) != 0 && err == 0) err = errno;
  file_ = nullptr;
  return err;
}

}  // namespace tsw::media
