import { InMemoryMemberKeys } from '../../src/personal-data/in-memory-member-keys.js';
import { describeMemberKeysContract } from './member-keys.contract.js';

describeMemberKeysContract('in-memory member keys', async () => new InMemoryMemberKeys());
