import { EventStoreDbMemberKeys } from '../../src/event-store/eventstoredb/eventstoredb-event-store.js';
import { describeMemberKeysContract } from './member-keys.contract.js';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

describeMemberKeysContract(
  connectionString ? 'EventStoreDB member keys' : 'EventStoreDB member keys (skipped: EVENTSTORE_CONNECTION_STRING not set)',
  async () => new EventStoreDbMemberKeys(connectionString!),
  { skip: !connectionString },
);
