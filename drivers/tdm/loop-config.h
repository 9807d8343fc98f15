// Parameters of the virtual loop card (docs/tdm.md describes the line model they drive).
#ifndef TSW_TDM_LOOP_CONFIG_H_
#define TSW_TDM_LOOP_CONFIG_H_

#include <cstdint>

namespace tsw::tdm {

struct LoopConfig {
  int ports = 2;  // even: channel 2k+1 is a station (FXS) port wired to trunk (FXO) port 2k+2
  bool manual_clock = false;  // true: time moves only through LoopCard::Advance()

  // Audio path, applied in both directions.
  double attenuation_db = 0;
  bool echo_enabled = false;
  int echo_delay_ms = 0;
  double echo_erl_db = 30;
  bool noise_enabled = false;
  double noise_dbm0 = -70;
  uint32_t noise_seed = 1;
  int buffer_ms = 2000;  // bound of each port's receive and transmit queues

  // Ringing (station side) and its detection (trunk side).
  int ring_on_ms = 2000;
  int ring_off_ms = 4000;
  int cid_ring_delay_ms = 300;  // from the end of DTMF caller ID to the first ring
  int fsk_delay_ms = 500;       // from the end of the first ring to FSK caller ID

  // Supervision.
  bool reversal_on_answer = false;  // station OFFHOOK (answer) reverses battery polarity
  int open_switch_ms = 250;         // battery removed for this long on a station ONHOOK

  // Hook timing: what the trunk side sends, and how the station side classifies breaks.
  int flash_ms = 300;       // trunk FLASH: on-hook for this long
  int pulse_break_ms = 60;  // trunk pulse dialling: break and make per pulse
  int pulse_make_ms = 40;
  int interdigit_ms = 700;        // trunk pulse dialling: make between digits
  int pulse_max_break_ms = 150;   // station side: a shorter break is a dial pulse
  int flash_max_break_ms = 1000;  // ... up to this a hook flash, beyond it an on-hook
  int pulse_digit_gap_ms = 250;   // ... a make this long ends a pulse digit
};

}  // namespace tsw::tdm

#endif  // TSW_TDM_LOOP_CONFIG_H_
