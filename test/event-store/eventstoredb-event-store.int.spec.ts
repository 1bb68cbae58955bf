import { EventStoreDbEventStore } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { describeEventStoreContract } from './event-store.contract.js';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

// The server is shared between runs: the suite uses random stream names and only its own events.
describeEventStoreContract(
  connectionString ? 'EventStoreDbEventStore' : 'EventStoreDB adapter contract (skipped: EVENTSTORE_CONNECTION_STRING not set)',
  async (clock) => new EventStoreDbEventStore(connectionString!, clock),
  undefined,
  { skip: !connectionString, sharedLog: true, timeoutMs: 30_000 },
);
