/**
 * Whether `npm start` runs the sandbox: only when no channel has credentials (or SANDBOX=1 asks for
 * it), never with real credentials. SANDBOX=0 turns it off (the bot then starts with every channel off).
 */

/** The variables that switch a channel to its real platform; any of them set means "not a sandbox". */
export const CHANNEL_CREDENTIALS = {
  telegram: ['TELEGRAM_BOT_TOKEN'],
  feishu: ['FEISHU_APP_ID', 'FEISHU_APP_SECRET'],
  wechat: ['WECHAT_OA_APP_ID', 'WECHAT_OA_APP_SECRET', 'WECHAT_OA_TOKEN', 'WECHATY_PUPPET', 'WECHATY_PUPPET_TOKEN'],
} as const;

export type StartMode = { sandbox: true } | { sandbox: false; reason: string } | { error: string };

export function chooseStartMode(env: Record<string, string | undefined>): StartMode {
  const set = Object.values(CHANNEL_CREDENTIALS)
    .flat()
    .filter((name) => (env[name] ?? '').trim() !== '');
  const wanted = (env.SANDBOX ?? '').trim();
  if (wanted !== '' && wanted !== '0' && wanted !== '1') return { error: `SANDBOX must be 1 (run the sandbox) or 0 (never), got "${wanted}"` };
  if (set.length > 0) {
    if (wanted === '1') return { error: `SANDBOX=1 cannot run with real platform credentials (${set.join(', ')} set): unset them or SANDBOX` };
    return { sandbox: false, reason: `credentials set: ${set.join(', ')}` };
  }
  if (wanted === '0') return { sandbox: false, reason: 'SANDBOX=0' };
  return { sandbox: true };
}
