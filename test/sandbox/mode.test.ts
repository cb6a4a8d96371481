/** When `npm start` runs the sandbox: only without any channel's credentials, never with them. */
import { describe, expect, it } from 'vitest';
import { chooseStartMode, CHANNEL_CREDENTIALS } from '../../src/sandbox/mode.ts';

describe('choosing the sandbox', () => {
  it('runs the sandbox when no channel has credentials', () => {
    expect(chooseStartMode({})).toEqual({ sandbox: true });
    expect(chooseStartMode({ SANDBOX: '1', PORT: '3000', DATABASE_URL: 'postgresql://x' })).toEqual({ sandbox: true });
  });

  it.each(Object.values(CHANNEL_CREDENTIALS).flat())('never runs it when %s is set', (name) => {
    expect(chooseStartMode({ [name]: 'something' })).toEqual({ sandbox: false, reason: `credentials set: ${name}` });
    expect(chooseStartMode({ [name]: 'something', SANDBOX: '1' })).toEqual({ error: expect.stringContaining(`SANDBOX=1 cannot run with real platform credentials (${name} set)`) });
  });

  it('SANDBOX=0 starts the bot with its channels off; any other value is refused with its name', () => {
    expect(chooseStartMode({ SANDBOX: '0' })).toEqual({ sandbox: false, reason: 'SANDBOX=0' });
    expect(chooseStartMode({ SANDBOX: 'yes' })).toEqual({ error: 'SANDBOX must be 1 (run the sandbox) or 0 (never), got "yes"' });
    expect(chooseStartMode({ TELEGRAM_BOT_TOKEN: '  ' })).toEqual({ sandbox: true });
  });
});
