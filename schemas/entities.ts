/**
 * The entity states that change events carry and the payloads that commands carry. Each is wrapped
 * by an envelope in envelopes.ts; the topic catalog (catalog.ts) pairs them with topics. Adding a
 * field: make it `optional(...)` so the registry's BACKWARD check accepts the new version.
 */
export * from './entities/multicase.js';
export * from './entities/ongoing.js';
export * from './entities/commands.js';
export * from './entities/state.js';
export * from './entities/warehouse-commands.js';
