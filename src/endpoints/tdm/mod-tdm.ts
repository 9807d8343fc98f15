/**
 * mod_tdm: analog ports on DAHDI cards or the virtual loop card (tdm.conf.xml). Loading opens one
 * card per span, checks each configured port against the card (an FXS entry must be a station
 * port), registers the `tdm` endpoint and the `tdm` API, and routes the cards' hook events to the
 * lines. Unloading stops the lines and closes the cards; the core has hung up the calls by then.
 */
import { TswError } from '../../core/errors.js';
import type { TswModule } from '../../core/module.js';
import type { Session } from '../../core/session.js';
import { openDefaultCard, type TdmCard, type TdmEvent } from '../../tdm/index.js';
import { FxoLine } from './fxo-line.js';
import { FxsLine } from './fxs-line.js';
import { tdmApi, type SpanRuntime } from './tdm-api.js';
import { readTdmConfig, type SpanConfig } from './tdm-config.js';
import { createTdmEndpoint } from './tdm-endpoint.js';
import type { LineHost, TdmLine } from './tdm-line.js';

function openSpan(span: SpanConfig, log: LineHost['log']): TdmCard {
  if (span.driver !== 'dahdi' && span.ports % 2 !== 0) {
    // The loop card wires ports in pairs; only known once `auto` has chosen, but refuse early.
    if (span.driver === 'loop') {
      throw new TswError(
        'TSW_ERR_CONFIG_PARAM',
        `tdm.conf: span ${span.id}: the loop card needs an even port count`,
        {
          location: span.loc,
        },
      );
    }
  }
  return openDefaultCard({
    driver: span.driver,
    logger: log,
    loop: {
      ports: span.ports % 2 === 0 ? span.ports : span.ports + 1,
      ring: { onMs: span.loop['loop-ring-on-ms'], offMs: span.loop['loop-ring-off-ms'] },
      flashMaxBreakMs: span.loop['loop-flash-max-break-ms'],
      reversalOnAnswer: span.loop['loop-reversal-on-answer'],
      ...(span.loopEcho ? { echo: span.loopEcho } : {}),
    },
  });
}

export function createModTdm(): TswModule {
  const spans: SpanRuntime[] = [];
  const lines = new Map<string, TdmLine>();
  const groups = new Map<string, TdmLine[]>();
  const bySession = new Map<string, TdmLine>();
  return {
    name: 'mod_tdm',
    description: 'Analog FXS/FXO ports (DAHDI or the virtual loop card)',
    async load(ctx) {
      const cfg = readTdmConfig(ctx.core.xml.configuration('tdm.conf'));
      const endpoint = createTdmEndpoint(ctx.core, { lines, groups, bySession });
      const host: LineHost = {
        core: ctx.core,
        endpoint,
        log: ctx.log,
        bind: (uuid: string, line: TdmLine | undefined) => {
          if (line) bySession.set(uuid, line);
          else bySession.delete(uuid);
        },
      };
      try {
        for (const span of cfg.spans) {
          const card = openSpan(span, ctx.log);
          spans.push({ id: span.id, card, configured: span.driver, ports: span.ports });
          ctx.log.info(
            `tdm: span ${span.id} on the ${card.kind === 'loop' ? 'virtual loop card' : 'DAHDI driver'}`,
          );
          card.on('events', (batch: TdmEvent[]) => {
            for (const ev of batch) lines.get(`${span.id}/${ev.channel}`)?.onEvent(ev);
          });
        }
        for (const p of cfg.ports) {
          const card = spans.find((s) => s.id === p.span)?.card;
          if (!card) continue;
          const channel = card.channel(p.channel);
          const kind = channel.params().kind;
          if (kind !== p.type) {
            throw new TswError(
              'TSW_ERR_CONFIG_PARAM',
              `tdm.conf: span ${p.span} channel ${p.channel} is an ${kind} port on the card, not ${p.type}`,
              { location: p.loc },
            );
          }
          const line =
            p.type === 'fxs' ? new FxsLine(host, card, channel, p) : new FxoLine(host, card, channel, p);
          lines.set(`${p.span}/${p.channel}`, line);
        }
        for (const [name, members] of cfg.groups) {
          groups.set(
            name,
            members.flatMap((m) => lines.get(`${m.span}/${m.channel}`) ?? []),
          );
        }
        for (const line of lines.values()) await line.start();
      } catch (err) {
        for (const s of spans) s.card.close();
        spans.length = 0;
        lines.clear();
        throw err;
      }
      ctx.addEndpoint(endpoint);
      ctx.addApi(
        tdmApi(
          () => spans,
          () => [...lines.values()],
        ),
      );
      ctx.log.info(`tdm: ${spans.length} span(s), ${lines.size} port(s)`);
    },
    async unload() {
      const sessions: Session[] = [...new Set(bySession.values())].flatMap((l) =>
        l.session ? [l.session] : [],
      );
      for (const s of sessions) s.hangup('MANAGER_REQUEST');
      await Promise.all(sessions.map((s) => s.done()));
      for (const line of lines.values()) await line.stop();
      for (const s of spans) s.card.close();
      spans.length = 0;
      lines.clear();
      groups.clear();
    },
  };
}
