import { InMemoryEventStore } from '../../src/event-store/in-memory/in-memory-event-store.js';
import { describeEventStoreContract } from './event-store.contract.js';

describeEventStoreContract('InMemoryEventStore', async (clock) => new InMemoryEventStore(clock));
