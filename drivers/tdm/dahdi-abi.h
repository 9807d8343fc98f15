// The slice of DAHDI's user-space ABI (include/dahdi/user.h, DAHDI 2.x/3.x) that dahdi-driver.cc
// uses, written out here so that the addon builds without the dahdi-source package.
//
// How each value was derived: every DAHDI ioctl is a Linux _IO/_IOR/_IOW/_IOWR number built from
// the type code 0xDA, a per-command number, and the size of its argument; we rebuild them with the
// kernel's own macros from <linux/ioctl.h>, so only the command number and argument type are
// facts taken from DAHDI. Where DAHDI has both an old read-only and a newer read-write form of a
// command (GET_PARAMS, SPANSTAT), the newer _IOWR form is the one current kernels accept. Struct
// layouts list the fields in DAHDI's order with fixed-size types; the sizes are pinned below with
// static_asserts, and drivers/tdm/test/abi-check.cc compares every number and size against a real
// user.h when one is installed (Debian: dahdi-source ships /usr/include/dahdi/user.h).
#ifndef TSW_TDM_DAHDI_ABI_H_
#define TSW_TDM_DAHDI_ABI_H_

#include <linux/ioctl.h>

#include <cstdint>

namespace tsw::tdm::abi {

constexpr unsigned kCode = 0xDA;

// Signalling type bits (dahdi_params.sigtype). Bit 12 marks the FXO-signalling family (station
// ports), bit 13 the FXS-signalling family (trunk ports); the low bits pick loop/ground/kewl start.
constexpr int kSigFxoFamily = 1 << 12;
constexpr int kSigFxsFamily = 1 << 13;
constexpr int kSigFxsLs = (1 << 0) | kSigFxsFamily;
constexpr int kSigFxsGs = (1 << 1) | kSigFxsFamily;
constexpr int kSigFxsKs = (1 << 2) | kSigFxsFamily;
constexpr int kSigFxoLs = (1 << 3) | kSigFxoFamily;
constexpr int kSigFxoGs = (1 << 4) | kSigFxoFamily;
constexpr int kSigFxoKs = (1 << 5) | kSigFxoFamily;
constexpr int kSigClear = 1 << 7;

// Companding law codes for DAHDI_SETLAW.
constexpr int kLawDefault = 0;
constexpr int kLawMulaw = 1;
constexpr int kLawAlaw = 2;

// The event code that read()/write() report through errno when an event is waiting.
constexpr int kErrnoEventPending = 500;  // ELAST in DAHDI's kernel code

// Event value flags: pulse and DTMF digit events carry the digit in the low byte.
constexpr int kEventPulseDigitFlag = 1 << 16;
constexpr int kEventDtmfDownFlag = 1 << 17;
constexpr int kEventDtmfUpFlag = 1 << 18;

struct Params {
  int32_t channo;
  int32_t spanno;
  int32_t chanpos;
  int32_t sigtype;
  int32_t sigcap;
  int32_t rxisoffhook;
  int32_t rxbits;
  int32_t txbits;
  int32_t txhooksig;
  int32_t rxhooksig;
  int32_t curlaw;
  int32_t idlebits;
  char name[40];
  int32_t prewinktime;
  int32_t preflashtime;
  int32_t winktime;
  int32_t flashtime;
  int32_t starttime;
  int32_t rxwinktime;
  int32_t rxflashtime;
  int32_t debouncetime;
  int32_t pulsebreaktime;
  int32_t pulsemaketime;
  int32_t pulseaftertime;
  uint32_t chan_alarms;
};
static_assert(sizeof(Params) == 136, "dahdi_params: 23 ints, a 40-byte name and a u32");

// Gain tables map each encoded byte of the channel's law to its scaled encoding.
struct Gains {
  int32_t chan;  // 0 means the channel this fd is bound to
  uint8_t rxgain[256];
  uint8_t txgain[256];
};
static_assert(sizeof(Gains) == 516, "dahdi_gains is an int and two 256-byte tables");

// Followed in memory by param_count name/value pairs; we pass none.
struct EchoCanParams {
  uint32_t tap_length;  // 8 taps per ms of tail
  uint32_t param_count;
};
static_assert(sizeof(EchoCanParams) == 8, "dahdi_echocanparams header");

// DAHDI_SET_BUFINFO: how many blocks of `bufsize` bytes the kernel queues each way. The kernel
// ignores rxbufpolicy and fills in readbufs/writebufs only on GET.
struct BufferInfo {
  int32_t txbufpolicy;
  int32_t rxbufpolicy;
  int32_t numbufs;
  int32_t bufsize;
  int32_t readbufs;
  int32_t writebufs;
};
static_assert(sizeof(BufferInfo) == 24, "dahdi_bufferinfo is six ints");
constexpr int kPolicyImmediate = 0;
constexpr int kMaxBuffers = 32;  // DAHDI_MAX_NUM_BUFS

// dahdi_spaninfo is declared packed in DAHDI, so no padding anywhere.
#pragma pack(push, 1)
struct SpanInfo {
  int32_t spanno;
  char name[20];
  char desc[40];
  int32_t alarms;
  int32_t txlevel;
  int32_t rxlevel;
  int32_t bpvcount;
  int32_t crc4count;
  int32_t ebitcount;
  int32_t fascount;
  uint32_t fecount;
  uint32_t cvcount;
  uint32_t becount;
  uint32_t prbs;
  uint32_t errsec;
  int32_t irqmisses;
  int32_t syncsrc;
  int32_t numchans;
  int32_t totalchans;
  int32_t totalspans;
  int32_t lbo;
  int32_t lineconfig;
  char lboname[40];
  char location[40];
  char manufacturer[40];
  char devicetype[40];
  int32_t irq;
  int32_t linecompat;
  char spantype[6];
};
#pragma pack(pop)
static_assert(sizeof(SpanInfo) == 314, "dahdi_spaninfo is packed");

// Command numbers within type 0xDA, and the argument each carries.
constexpr unsigned long kSetBlocksize = _IOW(kCode, 1, int);
constexpr unsigned long kGetParams = _IOWR(kCode, 5, Params);
constexpr unsigned long kHook = _IOW(kCode, 7, int);
constexpr unsigned long kGetEvent = _IOR(kCode, 8, int);
constexpr unsigned long kSpanStat = _IOWR(kCode, 10, SpanInfo);
constexpr unsigned long kSetBufInfo = _IOW(kCode, 27, BufferInfo);
constexpr unsigned long kSetGains = _IOW(kCode, 16, Gains);
constexpr unsigned long kEchoCancelParams = _IOW(kCode, 33, EchoCanParams);
constexpr unsigned long kSpecify = _IOW(kCode, 38, int);
constexpr unsigned long kSetLaw = _IOW(kCode, 39, int);
constexpr unsigned long kSetLinear = _IOW(kCode, 40, int);

}  // namespace tsw::tdm::abi

#endif  // TSW_TDM_DAHDI_ABI_H_
