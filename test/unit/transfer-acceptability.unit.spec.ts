import { InMemoryEventStore } from '../../src/event-store/in-memory/in-memory-event-store.js';
import type { NewEvent } from '../../src/event-store/event-store.port.js';
import { readAcceptability } from '../../src/transfer-requests/list-transfers/acceptability.js';
import type { TransferRequestEvent } from '../../src/transfer-requests/transfer-request.events.js';
import type { OpenedRequest } from '../../src/transfer-requests/transfer-request.rules.js';
import { foldTransferRequest } from '../../src/transfer-requests/transfer-request.state.js';
import { joinedEvent } from '../support/member-events.js';
import { stored } from './given-when-then.js';

const meta = { actor: 'clerk-1', correlationId: 'c-1' };
const registered = (enterpriseId: string, parkId: string): NewEvent => ({
  id: `${enterpriseId}-0`,
  type: 'EnterpriseRegistered',
  data: { enterpriseId, parkId, name: enterpriseId, ownership: 'public', effectiveDate: '2010-01-01' },
  metadata: meta,
});
const request = (transferId: string, memberId: string, ended = false): OpenedRequest => {
  const events: TransferRequestEvent[] = [
    {
      type: 'TransferRequested',
      data: {
        transferId,
        memberId,
        from: { enterpriseId: 'e1', parkId: 'p1' },
        to: { enterpriseId: 'e2', parkId: 'p2' },
        openedBy: 'origin',
        effectiveDate: '2016-07-01',
      },
    },
  ];
  if (ended) events.push({ type: 'TransferCancelled', data: { transferId, reason: 'no' } });
  return foldTransferRequest(stored(`transfer-${transferId}`, events)) as OpenedRequest;
};

describe('reading whether the requests of one page can be accepted', () => {
  it('given a page of requests, when judged, then only the streams of its pending requests are read, each once', async () => {
    // Given members m1 (two requests on the page, one of them cancelled) and m2, and two enterprises
    const store = new InMemoryEventStore();
    await store.appendToStream('enterprise-e1', [registered('e1', 'p1')], { expectedRevision: 'no_stream' });
    await store.appendToStream('enterprise-e2', [registered('e2', 'p2')], { expectedRevision: 'no_stream' });
    for (const m of ['m1', 'm2', 'm3'])
      await store.appendToStream(`member-${m}`, [joinedEvent(m, { effectiveDate: '2015-03-01' })], {
        expectedRevision: 'no_stream',
      });
    const read: string[] = [];
    const readStream = store.readStream.bind(store);
    store.readStream = (stream: string) => {
      read.push(stream);
      return readStream(stream);
    };
    const page = [request('t1', 'm1', true), request('t2', 'm1'), request('t3', 'm2'), request('t4', 'm3', true)];
    // When
    const acceptability = await readAcceptability(store, page, '2016-09-01');
    // Then
    expect(read.sort()).toEqual(['enterprise-e1', 'enterprise-e2', 'member-m1', 'member-m2']);
    expect(page.map(acceptability)).toEqual([
      { acceptable: null, blockedBy: null },
      { acceptable: true, blockedBy: null },
      { acceptable: true, blockedBy: null },
      { acceptable: null, blockedBy: null },
    ]);
  });
});
