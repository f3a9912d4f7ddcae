/**
 * What the console can do, each through the same code as the ops CLI: retry one dead letter
 * (`dlq retry`), set a shipping-method mapping after checking its codes against Ongoing
 * (`shipping-map set`; the processor then sends the picking lists it held for that freight method
 * by itself), mark an integration exception resolved (`exceptions resolve`), and run the stock
 * check (`reconcile`). The editor's data is read here too.
 */
import { topics } from '../../schemas/catalog.js';
import type { ShippingMethodMapping } from '../../schemas/types.generated.js';
import { errorMessage } from '../../runtime/errors.js';
import type { Runtime } from '../../runtime/runtime.js';
import { openTable, type Table } from '../../runtime/table.js';
import type { MulticaseDb } from '../../connectors/multicase/adapter/commands.js';
import {
  freightMethodCode,
  freightMethods,
  type FreightMethod,
} from '../../connectors/multicase/adapter/freight-methods.js';
import type { OngoingApi } from '../../connectors/ongoing/api/client.js';
import { resolveException } from '../../connectors/multicase/adapter/exceptions.js';
import { retryDeadLetters } from '../ops/dlq.js';
import { reconcileStock } from '../ops/reconcile.js';
import type { StockReport } from '../ops/reconcile-diff.js';
import { mappingProblems, ongoingCodes, type OngoingCodes } from '../ops/shipping-map-check.js';
import { setShippingMethod, shippingMapKey } from '../ops/shipping-map.js';
import { requireTopics } from '../ops/status.js';

export interface ConsoleSystems {
  readonly rt: Runtime;
  readonly ongoing: OngoingApi;
  multicaseDb(): MulticaseDb;
  /** The Multicase warehouse Ongoing runs, for the stock check. */
  readonly warehouse: string;
}

/** A request the console refuses, with what to tell the person (HTTP 400). */
export class ActionRefused extends Error {}

export interface EditorData {
  readonly methods: FreightMethod[];
  readonly waysOfDelivery: Array<{ code: string; name: string | null }>;
  readonly transporters: Array<{ code: string; name: string; services: Array<{ code: string; name: string }> }>;
  readonly mappings: ReadonlyMap<number, ShippingMethodMapping>;
  /** Why a part could not be read (Multicase, Ongoing, the map topic). */
  readonly problems: string[];
}

export interface MappingInput {
  readonly id: number;
  readonly wayOfDeliveryCode: string | null;
  readonly transporterCode: string | null;
  readonly transporterServiceCode: string | null;
}

const CODES_MAX_AGE_MS = 10_000;

export function consoleActions(sys: ConsoleSystems) {
  let map: Promise<Table<ShippingMethodMapping>> | undefined;
  let codes: { at: number; value: Promise<OngoingCodes> } | undefined;
  const retried = new Map<string, number>();
  const stockCheck: { running: boolean; report?: StockReport; error?: string; startedAt?: number } = { running: false };

  const mapTable = () =>
    (map ??= (async () => {
      const admin = await sys.rt.kafka.admin();
      await requireTopics(admin, [topics.shippingMethodMap.name]).finally(() => admin.disconnect());
      return openTable(sys.rt, topics.shippingMethodMap, { loadTimeoutMs: 20_000 });
    })().catch((err: unknown) => {
      map = undefined;
      throw err;
    }));
  /** Ongoing's codes, at most CODES_MAX_AGE_MS old (fresh: read now). */
  const codesOf = (fresh: boolean) => {
    if (fresh || !codes || Date.now() - codes.at > CODES_MAX_AGE_MS) {
      const value = ongoingCodes(sys.ongoing);
      codes = { at: Date.now(), value };
      value.catch(() => (codes = undefined));
    }
    return codes.value;
  };

  return {
    retried: retried as ReadonlyMap<string, number>,
    stockCheck: stockCheck as Readonly<typeof stockCheck>,

    async editorData(): Promise<EditorData> {
      const problems: string[] = [];
      const [methods, ways, contracts, table] = await Promise.all([
        freightMethods(sys.multicaseDb()).catch(
          (err: unknown) => (problems.push(`Multicase freight methods: ${errorMessage(err)}`), [] as FreightMethod[]),
        ),
        sys.ongoing
          .getWaysOfDelivery()
          .catch((err: unknown) => (problems.push(`Ongoing ways of delivery: ${errorMessage(err)}`), [])),
        sys.ongoing
          .getTransporterContracts()
          .catch((err: unknown) => (problems.push(`Ongoing transporter contracts: ${errorMessage(err)}`), [])),
        mapTable().catch(
          (err: unknown) => (problems.push(`${topics.shippingMethodMap.name}: ${errorMessage(err)}`), undefined),
        ),
      ]);
      return {
        methods,
        waysOfDelivery: ways.map((w) => ({ code: w.code, name: w.name })).sort((a, b) => a.code.localeCompare(b.code)),
        transporters: contracts
          .map((c) => ({
            code: c.transporterCode,
            name: c.transporterName,
            services: (c.transporterServices ?? []).map((s) => ({
              code: s.transporterServiceCode,
              name: s.transporterServiceName,
            })),
          }))
          .sort((a, b) => a.code.localeCompare(b.code)),
        mappings: new Map([...(table?.entries() ?? [])].map(([, m]) => [m.shippingMethodId, m])),
        problems,
      };
    },

    /** The problems of a mapping against what Ongoing has now (empty: fine). */
    async checkMapping(m: Omit<MappingInput, 'id'>, fresh = false): Promise<string[]> {
      return mappingProblems(m, await codesOf(fresh));
    },

    /** Checks the codes against Ongoing (read now), then writes the mapping; resolves once the map topic has it. */
    async saveMapping(m: MappingInput): Promise<ShippingMethodMapping> {
      const problems = await this.checkMapping(m, true);
      if (problems.length > 0) throw new ActionRefused(`the mapping of freight method ${m.id} ${problems.join('; ')}`);
      const code = await freightMethodCode(sys.multicaseDb(), m.id);
      if (code === null) throw new ActionRefused(`freight method ${m.id} is not one of Multicase's`);
      const ways = m.wayOfDeliveryCode ? await sys.ongoing.getWaysOfDelivery() : [];
      const { current } = await setShippingMethod(sys.rt, m.id, {
        shippingMethodCode: code,
        wayOfDeliveryCode: m.wayOfDeliveryCode,
        wayOfDeliveryName: ways.find((w) => w.code === m.wayOfDeliveryCode)?.name ?? null,
        transporterCode: m.transporterCode,
        transporterServiceCode: m.transporterServiceCode,
      });
      // So that the page shown next has it.
      const table = await mapTable().catch(() => undefined);
      await table?.waitFor(shippingMapKey(m.id), (v) => v?.updatedAt === current.updatedAt, 10_000);
      return current;
    },

    /** Re-publishes the one dead letter at `offset` of `topic` (whose key must be `key`) to its original topic. */
    async retryLetter(topic: string, offset: string, key: string | null): Promise<string> {
      if (!topic.startsWith('dlq.')) throw new ActionRefused(`${topic} is not a dead-letter topic`);
      if (!/^\d+$/.test(offset)) throw new ActionRefused(`offset ${offset} is not an offset`);
      // Dead-letter topics have one partition (runtime/topology.ts): the letter at this offset is the first read from it.
      const r = await retryDeadLetters(sys.rt, {
        topic,
        fromOffset: BigInt(offset),
        limit: 1,
        ...(key !== null ? { key } : {}),
      });
      if (r.retriedTotal === 0)
        throw new ActionRefused(
          r.skipped[0]
            ? `not retried: ${r.skipped[0].reason}`
            : `no letter with key ${key ?? '(none)'} at offset ${offset} of ${topic}`,
        );
      retried.set(`${topic}@${offset}`, Date.now());
      return `Re-published the letter at offset ${offset} of ${topic} to ${r.retried[0]!.topic}.`;
    },

    /** Marks an integration exception resolved, by the console's user, with what was done. */
    async resolveException(id: number, note: string): Promise<string> {
      if (note.trim() === '')
        throw new ActionRefused('say what was done about the exception before marking it resolved');
      const r = await resolveException(sys.multicaseDb(), id, 'console', note.trim());
      if (r.outcome === 'unknown') throw new ActionRefused(`there is no integration exception ${id}`);
      return r.outcome === 'resolved'
        ? `Exception ${id} (${r.exception.kind}) marked resolved.`
        : `Exception ${id} was already resolved by ${r.exception.resolvedBy}.`;
    },

    /** Starts the stock check in the background (it reads all of Ongoing: minutes, not seconds). */
    startStockCheck(): string {
      if (stockCheck.running) return 'The stock check is already running.';
      Object.assign(stockCheck, { running: true, startedAt: Date.now(), error: undefined });
      reconcileStock({ ongoing: sys.ongoing, db: sys.multicaseDb(), warehouse: sys.warehouse }).then(
        (report) => Object.assign(stockCheck, { running: false, report }),
        (err: unknown) => Object.assign(stockCheck, { running: false, error: errorMessage(err) }),
      );
      return 'The stock check started; its result shows here when it is done.';
    },

    async close(): Promise<void> {
      const t = await map?.catch(() => undefined);
      await t?.close();
    },
  };
}

export type ConsoleActions = ReturnType<typeof consoleActions>;
