import request from 'supertest';
import { deterministicUuid } from '../../src/event-store/event-ids.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import type { MemberJoined } from '../../src/membership/member.events.js';
import { PersonClaims, personStream } from '../../src/membership/person-claims.js';
import { PERSON_IDENTITY, type PersonIdentity } from '../../src/personal-data/person-identity.js';
import { type LedgerApp, residentId, startLedger } from '../support/ledger-app.js';
import { expectAnswer, expectRefusal, LedgerClient } from './ledger-http.js';

describe('a join that died between its person claim and its member event', () => {
  let ledger: LedgerApp;
  let api: LedgerClient;

  beforeAll(async () => {
    ledger = await startLedger();
    api = new LedgerClient(ledger);
    await api.parkWith('p1', 'e1', 'e2');
  });
  afterAll(() => ledger.close());

  it('given only the claim was written, when the same person joins under another memberId, then the claimed join is finished first and the new one refused', async () => {
    const personId = residentId(21, '19820202');
    const claims = ledger.app.get(PersonClaims);
    const person = ledger.app.get<symbol, PersonIdentity>(PERSON_IDENTITY).ref(personId);
    const store = ledger.app.get<symbol, EventStore>(EVENT_STORE);
    const joined: MemberJoined = {
      type: 'MemberJoined',
      data: {
        memberId: 'm-orphan',
        person,
        name: '孙七',
        category: 'migrant',
        enterpriseId: 'e1',
        parkId: 'p1',
        effectiveDate: '2016-01-01',
      },
    };
    // What the join handler does right before its process is killed: claim, then nothing.
    const persons = await claims.load(person.hash, 'm-orphan');
    const event = {
      id: deterministicUuid('member-m-orphan', 'no_stream', 'crashed', '0'),
      ...joined,
      metadata: { actor: 'clerk', correlationId: 'c-crash' },
    };
    await claims.claim(persons, 'm-orphan', event, 'no_stream');
    expect(await store.readStream('member-m-orphan')).toEqual([]);

    const second = await api.join('m-second', personId, 'e2', '2016-03-01');

    expectRefusal(second, 409, 'PERSON_ALREADY_MEMBER');
    expect(second.body.details).toEqual({ memberId: 'm-orphan', parkId: 'p1' });
    const finished = await store.readStream('member-m-orphan');
    expect(finished.map((e) => e.id)).toEqual([event.id]);
    expect((await ledger.as().get('/members/m-orphan?asOf=2016-06-30')).body).toMatchObject({
      status: 'active',
      enterpriseId: 'e1',
    });
  });

  it('given the embedded store, when a person joins over HTTP, then the claim and the member event are one write: the claim names the event instead of carrying it, right before it in the log', async () => {
    const personId = residentId(24, '19820202');
    const person = ledger.app.get<symbol, PersonIdentity>(PERSON_IDENTITY).ref(personId);
    const store = ledger.app.get<symbol, EventStore>(EVENT_STORE);
    const answer = await api.join('m-one-write', personId, 'e1', '2016-01-01');
    expectAnswer(answer);
    const [claim] = await store.readStream(personStream(person.hash));
    const [joined] = await store.readStream('member-m-one-write');
    expect(claim.data).toEqual({ memberId: 'm-one-write', eventId: answer.body.eventId, memberExpectedRevision: 'no_stream' });
    expect(joined.id).toBe(answer.body.eventId);
    expect(Number(joined.position)).toBe(Number(claim.position) + 1);
    // The same person under another member id is still refused: the claim counts as before.
    expectRefusal(await api.join('m-one-write-2', personId, 'e2', '2016-03-01'), 409, 'PERSON_ALREADY_MEMBER');
  });

  it('given a claim whose member stream moved on without it, when the person joins elsewhere, then the dead claim is ignored', async () => {
    const personId = residentId(22, '19820202');
    const otherPerson = residentId(23, '19820202');
    const claims = ledger.app.get(PersonClaims);
    const person = ledger.app.get<symbol, PersonIdentity>(PERSON_IDENTITY).ref(personId);
    // The claimed member id was taken by someone else before the claimed event could land.
    const persons = await claims.load(person.hash, 'm-taken');
    const event = {
      id: deterministicUuid('member-m-taken', 'no_stream', 'lost', '0'),
      type: 'MemberJoined',
      data: {
        memberId: 'm-taken',
        person,
        name: '周八',
        category: 'regular',
        enterpriseId: 'e1',
        parkId: 'p1',
        effectiveDate: '2016-01-01',
      },
      metadata: { actor: 'clerk', correlationId: 'c-lost' },
    };
    await claims.claim(persons, 'm-taken', event, 'no_stream');
    expectAnswer(await api.join('m-taken', otherPerson, 'e1', '2016-01-01'));

    expectAnswer(await api.join('m-mine', personId, 'e2', '2016-03-01'));
  });
});
