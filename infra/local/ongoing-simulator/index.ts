/** The Ongoing WMS simulator: a faithful local stand-in for the Goods Owner REST API, plus a control path. */
export {
  startOngoingSimulator,
  DEFAULT_USERS,
  DEFAULT_GOODS_OWNERS,
  type OngoingSimulator,
  type OngoingSimulatorOptions,
} from './server.js';
export { SimulatorControl, SimulatorControlError } from './control.js';
export type * from './control.js';
export type { FaultSettings } from './faults.js';
export {
  DEFAULT_SEED,
  ORDER_STATUS,
  PURCHASE_ORDER_STATUS,
  RETURN_ORDER_STATUS,
  type SeedData,
  type StatusEntry,
  type TransporterContract,
} from './reference-data.js';
export type { ApiUser } from './context.js';
export type { GoodsOwner } from './store.js';
export type { WriteStats } from './write-gate.js';
export { ensureDatabase, simulatorSettings } from './settings.js';
