import { describe, expect, it } from 'vitest';
import { parseCustomerCommand } from '../../src/app/customers/customer-command-words.ts';

describe('parseCustomerCommand', () => {
  it.each([
    ['/my', { name: 'my', rest: '' }],
    ['/status@emulated_bot ts-20261123-0007', { name: 'status', number: 'TS-20261123-0007', rest: '' }],
    ['/add TS-20261123-0007 the courier came back', { name: 'add', number: 'TS-20261123-0007', rest: 'the courier came back' }],
    ['/appeal', { name: 'appeal', rest: '' }],
    ['查询TS-20261123-0007', { name: 'status', number: 'TS-20261123-0007', rest: '' }],
    ['申诉：TS-20261123-0007 处理太慢', { name: 'appeal', number: 'TS-20261123-0007', rest: '处理太慢' }],
    ['我的投诉', { name: 'my', rest: '' }],
    ['/Frobnicate now', { name: 'unknown', word: '/frobnicate', rest: 'now' }],
  ])('%s', (text, expected) => {
    expect(parseCustomerCommand(text)).toEqual(expected);
  });

  it.each(['补充说明一下：快递员又来了', '申诉的流程是什么', 'my order is late', '', '   '])('leaves a sentence alone: %j', (text) => {
    expect(parseCustomerCommand(text)).toBeNull();
  });
});
