/** Commands a customer may send outside a conversation. Returns false when the event is not a command. */
import type { CustomerSession } from './customer-session.ts';

export async function handleCustomerCommand(s: CustomerSession): Promise<boolean> {
  const command = s.command;
  if (s.input.button !== undefined) {
    await s.reply('customer.staleButton');
    return true;
  }
  if (!command?.startsWith('/') && command !== '取消') return false;
  if (command === '/start' || command === '/help') await s.reply('customer.welcome', { company: s.ctx.config.company.name });
  else if (command === '/cancel' || command === '取消') await s.reply('customer.nothingToCancel');
  else await s.reply('customer.unknownCommand', { command: command.slice(0, 40) });
  return true;
}
