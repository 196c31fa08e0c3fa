import { messageStoreConformance } from './conformance';
import { MemoryMessageStore } from './memory-message-store';

messageStoreConformance('MemoryMessageStore', async () => ({ store: new MemoryMessageStore(), cleanup: async () => {} }));
