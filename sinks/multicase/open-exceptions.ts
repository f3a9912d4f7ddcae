/**
 * The gauge of open integration exceptions per kind (pipeline_integration_exceptions_open), read
 * from Multicase by every sink-multicase process on a schedule: they all read the same table, so
 * Prometheus takes the max over them (the alert IntegrationExceptionsOpen does). A failed read is
 * logged and the gauge keeps its last value; the next read comes as planned.
 */
import { setting } from '../../runtime/config.js';
import type { Runtime } from '../../runtime/runtime.js';
import type { MulticaseDb } from '../../connectors/multicase/adapter/commands.js';
import {
  EXCEPTION_KINDS,
  exceptionsOpen,
  openExceptionCounts,
  type ExceptionKind,
} from '../../connectors/multicase/adapter/exceptions.js';

export const openExceptionSettings = {
  exceptionsPollMs: setting.int('INTEGRATION_EXCEPTIONS_POLL_MS', {
    default: 60_000,
    min: 100,
    description:
      'how often each sink-multicase process reads the number of open integration exceptions per kind from Multicase into pipeline_integration_exceptions_open',
  }),
};

export function watchOpenExceptions(rt: Runtime, db: () => MulticaseDb, intervalMs: number): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const read = async () => {
    try {
      const counts = await openExceptionCounts(db());
      for (const kind of Object.keys(EXCEPTION_KINDS) as ExceptionKind[])
        exceptionsOpen.set({ kind }, counts[kind] ?? 0);
    } catch (err) {
      if (!closed) rt.log.warn('could not read the open integration exceptions; trying again', { error: err });
    } finally {
      if (!closed) timer = setTimeout(() => void read(), intervalMs);
    }
  };
  void read();
  const stop = () => {
    closed = true;
    if (timer) clearTimeout(timer);
  };
  rt.onClose(async () => stop());
  return { stop };
}
