/** `/new` (新投诉) in a department group or the managers' chat: posts the intake form card into that chat. */
import { randomBytes } from 'node:crypto';
import type { Tx } from '../../store/database.ts';
import type { AppContext } from '../shared/context.ts';
import { enqueue } from '../shared/outbox.ts';
import { localizedName } from '../shared/localized.ts';
import { renderIntakeFormCard } from '../../../cards/intake-card.ts';

export async function postIntakeForm(ctx: AppContext, tx: Tx, opts: { chatId: string; at: Date }): Promise<void> {
  const lang = ctx.config.defaultLanguage;
  const card = renderIntakeFormCard({
    nonce: randomBytes(12).toString('hex'),
    language: lang,
    categories: ctx.config.categories.map((c) => ({ id: c.id, name: localizedName(c.name, lang) })),
  });
  await enqueue(tx, { channel: 'feishu', kind: 'card.raw', target: opts.chatId, payload: { card } }, opts.at);
}
