/** Runs the bot as its own process (fixtures/bot-process.ts) and follows what it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'bot-process.ts');

export interface BotProcess {
  child: ChildProcess;
  lines: string[];
  polling: () => boolean;
  exited: Promise<number | null>;
}

export function spawnBot(env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    if (process.env.FAULT_LOG) process.stderr.write(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const polling = () => [...lines].reverse().find((l) => l.startsWith('POLLING ')) === 'POLLING true';
  return { child, lines, polling, exited };
}

