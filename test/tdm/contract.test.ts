import { detectDahdi, TdmCard } from '../../src/tdm/index.js';
import { testTdmBinding } from './tdm-contract.js';

testTdmBinding('loop card', {
  open: () => TdmCard.openLoopCard({ ports: 2, ring: { onMs: 400, offMs: 600 } }),
  fxs: 1,
  fxo: 2,
});

// On a rig: an FXS port cabled to an FXO port, e.g. TSW_DAHDI_FXS=1 TSW_DAHDI_FXO=2.
const fxs = Number(process.env.TSW_DAHDI_FXS ?? 0);
const fxo = Number(process.env.TSW_DAHDI_FXO ?? 0);
testTdmBinding('DAHDI', {
  open: () => {
    if (!fxs || !fxo) return 'set TSW_DAHDI_FXS and TSW_DAHDI_FXO to a cabled FXS/FXO channel pair';
    if (!detectDahdi()) return 'no /dev/dahdi on this machine';
    return TdmCard.openDahdi();
  },
  fxs,
  fxo,
});
