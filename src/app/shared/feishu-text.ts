/**
 * Feishu text messages turn `<at user_id="…">` into mentions (`<at user_id="all">` pings everyone).
 * Text that people typed — a customer's message or name, a staff member's reason — is made inert
 * before it goes into one, so only the mentions the bot means are mentions.
 */
export function inertText(text: string): string {
  return text.replace(/</g, '＜').replace(/>/g, '＞');
}
