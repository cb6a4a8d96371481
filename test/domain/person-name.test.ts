import { describe, expect, it } from 'vitest';
import { personName } from '../../src/domain/person-name.ts';

describe('person names', () => {
  it('a Chinese name is family name first without a space', () => {
    expect(personName('雷', '李')).toBe('李雷');
    expect(personName('小龙', '欧阳')).toBe('欧阳小龙');
  });
  it('western names and single names stay as given', () => {
    expect(personName('Chen', 'Yu')).toBe('Chen Yu');
    expect(personName('Lei', undefined)).toBe('Lei');
    expect(personName('雷', undefined)).toBe('雷');
    expect(personName('Lei', '李')).toBe('Lei 李');
  });
});
