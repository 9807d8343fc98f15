import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../src/core/log.js';
import { tdmAddon } from '../../src/tdm/tdm-addon.js';
import { detectDahdi, openDefaultCard, TdmCard } from '../../src/tdm/index.js';

const here = dirname(fileURLToPath(import.meta.url));

function recordingLogger(lines: string[]): Logger {
  const log = (m: string) => lines.push(m);
  const logger: Logger = {
    source: 'test',
    log: (_l, m) => log(m),
    error: log,
    warn: log,
    notice: log,
    info: log,
    debug: log,
    child: () => logger,
  };
  return logger;
}

test('detectDahdi is false when the DAHDI device directory does not exist', () => {
  assert.equal(detectDahdi('/nonexistent/dahdi'), false);
  assert.equal(detectDahdi(mkdtempSync(join(tmpdir(), 'tsw-dahdi-'))), true);
});

test('the default card falls back to the loop card without DAHDI, and logs it', () => {
  const lines: string[] = [];
  const card = openDefaultCard({
    dahdi: { devDir: '/nonexistent/dahdi' },
    loop: { clock: 'manual' },
    logger: recordingLogger(lines),
  });
  try {
    assert.equal(card.kind, 'loop');
    assert.match(
      lines.join('\n'),
      /no DAHDI devices at \/nonexistent\/dahdi; falling back to the virtual loop card/,
    );
  } finally {
    card.close();
  }
});

test('a DAHDI card without devices fails to open a channel with the system error', () => {
  const card = TdmCard.openDahdi({ devDir: mkdtempSync(join(tmpdir(), 'tsw-dahdi-')) });
  try {
    assert.equal(card.kind, 'dahdi');
    assert.throws(() => card.channel(1), {
      code: 'TSW_ERR_NATIVE',
      message: /channel: No such file or directory/,
    });
    assert.throws(() => card.advance(20), { code: 'TSW_ERR_STATE' });
  } finally {
    card.close();
  }
});

test('the addon reports the DAHDI ioctl numbers it was built with', () => {
  const abi = tdmAddon().dahdiAbi;
  assert.equal(abi.SPECIFY, 0x4004da26);
  assert.equal(abi.GET_PARAMS, 0xc088da05);
  assert.equal(abi.SPANSTAT, 0xc13ada0a);
});

test(
  'a real DAHDI channel opens and reports its parameters',
  {
    skip: process.env.TSW_DAHDI_CHANNEL
      ? false
      : 'set TSW_DAHDI_CHANNEL to a configured DAHDI channel number',
  },
  () => {
    const card = TdmCard.openDahdi();
    try {
      const p = card.channel(Number(process.env.TSW_DAHDI_CHANNEL)).params();
      assert.equal(p.channel, Number(process.env.TSW_DAHDI_CHANNEL));
    } finally {
      card.close();
    }
  },
);

test('loop card options are range-checked', () => {
  assert.throws(() => TdmCard.openLoopCard({ ports: 3 }), /ports must be an even/);
  assert.throws(() => TdmCard.openLoopCard({ attenuationDb: -1 }), /attenuationDb/);
});

test('closing frees the card: channels refuse calls, a second close is harmless, the process can exit', () => {
  const card = TdmCard.openLoopCard({ ports: 4 });
  const ch = card.channel(3);
  card.close();
  card.close();
  assert.equal(card.closed, true);
  assert.equal(ch.closed, true);
  assert.throws(() => ch.readFrame(), { code: 'TSW_ERR_STATE' });
  assert.throws(() => card.channel(1), { code: 'TSW_ERR_STATE' });
  // A card left open keeps its clock and event threads (and the event loop) alive; a closed one
  // must not. The child opens, uses and closes real-time cards, then has to exit by itself.
  const child = spawnSync(process.execPath, [join(here, 'close-child.js')], {
    encoding: 'utf8',
    timeout: 10000,
  });
  assert.equal(child.signal, null, 'the child exited on its own');
  assert.equal(child.status, 0, child.stderr);
  assert.match(child.stdout, /closed 20 cards/);
});

test('a channel is reopened after close, and a channel can be opened only once', () => {
  const card = TdmCard.openLoopCard({ clock: 'manual' });
  try {
    const a = card.channel(1);
    assert.equal(card.channel(1), a);
    a.close();
    const b = card.channel(1);
    assert.notEqual(b, a);
    assert.equal(b.params().name, 'LOOP/1/1');
    assert.deepEqual(card.spanStatus(1).configuredChannels, 2);
  } finally {
    card.close();
  }
});
