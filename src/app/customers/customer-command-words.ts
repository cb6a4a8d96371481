/**
 * The words a customer may type as commands: `/my`, `/status TS-…` and their Chinese equivalents
 * (我的投诉, 查询 TS-…). A Chinese word counts only alone or followed by a complaint number, so a
 * sentence that happens to start with 补充 or 申诉 stays a sentence.
 */
import { findNumberIn } from './customer-helpers.ts';

export type CustomerCommandName = 'help' | 'my' | 'status' | 'add' | 'withdraw' | 'appeal' | 'lang' | 'cancel' | 'back' | 'nothing' | 'mydata' | 'forget';

const SLASH: Record<string, CustomerCommandName> = {
  '/start': 'help',
  '/help': 'help',
  '/my': 'my',
  '/list': 'my',
  '/status': 'status',
  '/add': 'add',
  '/withdraw': 'withdraw',
  '/appeal': 'appeal',
  '/lang': 'lang',
  '/mydata': 'mydata',
  '/forget': 'forget',
  '/language': 'lang',
  '/cancel': 'cancel',
  '/back': 'back',
  '/done': 'nothing',
  '/skip': 'nothing',
};

const WORDS: Record<string, CustomerCommandName> = {
  帮助: 'help',
  help: 'help',
  我的投诉: 'my',
  查询: 'status',
  进度: 'status',
  补充: 'add',
  撤销: 'withdraw',
  撤回: 'withdraw',
  申诉: 'appeal',
  语言: 'lang',
  language: 'lang',
  取消: 'cancel',
  我的数据: 'mydata',
  我的信息: 'mydata',
  删除我的数据: 'forget',
  删除我的信息: 'forget',
  返回: 'back',
  // English words for channels without slash commands (WeChat): alone or followed by a number, like the Chinese ones
  my: 'my',
  status: 'status',
  add: 'add',
  withdraw: 'withdraw',
  appeal: 'appeal',
  cancel: 'cancel',
  back: 'back',
  mydata: 'mydata',
  forget: 'forget',
};

export type ParsedCommand =
  | { name: CustomerCommandName; number?: string; rest: string }
  | { name: 'unknown'; word: string; rest: string };

export function parseCustomerCommand(text: string | undefined): ParsedCommand | null {
  const trimmed = text?.trim() ?? '';
  if (!trimmed) return null;
  const first = trimmed.split(/\s+/)[0]!;
  let name: CustomerCommandName | undefined;
  let after: string;
  if (first.startsWith('/')) {
    const word = first.toLowerCase().replace(/@\w+$/, '');
    name = SLASH[word];
    after = trimmed.slice(first.length).trim();
    if (!name) return { name: 'unknown', word: word.slice(0, 40), rest: after };
  } else {
    const lower = trimmed.toLowerCase();
    const word = Object.keys(WORDS).find((w) => lower === w || (lower.startsWith(w) && /^[\s:：]*[a-z]{1,6}-\d{8}-\d{4,}/i.test(trimmed.slice(w.length))));
    if (!word) return null;
    name = WORDS[word];
    after = trimmed.slice(word.length).replace(/^[\s:：]+/, '');
  }
  const number = findNumberIn(after);
  const rest = number ? after.replace(new RegExp(number, 'i'), '').replace(/^[\s:：,，]+/, '').trim() : after;
  return { name: name!, ...(number ? { number } : {}), rest };
}
