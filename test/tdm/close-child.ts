/** Child of tdm-card.test.ts: opens and closes real-time loop cards, then must exit unaided. */
import { TdmCard } from '../../src/tdm/index.js';

let events = 0;
for (let i = 0; i < 20; i++) {
  const card = TdmCard.openLoopCard({ ports: 2 });
  card.on('events', (b) => (events += b.length));
  card.channel(1).hook('RING');
  card.channel(2);
  await new Promise((r) => setTimeout(r, 30));
  card.close();
}
console.log(`closed 20 cards (${events} events)`);
