import { describe, expect, it } from 'vitest';
import { feedNotHeld, holdFeedRefetch } from './feed-hold.ts';

describe('holdFeedRefetch', () => {
  it('defers refetches until the last hold of that machine ends', async () => {
    const order: string[] = [];
    const a = holdFeedRefetch('m1');
    const b = holdFeedRefetch('m1');
    const waited = feedNotHeld('m1').then(() => order.push('refetch'));
    await feedNotHeld('m2').then(() => order.push('other machine'));
    a();
    a(); // releasing twice counts once
    await Promise.resolve();
    order.push('one hold left');
    b();
    await waited;
    expect(order).toEqual(['other machine', 'one hold left', 'refetch']);
    await feedNotHeld('m1');
  });
});
