/** SHUTDOWN_TIMEOUT: seconds, 10 by default, and a readable error naming the key when it is not a number of seconds. */
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/config/load.ts';

describe('SHUTDOWN_TIMEOUT', () => {
  it('defaults to 10 seconds and takes a number of seconds', () => {
    expect(loadEnv({}).SHUTDOWN_TIMEOUT).toBe(10);
    expect(loadEnv({ SHUTDOWN_TIMEOUT: '30' }).SHUTDOWN_TIMEOUT).toBe(30);
  });

  it('names the key when the value is not 1–600 seconds', () => {
    for (const bad of ['ten', '0', '-5', '601']) expect(() => loadEnv({ SHUTDOWN_TIMEOUT: bad })).toThrow(/SHUTDOWN_TIMEOUT/);
  });
});
